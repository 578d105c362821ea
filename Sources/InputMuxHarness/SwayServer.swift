import Glibc
import InputMuxSystem

/// A private headless sway for one test or benchmark: wlroots' headless backend, the
/// pixman renderer, no input devices, Xwayland only when asked, its own runtime directory (its IPC
/// socket and Wayland display live there). sway refuses to run as root, so under root it
/// runs as `nobody` (uid and gid 65534) and owns that directory; otherwise as this user.
/// Its clients (`foot`) run as the same user with its Wayland display.
///
/// A missing sway or foot is a failure that says how to install it.
public final class SwayServer {
    /// One output: where it sits in the layout and its mode.
    public struct Output: Sendable {
        public var x: Int, y: Int, width: Int, height: Int
        public init(x: Int, y: Int, width: Int, height: Int) {
            self.x = x; self.y = y; self.width = width; self.height = height
        }
    }

    public let server: ChildProcess
    /// sway's `XDG_RUNTIME_DIR`.
    public let runtimeDirectory: String
    /// `sway-ipc.UID.PID.sock` in the runtime directory (what `SWAYSOCK` would be).
    public let socketPath: String
    /// The Wayland display name (`wayland-1`), relative to the runtime directory.
    public let waylandDisplay: String
    /// The user sway and its clients run as.
    public let uid: UInt32
    /// From the start of the process until its IPC socket answered.
    public let startup: Duration
    /// sway's standard error, for messages.
    public let logPath: String
    private var clients: [ChildProcess] = []

    public static let sway = "/usr/bin/sway"
    public static let foot = "/usr/bin/foot"
    public static let xwaylandServer = "/usr/bin/Xwayland"
    static let setpriv = "/usr/bin/setpriv"
    static let nobody: UInt32 = 65534

    /// `xwayland`: start Xwayland when an X client comes (`exec` one through sway's IPC,
    /// which hands it DISPLAY). `configuration`: more lines of sway's configuration
    /// (a background colour, window rules).
    public init(outputs: [Output] = [Output(x: 0, y: 0, width: 1280, height: 800)], xwayland: Bool = false,
                configuration: [String] = [], timeout: Duration = .seconds(20)) throws(HarnessError) {
        guard access(Self.sway, X_OK) == 0 else {
            throw HarnessError("sway is not installed (\(Self.sway)); run `bash scripts/deps.sh` (or `apt-get install -y --no-install-recommends sway foot`)")
        }
        guard !xwayland || access(Self.xwaylandServer, X_OK) == 0 else {
            throw HarnessError("Xwayland is not installed (\(Self.xwaylandServer)); run `bash scripts/deps.sh` (or `apt-get install -y --no-install-recommends xwayland`)")
        }
        let dir = try HarnessFiles.temporaryDirectory("inputmux-sway")
        let asRoot = getuid() == 0
        uid = asRoot ? Self.nobody : getuid()
        let config = ([xwayland ? "xwayland enable" : "xwayland disable"] + outputs.enumerated().map { i, o in
            "output HEADLESS-\(i + 1) resolution \(o.width)x\(o.height) position \(o.x) \(o.y)"
        } + configuration).joined(separator: "\n") + "\n"
        try HarnessFiles.write("\(dir)/config", config)
        if asRoot {
            guard chown(dir, Self.nobody, Self.nobody) == 0, chown("\(dir)/config", Self.nobody, Self.nobody) == 0 else {
                throw HarnessError("cannot give \(dir) to uid \(Self.nobody): \(String(cString: strerror(errno)))")
            }
        }
        runtimeDirectory = dir
        logPath = "\(dir)/sway.log"
        let environment = [
            "XDG_RUNTIME_DIR": dir, "HOME": dir, "WLR_BACKENDS": "headless", "WLR_RENDERER": "pixman",
            "WLR_LIBINPUT_NO_DEVICES": "1", "WLR_HEADLESS_OUTPUTS": "\(max(outputs.count, 1))",
        ]
        let started = ContinuousClock.now
        // Unset, not emptied: sway binds its IPC socket at SWAYSOCK when that is set and
        // names no file, and an inherited WAYLAND_DISPLAY or DISPLAY belongs to another
        // session. env execs sway, so the pid stays sway's.
        server = try Self.spawn(asRoot: asRoot, "/usr/bin/env", ["-u", "SWAYSOCK", "-u", "WAYLAND_DISPLAY", "-u", "DISPLAY", Self.sway, "-c", "\(dir)/config"],
                                environment: environment, log: "\(dir)/sway.log")
        let socket = "\(dir)/sway-ipc.\(uid).\(server.pid).sock"
        socketPath = socket
        let log = "\(dir)/sway.log"
        do {
            try server.waitUntil("sway's IPC socket \(socket)", timeout: timeout, detail: { HarnessFiles.text(log).suffix(600).description }) {
                UnixSocket.isListening(at: socket)
            }
        } catch {
            server.stop()
            _ = try? ChildProcess.run("/bin/rm", ["-rf", dir])
            throw error
        }
        startup = ContinuousClock.now - started
        let names = (try? ChildProcess.outputLines("/bin/ls", [dir])) ?? []
        waylandDisplay = names.first { $0.hasPrefix("wayland-") && !$0.hasSuffix(".lock") } ?? "wayland-1"
    }

