import InputMuxCore
import InputMuxSway
import Glibc
import Logging

/// The keyboard focus of one named sway seat: put on a window lease's window, or checked
/// against the window under the seat's pointer (a region lease), and read back from
/// `GET_SEATS`.
///
/// sway 1.7 has no command that focuses a window for a named seat (`[con_id=N] focus`
/// moves the default seat's): a seat's focus moves by that seat's click. So a window's
/// focus is taken by a click of the seat on the window's title bar, which sway handles
/// and the client never sees, at a point no floating window covers. A window without a
/// title bar takes the seat's focus only from the agent's own click.
struct SwaySeatFocus {
    let sway: SwayConnection
    let seat: String
    let logger: Logger

    /// Puts the seat's focus on `target` if it can, and reads it back.
    func take(_ target: SeatFocusTarget) -> SeatFocusOutcome {
        do throws(SwayError) {
            let tree = try sway.tree()
            let now = try current()
            switch target {
            case .underPointer(let p):
                if let f = tree.view(now), f.rect.contains(p) { return .taken }
                return .refused("on sway your seat's keys go to the window its own click focused, and that is not the window "
                                + "under your pointer at \(p); click into it first")
            case .window(let w):
                let con = SwayBridge.conID(w)
                if now == con { return .taken }
                guard let view = tree.view(con) else { return .refused("it is gone; acquire another window") }
                guard view.visible else {
                    return .refused("it is not shown (on another workspace, a hidden tab or the scratchpad); wait for it to be shown")
                }
                // The agent's own click may still be on its way through libinput: sway
                // moves the seat's focus when it reads it, after the click was written.
                if try settles(on: con) { return .taken }
                guard let point = tree.uncoveredTitleBarPoint(of: view) else {
                    return .refused("sway moves a seat's focus only by that seat's own click, and this window has no title bar "
                                    + "free to click; click into the window with your own pointer first")
                }
                try sway.click(seat: seat, at: point)
                if try settles(on: con) { return .taken }
                return .refused("sway did not give your seat the focus on a click of the window's title bar; click into the "
                                + "window with your own pointer first")
            }
        } catch {
            logger.info("an agent seat's focus was not taken", metadata: ["sway.seat": "\(seat)", "error": "\(error.description)"])
            return .refused("sway's IPC failed (\(error.description)); try again")
        }
    }

    /// Whether the seat's focus is still on `target` (asked while keys run).
    func holds(_ target: SeatFocusTarget) -> Bool {
        guard let now = try? current() else { return false }
        switch target {
        case .window(let w):
            return now == SwayBridge.conID(w)
        case .underPointer(let p):
            guard let f = try? sway.tree().view(now) else { return false }
            return f.rect.contains(p)
        }
    }

    /// Whether the seat's focus reaches `con` within `settleTime`, read every 10 ms.
    func settles(on con: Int64) throws(SwayError) -> Bool {
        let deadline = ContinuousClock.now + Self.settleTime
        while true {
            if try current() == con { return true }
            guard ContinuousClock.now < deadline else { return false }
            usleep(10_000)
        }
    }

    /// How long a click (the agent's own, or the title bar's) may take to move the seat's
    /// focus: sway reads the agent's uinput click through libinput after it was written.
    static let settleTime: Duration = .milliseconds(200)

    /// The con_id the seat's focus is on (`GET_SEATS`): a window, or a workspace.
    func current() throws(SwayError) -> Int64 {
        guard let s = try sway.seat(named: seat) else {
            throw .malformedReply(what: "GET_SEATS", detail: "seat \(seat) is not listed")
        }
        return s.focus
    }
}
