import InputMuxWire
import InputMuxCore

/// What the loop answers a connection that broke the protocol's rules, or that it cannot
/// serve, one sentence per case, each saying what to do next. The hello's policy
/// refusals are `Admission.Refusal`'s.
extension WireError {
    private static let helloExample = #"{"type":"hello","id":1,"protocol":1,"name":"…"}"#

    static func tooLarge(limit: Int) -> WireError {
        WireError(.tooLarge, "message longer than \(limit) bytes; split it or send less text per gesture")
    }

    static var helloFirst: WireError { WireError(.outOfOrder, "send hello first: \(helloExample)") }

    static var helloAgain: WireError { WireError(.outOfOrder, "hello was already sent on this connection") }

    static func unknownVersion(_ sent: Int64) -> WireError {
        WireError(.unknownVersion, "this daemon speaks protocol \(wireProtocolVersion); you sent \(sent)")
    }

    static var nameMissing: WireError {
        WireError(.malformed, "name: give the agent's name (1–64 bytes of UTF-8, printable characters, no quotes)")
    }

    static func tooManyInFlight(limit: Int) -> WireError {
        WireError(.tooManyInFlight, "more than \(limit) requests unanswered; wait for replies")
    }

    /// Requests held behind a hello waiting for its devices, or behind a device replacement.
    static func tooManyHeld(limit: Int) -> WireError {
        WireError(.tooManyInFlight, "more than \(limit) requests sent before the hello reply or the desktop event; wait for it")
    }

    static func helloTimeout(milliseconds: Int64) -> WireError {
        WireError(.outOfOrder, "no hello within \(milliseconds) ms of connecting (hello_timeout_ms); "
            + "connect again and send \(helloExample) first")
    }

    /// The oldest silent connection of the uid holding the most, closed for a new one.
    static func tooManyPending(maximum: Int, uid: UInt32) -> WireError {
        WireError(.outOfOrder, "closed before hello: more than \(maximum) connections had not said hello "
            + "(max_pending_connections), and this was the oldest of uid \(uid); connect again and send hello at once")
    }

    /// The session's devices could not be made; `failure` is the device layer's sentence.
    static func noDevices(_ failure: String?) -> WireError {
        WireError(.notAllowed, "could not create this session's virtual devices: "
            + (failure ?? "unknown error; muxctl doctor checks /dev/uinput and the service"))
    }

    /// Fewer descriptors are left than the human's devices need (`ConnectionRoom`).
    static func noRoom(descriptorLimit: Int?) -> WireError {
        WireError(.notAllowed, "the daemon keeps its last file descriptors for input devices and has no room for another "
            + "connection; try again later, or ask the operator to raise LimitNOFILE (now \(descriptorLimit.map(String.init) ?? "?"))")
    }
}