    deinit {
        stop()
        _ = try? ChildProcess.run("/bin/rm", ["-rf", runtimeDirectory])
    }

    /// The Wayland display socket's path (what `WAYLAND_DISPLAY` names, in full).
    public var waylandSocket: String { "\(runtimeDirectory)/\(waylandDisplay)" }

    /// Ends sway and its clients now.
    public func stop() {
        for c in clients { c.stop(grace: .seconds(1)) }
        clients.removeAll()
        server.stop()
    }

    /// Sends `signal` to sway itself: SIGSTOP makes a compositor that does not answer,
    /// SIGCONT wakes it.
    public func signal(_ signal: Int32) { kill(server.pid, signal) }

    /// Runs `swaymsg ARGS` against this sway; its output.
    @discardableResult
    public func message(_ arguments: [String]) throws(HarnessError) -> [String] {
        let (end, lines) = try ChildProcess.run("/usr/bin/swaymsg", ["-s", socketPath] + arguments)
        guard end.isSuccess else { throw HarnessError("swaymsg \(arguments.joined(separator: " ")) failed: \(lines.joined(separator: "\n"))") }
        return lines
    }

    /// Waits until sway's tree shows a window with `appID`.
    public func waitForWindow(_ appID: String, timeout: Duration = .seconds(15)) throws(HarnessError) {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let tree = ((try? message(["-t", "get_tree", "-r"])) ?? []).joined()
            if tree.contains("\"app_id\":\"\(appID)\"") || tree.contains("\"app_id\": \"\(appID)\"") { return }
            usleep(50_000)
        }
        throw HarnessError("no window with app_id \(appID) appeared in sway within \(timeout)")
    }

    /// Starts a Wayland client of this sway, as its user; stopped with the server.
    @discardableResult
    public func startClient(_ executable: String, _ arguments: [String]) throws(HarnessError) -> ChildProcess {
        guard access(executable, X_OK) == 0 else {
            throw HarnessError("\(executable) is not installed; run `bash scripts/deps.sh` (or `apt-get install -y --no-install-recommends foot`)")
        }
        let environment = ["XDG_RUNTIME_DIR": runtimeDirectory, "HOME": runtimeDirectory, "WAYLAND_DISPLAY": waylandDisplay]
        let c = try Self.spawn(asRoot: getuid() == 0, "/usr/bin/env", ["-u", "DISPLAY", "-u", "SWAYSOCK", executable] + arguments,
                               environment: environment, log: "\(runtimeDirectory)/clients.log")
        clients.append(c)
        return c
    }

    /// A foot terminal with this app_id (and title), running `sleep` so it stays open
    /// whatever the user's shell is (nobody's is nologin). Its pid is the window's pid.
    @discardableResult
    public func foot(appID: String, title: String? = nil) throws(HarnessError) -> ChildProcess {
        try startClient(Self.foot, ["-a", appID] + (title.map { ["-T", $0] } ?? []) + ["sleep", "3600"])
    }

    private static func spawn(asRoot: Bool, _ executable: String, _ arguments: [String], environment: [String: String], log: String) throws(HarnessError) -> ChildProcess {
        // setpriv execs the program: the pid stays the program's.
        if asRoot {
            return try ChildProcess(setpriv, ["--reuid=\(nobody)", "--regid=\(nobody)", "--clear-groups", executable] + arguments,
                                    environment: environment, output: .file(log), error: .standardOutput)
        }
        return try ChildProcess(executable, arguments, environment: environment, output: .file(log), error: .standardOutput)
    }
}
