import InputMuxWire

/// An event sway sent to a subscribed connection.
///
/// What sway 1.7 sends, seen on a headless sway: window `new`, `close`, `focus`, `title`,
/// `move` (to another workspace), `floating`; no window event for `move position` or
/// `resize` of a floating window; and a `move` event's container rectangle is the one
/// before the layout settled. So a follower reads `GET_TREE` again after an event rather
/// than trusting the event's rectangle, and polls it for geometry.
public struct SwayEvent: Hashable, Sendable {
    public var kind: SwayEventKind
    /// The `change` member (`new`, `close`, `focus`, `move`, `init`, `added`, …).
    public var change: String
    public var payload: JSON

    public init(kind: SwayEventKind, payload: JSON) throws(SwayError) {
        self.kind = kind
        self.payload = payload
        guard let change = payload["change"].string else {
            throw .malformedReply(what: "a \(kind) event", detail: "no \"change\" member")
        }
        self.change = change
    }

    /// A window event's window (its workspace not known here).
    public var view: SwayView? {
        guard kind == .window else { return nil }
        return (try? SwayView(node: payload["container"], workspace: nil)) ?? nil
    }

    /// A workspace event's workspace name (the one it is about).
    public var workspaceName: String? { kind == .workspace ? payload["current"]["name"].string : nil }

    /// An input event's device.
    public var input: SwayInput? { kind == .input ? try? SwayInput(sway: payload["input"], what: "an input event") : nil }
}
