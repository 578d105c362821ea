import Foundation
import InputMuxHarness
import InputMuxSway

extension SwayConnection {
    /// Reads the tree until a window `accepts` (a client just started takes a moment to
    /// map); fails with what the tree held when `timeout` passes.
    func waitForView(timeout: Duration = .seconds(15), _ accepts: (SwayView) -> Bool) throws -> SwayView {
        let deadline = ContinuousClock.now + timeout
        var last: SwayTree? = nil
        while ContinuousClock.now < deadline {
            let tree = try tree()
            if let v = tree.views.first(where: accepts) { return v }
            last = tree
            Thread.sleep(forTimeInterval: 0.02)
        }
        throw HarnessError("no window appeared in sway's tree within \(timeout); it held \(last?.views.map { "\($0.conID):\($0.appID ?? "-")" } ?? [])")
    }

    /// Reads the tree until `holds` is true of it; false when `timeout` passed.
    func waitForTree(timeout: Duration = .seconds(5), _ holds: (SwayTree) -> Bool) throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if holds(try tree()) { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return false
    }
}
