import InputMuxCore
import InputMuxSight
import InputMuxSway

/// Where a sway window is on the screen and what sway draws over it, from `GET_TREE`
/// (`SwayTree.surfacesAbove`), for `ScreenWindowSource`: what lets a window lease's
/// capture show the window's rectangle of the screen with other windows' pixels blanked.
///
/// A window's rectangle is the client's surface (`SwayBridge.area`), the geometry its
/// lease has, so window coordinates mean the same to the engine and here.
///
/// Its own IPC connection, opened and used on the capture thread only (a connection
/// has one owner thread). A connection that failed (sway restarted, a reply late) is
/// replaced at the next question.
final class SwayWindowLocator: WindowLocator {
    let socketPath: String
    private let timeout: Duration
    private var connection: SwayConnection?

    init(socketPath: String, timeout: Duration = .seconds(1)) {
        self.socketPath = socketPath
        self.timeout = timeout
    }

    func locate(_ window: WindowID) throws(CaptureError) -> WindowOnScreen {
        let tree: SwayTree
        do throws(SwayError) {
            if connection == nil { connection = try SwayConnection(socketPath: socketPath, timeout: timeout) }
            tree = try connection!.tree()
        } catch {
            connection = nil
            throw .failed("sway's window tree could not be read (\(error.description))")
        }
        let con = SwayBridge.conID(window)
        guard let view = tree.view(con), let above = tree.surfacesAbove(con) else { throw .windowUnavailable(window) }
        return WindowOnScreen(frame: SwayBridge.area(view), covered: above)
    }
}
