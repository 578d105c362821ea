/// A private Xvfb display, on a free display number (`-displayfd`), for one test or
/// benchmark. A missing Xvfb is a failure that says how to install it.
public final class XvfbServer {
    public let server: ChildProcess
    /// `:N`.
    public let display: String

    public init(width: Int = 1280, height: Int = 800, timeout: Duration = .seconds(15)) throws(HarnessError) {
        server = try ChildProcess("/usr/bin/Xvfb", ["-displayfd", "1", "-screen", "0", "\(width)x\(height)x24", "-nolisten", "tcp"])
        let first = server.waitForLine(timeout: timeout) { _ in true } ?? ""
        guard let n = Int(first.trimmingPrefix(" ")) else {
            throw HarnessError("Xvfb did not report its display number within \(timeout) (got \"\(first)\"); is xvfb installed? run `bash scripts/deps.sh`")
        }
        display = ":\(n)"
    }

    deinit { server.stop() }

    /// Runs a command with DISPLAY set to this server; its exit status (128 + a signal),
    /// or -1 when it still runs after `timeout` (then it is killed).
    @discardableResult
    public func run(_ path: String, _ args: [String], timeout: Duration = .seconds(20)) throws(HarnessError) -> Int32 {
        let c = try ChildProcess(path, args, environment: ["DISPLAY": display], output: .discarded)
        guard let t = c.wait(timeout: timeout) else {
            c.kill()
            return -1
        }
        return t.code
    }
}
