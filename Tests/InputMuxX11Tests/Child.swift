import Foundation
import Glibc

/// A child process with pipes to its stdin and stdout, spawned with an empty signal mask
/// and default dispositions (the test runner's threads block signals, which a child
/// would otherwise inherit and then ignore SIGTERM).
final class Child {
    let pid: pid_t
    let stdin: Int32
    let stdout: Int32
    private var exited = false
    private(set) var status: Int32 = 0

    init(_ path: String, _ args: [String], environment: [String: String] = [:], stderrToNull: Bool = true) throws {
        guard access(path, X_OK) == 0 else {
            throw X11TestFailure("\(path) is missing: run `bash scripts/deps.sh` (it installs xvfb, xdotool, python3-xlib)")
        }
        var inPipe: [Int32] = [0, 0], outPipe: [Int32] = [0, 0]
        guard pipe(&inPipe) == 0, pipe(&outPipe) == 0 else { throw X11TestFailure("pipe failed: errno \(errno)") }
        for fd in inPipe + outPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        if stderrToNull { posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0) }
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var empty = sigset_t(), all = sigset_t()
        sigemptyset(&empty)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attr, &empty)
        posix_spawnattr_setsigdefault(&attr, &all)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        let envp = env.map { strdup("\($0)=\($1)") } + [nil]
        let argv = ([path] + args).map { strdup($0) } + [nil]
        defer { for a in argv + envp { free(a) } }
        var child: pid_t = 0
        let rc = posix_spawn(&child, path, &actions, &attr, argv, envp)
        close(inPipe[0])
        close(outPipe[1])
        guard rc == 0 else {
            close(inPipe[1]); close(outPipe[0])
            throw X11TestFailure("cannot start \(path): \(String(cString: strerror(rc)))")
        }
        pid = child
        stdin = inPipe[1]
        stdout = outPipe[0]
    }

    deinit {
        stop()
        close(stdin)
        close(stdout)
    }

    /// SIGTERM, then SIGKILL after `grace`; reaps the child.
    func stop(grace: Double = 3) {
        guard !exited else { return }
        kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(grace)
        while Date() < deadline {
            if waitpid(pid, &status, WNOHANG) == pid { exited = true; return }
            usleep(10_000)
        }
        kill(pid, SIGKILL)
        waitpid(pid, &status, 0)
        exited = true
    }

    /// Waits for the child to end by itself; its exit code, 128 + the signal that killed
    /// it, or -1 when it still runs after `timeout`.
    func wait(timeout: Double) -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if waitpid(pid, &status, WNOHANG) == pid {
                exited = true
                return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
            }
            usleep(5_000)
        }
        return -1
    }

    func write(_ s: String) {
        var bytes = Array(s.utf8)
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeMutableBufferPointer { Glibc.write(stdin, $0.baseAddress! + off, $0.count - off) }
            if n <= 0 { return }
            off += n
        }
    }
}

/// Splits a byte stream into lines.
struct LineReader {
    let fd: Int32
    private var pending: [UInt8] = []
    init(fd: Int32) { self.fd = fd }

    /// Lines that arrived within `timeout` seconds (returns as soon as any arrived).
    mutating func read(timeout: Double) -> [String] {
        var out: [String] = []
        let deadline = Date().addingTimeInterval(timeout)
        repeat {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ms = Int32(max(0, min(50, deadline.timeIntervalSinceNow * 1000)))
            guard poll(&pfd, 1, ms) > 0 else { continue }
            var buf = [UInt8](repeating: 0, count: 65536)
            let n = Glibc.read(fd, &buf, buf.count)
            if n <= 0 { return out }
            pending += buf[0..<n]
            while let nl = pending.firstIndex(of: 10) {
                out.append(String(decoding: pending[..<nl], as: UTF8.self))
                pending.removeSubrange(...nl)
            }
        } while out.isEmpty && Date() < deadline
        return out
    }
}
