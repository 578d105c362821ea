import Glibc
import InputMuxCore
import InputMuxLinux

/// A child process with its stdout (and stderr) on a pipe, read line by line.
final class Subprocess {
    let pid: pid_t
    let output: Int32
    private var pending: [UInt8] = []
    private(set) var lines: [String] = []
    private var exited = false

    /// Starts `path` with `args` (argv[0] is `path`).
    init(_ path: String, _ args: [String]) throws {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw TestFailure("pipe failed: errno \(errno)") }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 2)
        let argv = ([path] + args).map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        var child: pid_t = 0
        let rc = posix_spawn(&child, path, &actions, nil, argv, environ)
        close(fds[1])
        guard rc == 0 else { close(fds[0]); throw TestFailure("cannot start \(path): \(String(cString: strerror(rc)))") }
        pid = child
        output = fds[0]
        _ = fcntl(output, F_SETFL, fcntl(output, F_GETFL) | O_NONBLOCK)
    }

    deinit {
        if !exited { kill(pid, SIGKILL); var s: Int32 = 0; waitpid(pid, &s, 0) }
        close(output)
    }

    /// Reads what the child printed so far into `lines`.
    @discardableResult
    func pump(timeout: Duration = .zero) -> Bool {
        var pfd = pollfd(fd: output, events: Int16(POLLIN), revents: 0)
        _ = poll(&pfd, 1, Int32(timeout.nanosecondCount / 1_000_000))
        var buf = [UInt8](repeating: 0, count: 4096)
        var got = false
        while true {
            let n = read(output, &buf, buf.count)
            if n <= 0 { break }
            got = true
            pending += buf[0..<n]
            while let nl = pending.firstIndex(of: 10) {
                lines.append(String(decoding: pending[..<nl], as: UTF8.self))
                pending.removeSubrange(...nl)
            }
        }
        return got
    }

    /// Waits until a line satisfies `match` (returns it) or `timeout` passes (nil).
    func waitForLine(timeout: Duration, _ match: (String) -> Bool) -> String? {
        let start = MonotonicClock.now()
        var seen = 0
        while true {
            while seen < lines.count { if match(lines[seen]) { return lines[seen] }; seen += 1 }
            let left = timeout - (MonotonicClock.now() - start)
            if left <= .zero { return nil }
            pump(timeout: min(left, .milliseconds(50)))
        }
    }

    /// Sends `signal` and reaps the child; returns the wait status.
    @discardableResult
    func stop(_ signal: Int32 = SIGTERM) -> Int32 {
        if exited { return 0 }
        kill(pid, signal)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        exited = true
        pump()
        return status
    }

    /// Runs a command to completion and returns its output lines.
    static func run(_ path: String, _ args: [String], timeout: Duration = .seconds(20)) throws -> [String] {
        let p = try Subprocess(path, args)
        let start = MonotonicClock.now()
        while MonotonicClock.now() - start < timeout {
            p.pump(timeout: .milliseconds(50))
            var status: Int32 = 0
            if waitpid(p.pid, &status, WNOHANG) == p.pid { p.exited = true; p.pump(); return p.lines }
        }
        p.stop(SIGKILL)
        throw TestFailure("\(path) \(args.joined(separator: " ")) did not finish within \(timeout)")
    }
}

/// The path of an executable on PATH, or nil.
func which(_ name: String) -> String? {
    for dir in ["/usr/bin", "/bin", "/usr/sbin", "/sbin", "/usr/local/bin"] where access("\(dir)/\(name)", X_OK) == 0 {
        return "\(dir)/\(name)"
    }
    return nil
}
