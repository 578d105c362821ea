import Testing
@testable import InputMuxCore

/// The desktop's layout changing under running sessions (`EngineInput.desktop`).
@Suite("Desktop layout") struct DesktopTests {
    let small = Region(x: 0, y: 0, width: 1280, height: 800)

    func replacements(_ t: Timeline, since mark: Int = 0) -> [DeviceAction] {
        t.records(since: mark).compactMap {
            if case .device(let a) = $0, case .replace = a { return a } else { return nil }
        }
    }

    @Test func aGrownDesktopAcceptsLeasesAndClicksOnlyThere() {
        let t = Timeline()
        let A = t.connect("A")
        let beyond = Region(x: 1920, y: 0, width: 640, height: 1080)
        #expect(A.acquire(beyond).code == .invalidRegion)
        let wide = Region(x: 0, y: 0, width: 2560, height: 1080)
        t.send(.desktop(wide))
        #expect(t.engine.desktop == wide)
        #expect(A.status().desktop == wide)
        #expect(A.acquire(beyond).isGranted)
        #expect(A.click(2000, 500).isDone)
        #expect(t.frames(on: A.pointer).contains { $0.1.events.contains(EvdevEvent(type: EV.abs, code: ABS.x, value: 2000)) })
    }

    @Test func leasesWhollyOutsideTheNewDesktopEndWithTheReasonOthersStay() {
        let t = Timeline()
        let A = t.connect("A"), B = t.connect("B"), C = t.connect("C")
        let right = Region(x: 1600, y: 0, width: 320, height: 1080)      // nothing left after the change
        let straddling = Region(x: 1200, y: 0, width: 300, height: 300)    // partly on it
        let inside = Region(x: 0, y: 0, width: 400, height: 400)
        let a = A.acquire(right).leaseID!
        let b = B.acquire(straddling).leaseID!
        #expect(C.acquire(inside).isGranted)
        // A waiter for pixels that disappear ends too: it could never be used.
        let queued = C.acquire(right).leaseID!
        t.send(.desktop(small))
        #expect(A.events.compactMap(\.endedLease).last! == (a, .desktopChanged))
        let ended = A.events.compactMap { if case .ended(_, let why) = $0 { why.message } else { nil } }.last!
        #expect(ended.contains("lies outside the new desktop 0,0,1280x800"))
        #expect(C.events.compactMap(\.endedLease).contains { $0 == (queued, .desktopChanged) })
        #expect(t.engine.leases[b]?.state == .active)
        #expect(t.engine.leases.all.count == 2)
        // The straddling lease works on the part that is still on the desktop only.
        #expect(B.click(1250, 100).isDone)
        let off = B.click(1400, 100)
        #expect(off.code == .outsideRegion)
        #expect(off.rejection!.message.contains("outside the desktop 0,0,1280x800"))
        #expect(t.audits().contains { $0.lease == a && $0.reason == .desktopChanged })
        #expect(t.audits().contains { $0.action == "desktop" && $0.message.contains("to 0,0,1280x800") })
    }

    @Test func heldButtonsAndKeysAreReleasedOnTheOldDevicesBeforeTheyAreReplaced() {
        let t = Timeline()
        let A = t.connect("A")
        _ = A.acquire(Region(x: 0, y: 0, width: 1000, height: 800), keyboard: true)
        #expect(A.click(100, 100).isDone)      // focus evidence for the keys
        #expect(A.perform(.keyDown(KeyCode(42))).isDone)
        #expect(A.perform(.mouseDown(at: Point(x: 200, y: 200), button: .left)).isDone)
        let mark = t.mark
        t.send(.desktop(small))
        let after = Array(t.records(since: mark))
        let replaced = after.firstIndex { if case .device(.replace) = $0 { true } else { false } }!
        let releases = after[..<replaced].compactMap { r -> (DeviceRef, UInt16, Int32)? in
            guard case .emit(let d, let f) = r, let e = f.events.first(where: { $0.type == EV.key }) else { return nil }
            return (d, e.code, e.value)
        }
        #expect(releases.contains { $0 == (A.pointer, MouseButton.left.code, 0) })
        #expect(releases.contains { $0 == (A.keyboard, 42, 0) })
        #expect(t.engine.neutral.held(on: A.pointer).isEmpty && t.engine.neutral.held(on: A.keyboard).isEmpty)
        #expect(replacements(t, since: mark) == [.replace(AgentIdentity(name: "A", session: A.id, uid: 1000, pid: 4001),
                                                          desktop: small)])
        // The new pointer has no position: the next click writes both axes again.
        let next = t.mark
        #expect(A.click(100, 100).isDone)
        let abs = t.frames(since: next, on: A.pointer).flatMap { $0.1.events.filter { $0.type == EV.abs } }
        #expect(abs.contains(EvdevEvent(type: EV.abs, code: ABS.x, value: 100)))
        #expect(abs.contains(EvdevEvent(type: EV.abs, code: ABS.y, value: 100)))
    }

    @Test func aGestureRunningWhenTheLayoutChangesStopsWithTheReason() {
        let t = Timeline()
        let A = t.connect("A")
        _ = A.acquire(small)
        let drag = A.send(.drag(path: [Point(x: 10, y: 10), Point(x: 500, y: 500), Point(x: 900, y: 700)], button: .left, modifiers: []))
        t.run(for: 5.ms)
        #expect(A.reply(drag) == nil)
        t.send(.desktop(Region(x: 0, y: 0, width: 1024, height: 768)))
        #expect(A.reply(drag)?.code == .desktopChanged)
        #expect(t.engine.neutral.held(on: A.pointer).isEmpty)
    }

    @Test func theSameLayoutAgainChangesNothing() {
        let t = Timeline()
        let A = t.connect("A")
        _ = A.acquire(leftHalf)
        let mark = t.mark
        t.send(.desktop(desktop))
        #expect(t.records(since: mark).isEmpty)
        t.send(.desktop(Region(x: 0, y: 0, width: 0, height: 0)))   // nonsense from a server mid-change
        #expect(t.records(since: mark).isEmpty)
        #expect(t.engine.desktop == desktop)
    }
}
