import InputMuxCore

/// Where a window system says a window is on the screen, and what lies above it: what
/// `ScreenWindowSource` needs to show a window as the screen shows it. The sway adapter
/// reads it from sway's tree; any compositor whose IPC knows the stacking can answer.
///
/// Asked on the capture thread only; an implementation holds its own connection to the
/// window system (one thread per connection). Not `Sendable`.
public protocol WindowLocator: AnyObject {
    /// `window` now: its rectangle on the screen and the rectangles of other surfaces
    /// above it. Throws `windowUnavailable` when the screen does not show it (gone, on a
    /// workspace not shown, a hidden tab, stashed away), `failed` when the window system
    /// cannot be asked.
    func locate(_ window: WindowID) throws(CaptureError) -> WindowOnScreen
}
