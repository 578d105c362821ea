import Glibc
import InputMuxCore

@testable import InputMuxConfiguration
@testable import InputMuxAudit

/// A fresh directory under /tmp for one test; removed by `remove()`.
struct AuditTempDirectory {
    let path: String

    init() {
        var template = Array("/tmp/inputmux-audit-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(made != nil, "mkdtemp failed")
        path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    func file(_ name: String) -> String { path + "/" + name }

    func remove() {
        // Only our own directory, one level deep (plus a possible key directory).
        for name in (try? AuditFileIO.names(in: path)) ?? [] {
            let p = file(name)
            if let st = try? AuditFileIO.linkStatus(p), st.st_mode & S_IFMT == S_IFDIR {
                for inner in (try? AuditFileIO.names(in: p)) ?? [] { unlink(p + "/" + inner) }
                rmdir(p)
            } else {
                unlink(p)
            }
        }
        rmdir(path)
    }
}

func auditSettings(_ path: String, maximumBytes: Int = 1 << 20, keepFiles: Int = 8, textInClear: Bool = false) -> Configuration.AuditSettings {
    var s = Configuration.AuditSettings()
    s.path = path
    s.maximumBytes = maximumBytes
    s.keepFiles = keepFiles
    s.textInClear = textInClear
    // The key, and so the head file beside it, in the test's directory, never /var/lib.
    s.keyPath = AuditFileIO.split(path).directory + "/audit.key"
    return s
}

let auditAlice = AgentIdentity(name: "alice", session: SessionID(3), uid: 1000, gid: 1000, pid: 4242, exe: "/usr/bin/agent")
let auditBob = AgentIdentity(name: "bob", session: SessionID(4), uid: 1001, gid: 1001, pid: 4343, exe: "/usr/bin/agent")

/// A click decision numbered `i`, alternating agents and leases so filters have work.
func auditClick(_ i: Int) -> AuditEvent {
    AuditEvent(time: Instant(nanoseconds: Int64(i) * 1_000_000), identity: i % 2 == 0 ? auditAlice : auditBob,
               lease: LeaseID(UInt64(i % 3)), action: "click", points: [Point(x: Int32(i), y: 7)],
               decision: i % 5 == 0 ? .rejected : .allowed, reason: i % 5 == 0 ? .outsideRegion : nil,
               message: "click \(i)")
}

func auditWallTime(_ i: Int) -> WallTime { WallTime(nanosecondsSinceEpoch: 1_795_000_000_000_000_000 + Int64(i) * 1000) }

/// The file's bytes as text ("" when missing).
func auditFileText(_ path: String) -> String {
    String(decoding: (try? AuditFileIO.readFile(path)) ?? nil ?? [], as: UTF8.self)
}

func auditWriteFile(_ path: String, _ text: String) {
    let fd = open(path, O_WRONLY | O_TRUNC | O_CREAT, 0o640)
    precondition(fd >= 0)
    try! AuditFileIO.writeAll(fd, Array(text.utf8))
    close(fd)
}

func auditLines(_ path: String) -> [String] {
    auditFileText(path).split(separator: "\n").map(String.init)
}
