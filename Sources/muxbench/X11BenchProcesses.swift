import Foundation
import Glibc
import InputMuxCore
import InputMuxLinux

/// A process the X11 benchmark starts: spawned with an empty signal mask, its stdout on
/// a pipe, stopped with SIGTERM (then SIGKILL) and reaped.
final class X11BenchProcess {
    let pid: pid_t
    let stdout: Int32
    private var reaped = false

    init(_ path: String, _ args: [String], environment: [String: String] = [:]) throws {
        guard access(path, X_OK) == 0 else { throw BenchError("\(path) is missing: run `bash scripts/deps.sh`") }
        var out: [Int32] = [0, 0]
        guard pipe(&out) == 0 else { throw BenchError("pipe failed") }
        _ = fcntl(out[0], F_SETFD, FD_CLOEXEC)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, out[1], 1)
        posix_spawn_file_actions_addclose(&actions, out[1])
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var empty = sigset_t(), all = sigset_t()
        sigemptyset(&empty); sigfillset(&all)
        posix_spawnattr_setsigmask(&attr, &empty)
        posix_spawnattr_setsigdefault(&attr, &all)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        let envp = env.map { strdup("\($0)=\($1)") } + [nil]
        let argv = ([path] + args).map { strdup($0) } + [nil]
        defer { for p in argv + envp { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, path, &actions, &attr, argv, envp)
        close(out[1])
        guard rc == 0 else { close(out[0]); throw BenchError("cannot start \(path): \(String(cString: strerror(rc)))") }
        self.pid = pid
        stdout = out[0]
    }

    deinit {
        stop()
        close(stdout)
    }

    /// Waits for the process to exit by itself; its status.
    @discardableResult
    func wait() -> Int32 {
        var status: Int32 = 0
        if !reaped { waitpid(pid, &status, 0); reaped = true }
        return status
    }

    func stop() {
        guard !reaped else { return }
        kill(pid, SIGTERM)
        for _ in 0..<300 {
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid { reaped = true; return }
            usleep(10_000)
        }
        kill(pid, SIGKILL)
        wait()
    }

    /// The first line the process prints (Xvfb's `-displayfd` number).
    func firstLine(timeout: Duration) -> String? {
        var text = ""
        let deadline = MonotonicClock.now() + timeout
        while !text.contains("\n"), MonotonicClock.now() < deadline {
            var pfd = pollfd(fd: stdout, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, 100) > 0 else { continue }
            var buf = [UInt8](repeating: 0, count: 256)
            let n = read(stdout, &buf, buf.count)
            if n <= 0 { break }
            text += String(decoding: buf[0..<n], as: UTF8.self)
        }
        return text.split(separator: "\n").first.map(String.init)
    }
}

/// One agent connection speaking the wire protocol as JSON lines (docs/PROTOCOL.md).
final class X11BenchAgent {
    let fd: Int32
    private var pending: [UInt8] = []
    private var nextID = 1

    init(socket path: String, name: String) throws {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        self.fd = fd
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { b in for (i, c) in path.utf8.enumerated() where i < b.count - 1 { b[i] = c } }
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard rc == 0 else { throw BenchError("cannot connect to \(path): errno \(errno)") }
        let hello = try request("{\"type\":\"hello\",\"id\":0,\"protocol\":1,\"name\":\"\(name)\"}")
        guard hello.contains("\"ok\":true") else { throw BenchError("hello refused: \(hello)") }
    }

    deinit { close(fd) }

    /// Sends one line with a fresh id spliced in (`ID` in `body`); returns the id.
    @discardableResult
    func send(_ body: String) -> Int {
        let id = nextID
        nextID += 1
        let line = body.replacingOccurrences(of: "ID", with: "\(id)") + "\n"
        var bytes = Array(line.utf8)
        _ = bytes.withUnsafeMutableBufferPointer { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        return id
    }

    /// Lines that are replies (events are skipped), read within `timeout`.
    func replies(timeout: Duration) -> [String] {
        var out: [String] = []
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&pfd, 1, Int32(max(0, timeout.nanosecondCount / 1_000_000))) > 0 else { return out }
        var buf = [UInt8](repeating: 0, count: 65536)
        let n = read(fd, &buf, buf.count)
        guard n > 0 else { return out }
        pending += buf[0..<n]
        while let nl = pending.firstIndex(of: 10) {
            let line = String(decoding: pending[..<nl], as: UTF8.self)
            pending.removeSubrange(...nl)
            if line.contains("\"type\":\"reply\"") { out.append(line) }
        }
        return out
    }

    /// Sends and waits for that one reply.
    func request(_ body: String) throws -> String {
        send(body)
        let deadline = MonotonicClock.now() + .seconds(20)
        while MonotonicClock.now() < deadline {
            if let r = replies(timeout: .milliseconds(100)).first { return r }
        }
        throw BenchError("no reply to \(body)")
    }
}
