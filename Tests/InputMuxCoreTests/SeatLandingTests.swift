import Testing
@testable import InputMuxCore
import InputMuxTestSupport

/// The one-cursor property, tried at random: agents on disjoint regions click, drag and
/// scroll (often "at the same place" again), the human moves the mouse in between, and a
/// compositor model replays every frame. Every agent press must land inside its own
/// agent's region: a press at another agent's cursor would land in the other region.
@Suite("Seat: clicks land where they were aimed") struct SeatLandingTests {
    @Test(arguments: [1, 2, 3, 4] as [UInt64])
    func everyAgentPressLandsInItsOwnRegion(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let t = Timeline { $0.quietPeriod = .milliseconds(50) }
        let agents = ["A", "B", "C"].map { t.connect($0) }
        for (a, r) in zip(agents, thirds) { #expect(a.acquire(r).isGranted) }
        // Each agent returns often to a few spots, so "the same place" is common.
        var spots: [[Point]] = []
        for r in thirds {
            spots.append((0..<3).map { _ in
                Point(x: r.x + 1 + Int32(rng.next(upTo: UInt64(r.width - 2))), y: r.y + 1 + Int32(rng.next(upTo: UInt64(r.height - 2))))
            })
        }
        var accepted = 0
        for _ in 0..<300 {
            let i = Int(rng.next(upTo: 3))
            let p = spots[i][Int(rng.next(upTo: 3))]
            let g: Gesture = switch rng.next(upTo: 6) {
            case 0: .move(to: p)
            case 1: .click(at: nil, button: .left, count: 1, modifiers: [])
            case 2: .drag(path: [p, spots[i][0]], button: .left, modifiers: [])
            case 3: .mouseDown(at: p, button: .right)
            case 4: .mouseUp(at: p, button: .right)
            default: .click(at: p, button: .left, count: 1 + Int(rng.next(upTo: 2)), modifiers: [])
            }
            let r = agents[i].send(g)
            if rng.percent(5) { t.humanMove(dx: Int32(rng.next(upTo: 200)) - 100, dy: 7) }
            t.run(for: .milliseconds(Int64(rng.next(upTo: 40))))
            if agents[i].reply(r) == nil || agents[i].reply(r) == .done { accepted += 1 }
        }
        t.run(for: 10.s)
        let seat = SeatCompositor.replay(t.frames())
        #expect(accepted > 150)
        #expect(seat.presses.count > 60)
        for (device, at) in seat.presses {
            guard let s = device.session else { continue }
            let region = thirds[Int(s.rawValue) - 1]
            #expect(region.contains(at), "seed \(seed): \(device) pressed at \(at), outside \(region)")
        }
    }
}

extension SplitMix64 {
    /// True with probability `percent`/100.
    mutating func percent(_ percent: UInt64) -> Bool { next(upTo: 100) < percent }
}
