import InputMuxWire
import struct InputMuxCore.Point

extension SwayConnection {
    /// `RUN_COMMAND`: what sway answered for each command in `command` (commands
    /// separated by `;` or `,` each get one entry).
    public func run(_ command: String) throws(SwayError) -> [SwayCommandOutcome] {
        guard let entries = try request(.runCommand, command).array else {
            throw .malformedReply(what: "RUN_COMMAND", detail: "the reply is not an array")
        }
        return try entries.map { v throws(SwayError) in try SwayCommandOutcome(sway: v) }
    }

    /// Runs `command`; an error with sway's own sentence when any part of it failed.
    public func perform(_ command: String) throws(SwayError) {
        let outcomes = try run(command)
        guard !outcomes.isEmpty else { throw .malformedReply(what: "RUN_COMMAND", detail: "an empty reply to `\(command)`") }
        if let failed = outcomes.first(where: { !$0.success }) {
            throw .commandFailed(command: command, error: failed.error ?? "no reason given")
        }
    }

    /// `seat NAME attach IDENTIFIER`: puts the input device `identifier` (or `*`, every
    /// device) on the seat `seat`, making the seat if it does not exist yet. sway 1.7
    /// accepts an identifier no device has (it is configuration, applied when the device
    /// appears).
    public func attach(seat: String, input identifier: String) throws(SwayError) {
        try perform("seat \(try quoted(seat)) attach \(try quoted(identifier))")
    }

    /// `seat NAME fallback true|false`: whether devices no seat names go to this seat.
    public func setFallback(seat: String, _ on: Bool) throws(SwayError) {
        try perform("seat \(try quoted(seat)) fallback \(on)")
    }

    /// `seat NAME cursor set X Y`: warps the seat's cursor to a point in layout
    /// coordinates. The seat must exist.
    public func setCursor(seat: String, to point: Point) throws(SwayError) {
        try perform("seat \(try quoted(seat)) cursor set \(point.x) \(point.y)")
    }

    /// `seat NAME cursor press|release buttonN` (N from 1 to 9): presses or releases a
    /// button of the seat's cursor where it is. A press moves that seat's focus to the
    /// window under the cursor (and the window gets the press), which is how a named seat
    /// focuses a window: no command focuses for a named seat in sway 1.7.
    public func button(seat: String, _ button: Int, pressed: Bool) throws(SwayError) {
        guard (1...9).contains(button) else { throw .unsafeArgument("button\(button)") }
        try perform("seat \(try quoted(seat)) cursor \(pressed ? "press" : "release") button\(button)")
    }

    /// A click of `button` (1: the left one) at `point` in layout coordinates by the seat
    /// `seat`: warp, press, release, in one `RUN_COMMAND`.
    public func click(seat: String, at point: Point, button: Int = 1) throws(SwayError) {
        guard (1...9).contains(button) else { throw .unsafeArgument("button\(button)") }
        let s = try quoted(seat)
        try perform("seat \(s) cursor set \(point.x) \(point.y); seat \(s) cursor press button\(button); seat \(s) cursor release button\(button)")
    }

    /// `[con_id=N] focus`: focuses the window (on the seat sway runs IPC commands for,
    /// the default seat).
    public func focus(_ conID: Int64) throws(SwayError) {
        try perform("[con_id=\(conID)] focus")
    }

    /// `[con_id=N] floating enable|disable`.
    public func setFloating(_ conID: Int64, _ on: Bool) throws(SwayError) {
        try perform("[con_id=\(conID)] floating \(on ? "enable" : "disable")")
    }

    /// `[con_id=N] move absolute position X Y`: moves a floating window so its container
    /// starts at a point in layout coordinates. sway refuses it for a tiled window ("Only
    /// floating containers can be moved to an absolute position"). Without `absolute`
    /// sway counts from the workspace's corner instead.
    public func move(_ conID: Int64, to point: Point) throws(SwayError) {
        try perform("[con_id=\(conID)] move absolute position \(point.x) \(point.y)")
    }

    /// `[con_id=N] kill`: asks the window to close.
    public func close(_ conID: Int64) throws(SwayError) {
        try perform("[con_id=\(conID)] kill")
    }

    /// `"text"`, refusing what sway's command parser would split or end on.
    func quoted(_ text: String) throws(SwayError) -> String {
        guard !text.isEmpty, !text.contains(where: { "\"';,\n\r".contains($0) }) else { throw .unsafeArgument(text) }
        return "\"\(text)\""
    }
}
