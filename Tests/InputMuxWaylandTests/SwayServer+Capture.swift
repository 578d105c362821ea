import InputMuxHarness

/// The capture tests' sway: one output of a known size on a solid background, no
/// borders, focus not following the mouse, and window rules that place their clients.
extension SwayServer {
    convenience init(width: Int = 1920, height: Int = 1080, background: String = "#203040", rules: [String] = []) throws(HarnessError) {
        try self.init(outputs: [Output(x: 0, y: 0, width: width, height: height)],
                      configuration: ["output HEADLESS-1 bg \(background) solid_color", "default_border none",
                                      "default_floating_border none", "focus_follows_mouse no"] + rules)
    }

    /// The Wayland socket, its runtime directory, and a directory for the tests' files.
    var socket: String { waylandSocket }
    var runtime: String { runtimeDirectory }
    var directory: String { runtimeDirectory }

    /// Starts `program` (found on PATH) as a client of this sway.
    @discardableResult
    func client(_ program: String, _ arguments: [String]) throws(HarnessError) -> ChildProcess {
        guard let path = HarnessFiles.which(program) else { throw HarnessError("\(program) is missing: run bash scripts/deps.sh") }
        return try startClient(path, arguments)
    }
}
