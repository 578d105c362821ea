import Glibc
import InputMuxHarness

/// A private headless sway for a test: the pixman renderer, no input devices, one
/// output of `width`x`height` with a solid background, run as `nobody` (sway refuses
/// to run as root) in a runtime directory of its own. Wayland clients (foot) run as
/// `nobody` too; this process (root) reaches the sockets as the daemon would.
final class SwayServer {
    static let user: uid_t = 65534
    let directory: String
    let runtime: String
    /// The Wayland socket's full path.
    private(set) var socket = ""
    private(set) var ipc = ""
    private var sway: ChildProcess?
    private var clients: [ChildProcess] = []

    /// `rules` go into sway's configuration as they are (window placement, say).
    init(width: Int = 1920, height: Int = 1080, background: String = "#203040", rules: [String] = [],
         timeout: Duration = .seconds(20)) throws(HarnessError) {
        guard let swayPath = HarnessFiles.which("sway"), let setpriv = HarnessFiles.which("setpriv") else {
            throw HarnessError("sway or setpriv is missing: run bash scripts/deps.sh")
        }
        directory = try HarnessFiles.temporaryDirectory("inputmux-sway")
        runtime = directory + "/run"
        chmod(directory, 0o755)
        guard mkdir(runtime, 0o700) == 0, chown(runtime, Self.user, Self.user) == 0 else {
            throw HarnessError("cannot make sway's runtime directory \(runtime): \(String(cString: strerror(errno)))")
        }
        let config = directory + "/config"
        try HarnessFiles.write(config, ([
            "output HEADLESS-1 mode \(width)x\(height) position 0 0 bg \(background) solid_color",
            "default_border none", "default_floating_border none", "focus_follows_mouse no",
        ] + rules).joined(separator: "\n") + "\n")
        chmod(config, 0o644)
        let child = try ChildProcess(setpriv, ["--reuid=\(Self.user)", "--regid=\(Self.user)", "--clear-groups", swayPath, "-c", config],
                                     environment: ["XDG_RUNTIME_DIR": runtime, "HOME": directory, "WLR_BACKENDS": "headless",
                                                   "WLR_RENDERER": "pixman", "WLR_LIBINPUT_NO_DEVICES": "1"],
                                     output: .file(directory + "/sway.log"), error: .standardOutput, ownProcessGroup: true)
        sway = child
        try child.waitUntil("sway's sockets", timeout: timeout, detail: { HarnessFiles.text(self.directory + "/sway.log") }) {
            for name in (try? entries(runtime)) ?? [] {
                if name.hasPrefix("wayland-"), !name.hasSuffix(".lock") { socket = runtime + "/" + name }
                if name.hasPrefix("sway-ipc.") { ipc = runtime + "/" + name }
            }
            return !socket.isEmpty && !ipc.isEmpty
        }
    }

    /// What its clients run with: the runtime directory, a home of their own, the sockets.
    func environment() -> [String: String] {
        ["XDG_RUNTIME_DIR": runtime, "HOME": directory, "WAYLAND_DISPLAY": String(socket.split(separator: "/").last ?? ""),
         "SWAYSOCK": ipc]
    }

    /// Starts a Wayland client as `nobody`.
    @discardableResult
    func client(_ program: String, _ arguments: [String]) throws(HarnessError) -> ChildProcess {
        guard let path = HarnessFiles.which(program), let setpriv = HarnessFiles.which("setpriv") else {
            throw HarnessError("\(program) is missing: run bash scripts/deps.sh")
        }
        let c = try ChildProcess(setpriv, ["--reuid=\(Self.user)", "--regid=\(Self.user)", "--clear-groups", path] + arguments,
                                 environment: environment(), output: .discarded, error: .discarded, ownProcessGroup: true)
        clients.append(c)
        return c
    }

    /// Runs `swaymsg ARGS` against this sway; its output.
    @discardableResult
    func message(_ arguments: [String]) throws(HarnessError) -> [String] {
        guard let swaymsg = HarnessFiles.which("swaymsg") else { throw HarnessError("swaymsg is missing: run bash scripts/deps.sh") }
        let (end, lines) = try ChildProcess.run(swaymsg, ["-s", ipc] + arguments)
        guard end.isSuccess else { throw HarnessError("swaymsg \(arguments.joined(separator: " ")) failed: \(lines.joined(separator: "\n"))") }
        return lines
    }

    /// Waits until sway shows a window with `appID` (its tree names it).
    func waitForWindow(_ appID: String, timeout: Duration = .seconds(15)) throws(HarnessError) {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let tree = try? message(["-t", "get_tree", "-r"]), tree.joined().contains("\"app_id\":\"\(appID)\"") || tree.joined().contains("\"app_id\": \"\(appID)\"") {
                return
            }
            usleep(50_000)
        }
        throw HarnessError("no window with app_id \(appID) appeared in sway within \(timeout)")
    }

    /// Sends `signal` to sway itself (setpriv runs it in its own process): SIGSTOP makes
    /// a compositor that does not answer, SIGCONT wakes it.
    func signal(_ signal: Int32) {
        if let sway { kill(sway.pid, signal) }
    }

    /// Ends sway (and so its clients).
    func stop() {
        for c in clients { c.send(SIGTERM, toGroup: true) }
        for c in clients { _ = c.stop(grace: .seconds(2)) }
        clients.removeAll()
        if let sway { _ = sway.stop(grace: .seconds(3)) }
        sway = nil
    }

    deinit {
        stop()
        _ = try? ChildProcess.run("/bin/rm", ["-rf", directory])
    }
}

/// The names in a directory.
private func entries(_ path: String) throws(HarnessError) -> [String] {
    guard let d = opendir(path) else { throw HarnessError("cannot read \(path)") }
    defer { closedir(d) }
    var names: [String] = []
    while let e = readdir(d) {
        let name = withUnsafeBytes(of: e.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        if name != ".", name != ".." { names.append(name) }
    }
    return names
}
