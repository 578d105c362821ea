import Foundation
import InputMuxConfiguration
import InputMuxCore

// Fixtures for the tests of the audit log and of the daemon's audit writer: a directory
// of the test's own, settings that keep the key beside the log, numbered decisions and
// the file read back. Never a dependency of the daemon.

/// A fresh directory under the temporary directory for one test; removed by `remove()`.
public struct AuditTempDirectory: Sendable {
    public let path: String

    public init() {
        let base = FileManager.default.temporaryDirectory.path
        var template = Array((base + "/inputmux-audit-XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(made != nil, "mkdtemp in \(base) failed: errno \(errno)")
        path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public func file(_ name: String) -> String { path + "/" + name }

    public func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Audit settings for a log at `path`, with the key (and so the head file beside it) in
/// the same directory, never /var/lib.
public func auditSettings(_ path: String, maximumBytes: Int = 1 << 20, keepFiles: Int = 8,
                          textInClear: Bool = false) -> Configuration.AuditSettings {
    var s = Configuration.AuditSettings()
    s.path = path
    s.maximumBytes = maximumBytes
    s.keepFiles = keepFiles
    s.textInClear = textInClear
    s.keyPath = (path as NSString).deletingLastPathComponent + "/audit.key"
    return s
}

public let auditAlice = AgentIdentity(name: "alice", session: SessionID(3), uid: 1000, gid: 1000, pid: 4242, exe: "/usr/bin/agent")
public let auditBob = AgentIdentity(name: "bob", session: SessionID(4), uid: 1001, gid: 1001, pid: 4343, exe: "/usr/bin/agent")

/// A click decision numbered `i`, alternating agents and leases so filters have work.
public func auditClick(_ i: Int) -> AuditEvent {
    AuditEvent(time: Instant(nanoseconds: Int64(i) * 1_000_000), identity: i % 2 == 0 ? auditAlice : auditBob,
               lease: LeaseID(UInt64(i % 3)), action: "click", points: [Point(x: Int32(i), y: 7)],
               decision: i % 5 == 0 ? .rejected : .allowed, reason: i % 5 == 0 ? .outsideRegion : nil,
               message: "click \(i)")
}

public func auditWallTime(_ i: Int) -> WallTime { WallTime(nanosecondsSinceEpoch: 1_795_000_000_000_000_000 + Int64(i) * 1000) }

/// The file's bytes as text ("" when missing).
public func auditFileText(_ path: String) -> String {
    FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) } ?? ""
}

/// Replaces the file's contents with `text` (created 0640 when missing).
public func auditWriteFile(_ path: String, _ text: String) {
    let fd = open(path, O_WRONLY | O_TRUNC | O_CREAT, 0o640)
    precondition(fd >= 0, "cannot open \(path): errno \(errno)")
    let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
    do { try handle.write(contentsOf: Data(text.utf8)) } catch { preconditionFailure("cannot write \(path): \(error)") }
}

/// The file's lines, without their newlines.
public func auditLines(_ path: String) -> [String] {
    auditFileText(path).split(separator: "\n").map(String.init)
}
