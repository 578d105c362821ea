/// Why a Wayland connection could not be opened or used, each with what to do next.
public enum WaylandError: Error, Hashable, Sendable, CustomStringConvertible {
    /// No compositor answered on the socket.
    case cannotConnect(display: String, errno: Int32)
    /// The compositor does not offer a global the source needs.
    case missingGlobal(String, why: String)
    /// The compositor offers no output to show.
    case noOutputs
    /// The compositor closed the connection, or a request was refused (a protocol error).
    case connectionLost(String)
    /// The compositor did not answer in time.
    case timedOut(String)
    /// Shared memory for a buffer could not be made.
    case sharedMemory(String)
    /// The compositor would not copy a rectangle, or offered a buffer captures cannot read.
    case copyRefused(String)

    public var description: String {
        switch self {
        case .cannotConnect(let display, let e):
            "cannot connect to the Wayland compositor at \(display) (errno \(e)): check that it runs and that WAYLAND_DISPLAY and XDG_RUNTIME_DIR name its socket"
        case .missingGlobal(let name, let why):
            "the Wayland compositor does not offer \(name) (\(why)): use a wlroots compositor (sway) of version 0.15 or later"
        case .noOutputs:
            "the Wayland compositor has no output: enable one (`swaymsg output HEADLESS-1 enable`)"
        case .connectionLost(let why):
            "the Wayland connection is lost (\(why)): check that the compositor still runs, then open the source again"
        case .timedOut(let what):
            "the Wayland compositor did not answer in time (\(what)): check that it runs and is not stopped"
        case .copyRefused(let why):
            "the Wayland compositor did not copy the rectangle: \(why)"
        case .sharedMemory(let why):
            "shared memory for a Wayland buffer could not be made (\(why)): check the memory limits of this process"
        }
    }
}
