import Foundation
import InputMuxCore
import InputMuxHarness
import InputMuxSight
@testable import InputMuxX11
import Testing

/// Seats under XInput2 multi-pointer, against a real X server (Xvfb) and a real X client
/// that reports which master device delivered each press and key (`xi2 NAME`).
@Suite(.serialized) struct X11SeatTests {
    static let alice = X11Seat.agentSeatName(agent: "alice", session: 1)
    static let bob = X11Seat.agentSeatName(agent: "bob", session: 2)

    /// A client with windows one, two and three side by side, each reporting XInput2.
    static func threeWindows(_ x: XvfbServer) throws -> RecordingClient {
        let c = try RecordingClient(display: x.display, ["one:10,20,300x200", "two:400,20,300x200", "three:800,20,300x200"])
        for w in ["one", "two", "three"] { try c.command("xi2 \(w)") }
        return c
    }

    static func window(_ c: RecordingClient, _ name: String) -> WindowID { WindowID(c.windows[name]!.id) }

    static func center(_ c: RecordingClient, _ name: String) -> Point {
        let w = c.windows[name]!
        return Point(x: Int32(w.x + w.w / 2), y: Int32(w.y + w.h / 2))
    }

    /// The seats a device list holds: a master pair with both XTEST slaves; a pair without
    /// them is not a seat the library can inject through.
    @Test func seatsAreReadFromTheDeviceList() {
        let devices = [
            X11InputDevice(id: 2, name: "Virtual core pointer", use: .masterPointer, attachment: 3, enabled: true),
            X11InputDevice(id: 3, name: "Virtual core keyboard", use: .masterKeyboard, attachment: 2, enabled: true),
            X11InputDevice(id: 4, name: "Virtual core XTEST pointer", use: .slavePointer, attachment: 2, enabled: true),
            X11InputDevice(id: 5, name: "Virtual core XTEST keyboard", use: .slaveKeyboard, attachment: 3, enabled: true),
            X11InputDevice(id: 6, name: "mouse", use: .floatingSlave, attachment: nil, enabled: true),
            X11InputDevice(id: 8, name: "half pointer", use: .masterPointer, attachment: 9, enabled: true),
            X11InputDevice(id: 9, name: "half keyboard", use: .masterKeyboard, attachment: 8, enabled: true),
            X11InputDevice(id: 10, name: "half XTEST pointer", use: .slavePointer, attachment: 8, enabled: true),
            X11InputDevice(id: 12, name: "inputmux agent a#1 pointer", use: .masterPointer, attachment: 13, enabled: true),
            X11InputDevice(id: 13, name: "inputmux agent a#1 keyboard", use: .masterKeyboard, attachment: 12, enabled: true),
            X11InputDevice(id: 14, name: "inputmux agent a#1 XTEST pointer", use: .slavePointer, attachment: 12, enabled: true),
            X11InputDevice(id: 15, name: "inputmux agent a#1 XTEST keyboard", use: .slaveKeyboard, attachment: 13, enabled: true),
        ]
        #expect(X11Seat.seats(in: devices) == [
            X11Seat(name: "Virtual core", pointer: 2, keyboard: 3, xtestPointer: 4, xtestKeyboard: 5),
            X11Seat(name: "inputmux agent a#1", pointer: 12, keyboard: 13, xtestPointer: 14, xtestKeyboard: 15),
        ])
        #expect(X11Seat.agentSeatName(agent: "a", session: 1).hasPrefix(X11Seat.agentPrefix))
    }

    /// Evdev frames become seat actions as the XTest output maps them: a frame with one
    /// axis keeps the other, wheel notches are button 4/5 clicks, autorepeat is dropped.
    @Test func framesMapToSeatActions() {
        func actions(_ events: [EvdevEvent], from p: Point? = Point(x: 5, y: 6)) -> [X11SeatInput.Action] {
            X11SeatInput.actions(for: Frame(events), from: p)
        }
        #expect(actions([EvdevEvent(type: EV.abs, code: ABS.y, value: 90)]) == [.move(Point(x: 5, y: 90))])
        #expect(actions([EvdevEvent(type: EV.abs, code: ABS.x, value: 7), EvdevEvent(type: EV.key, code: 0x110, value: 1)])
                == [.move(Point(x: 7, y: 6)), .button(1, pressed: true)])
        #expect(actions([EvdevEvent(type: EV.key, code: 0x111, value: 0)]) == [.button(3, pressed: false)])
        #expect(actions([EvdevEvent(type: EV.key, code: 30, value: 1)]) == [.key(38, pressed: true)])
        #expect(actions([EvdevEvent(type: EV.key, code: 30, value: 2)]) == [])
        #expect(actions([EvdevEvent(type: EV.rel, code: REL.wheel, value: -2)])
                == [.button(5, pressed: true), .button(5, pressed: false), .button(5, pressed: true), .button(5, pressed: false)])
    }

    @Test func twoSeatsAreListedWithTheirXTESTSlaves() throws {
        let x = try XvfbServer()
        let d = try X11Display(display: x.display, xauthority: nil)
        let a = try d.createSeat(named: Self.alice)
        let b = try d.createSeat(named: Self.bob)
        #expect(a.name == "inputmux agent alice#1")
        let devices = d.inputDevices()
        func device(_ name: String) -> X11InputDevice? { devices.first { $0.name == name } }
        for s in [a, b] {
            #expect(device("\(s.name) pointer") == X11InputDevice(id: s.pointer, name: "\(s.name) pointer", use: .masterPointer, attachment: s.keyboard, enabled: true))
            #expect(device("\(s.name) keyboard") == X11InputDevice(id: s.keyboard, name: "\(s.name) keyboard", use: .masterKeyboard, attachment: s.pointer, enabled: true))
            #expect(device("\(s.name) XTEST pointer") == X11InputDevice(id: s.xtestPointer, name: "\(s.name) XTEST pointer", use: .slavePointer, attachment: s.pointer, enabled: true))
            #expect(device("\(s.name) XTEST keyboard") == X11InputDevice(id: s.xtestKeyboard, name: "\(s.name) XTEST keyboard", use: .slaveKeyboard, attachment: s.keyboard, enabled: true))
        }
        #expect(Set([a.pointer, a.keyboard, a.xtestPointer, a.xtestKeyboard, b.pointer, b.keyboard, b.xtestPointer, b.xtestKeyboard]).count == 8)
        let core = try #require(d.coreSeat())
        #expect(d.seats().map(\.name) == [X11Seat.coreName, Self.alice, Self.bob])
        #expect(d.seat(named: Self.bob) == b)
        #expect(!Set([a.pointer, b.pointer]).contains(core.pointer))
        #expect(throws: X11Error.seatExists(Self.alice)) { try d.createSeat(named: Self.alice) }
        // A second connection (another process: the next daemon) sees the same seats.
        let other = try X11Display(display: x.display, xauthority: nil)
        #expect(other.seat(named: Self.alice) == a)
    }

    /// Seat A types into window one and seat B into window two, each by its own keyboard
    /// focus, with each seat's pointer over the other's window (so it is the focus, not
    /// the pointer, that routes the keys), while xdotool clicks window three, which has
    /// the core seat's focus, through the core seat at the same time. Nobody's focus moves.
    @Test func eachSeatTypesIntoItsOwnFocusWhileTheCoreSeatClicksElsewhere() throws {
        let x = try XvfbServer()
        let c = try Self.threeWindows(x)
        let d = try X11Display(display: x.display, xauthority: nil)
        let core = try #require(d.coreSeat())
        // The human (the core seat) has focused window three.
        try c.command("focus three")
        let a = try d.createSeat(named: Self.alice), b = try d.createSeat(named: Self.bob)
        let one = Self.window(c, "one"), two = Self.window(c, "two"), three = Self.window(c, "three")
        let coreFocus = try d.focus(of: core)
        #expect(coreFocus == .window(three))
        try d.setFocus(of: a, to: one)
        try d.setFocus(of: b, to: two)
        #expect(try d.focus(of: a) == .window(one))
        #expect(try d.focus(of: b) == .window(two))
        #expect(try d.focus(of: core) == coreFocus, "giving agent seats focus moved the human's")
        try d.warp(a, to: Self.center(c, "two"))
        try d.warp(b, to: Self.center(c, "one"))

        let inputA = try X11SeatInput(display: d, seat: a), inputB = try X11SeatInput(display: d, seat: b)
        let keysA: [UInt32] = Array(24...35) + Array(24...35)   // q … ] twice
        let keysB: [UInt32] = Array(38...46) + Array(52...58) + Array(38...43)   // a … l, z … m, a … f
        let target = Self.center(c, "three")
        let clicker = try ChildProcess("/usr/bin/xdotool", ["mousemove", "\(target.x)", "\(target.y)", "click", "--repeat", "20", "--delay", "15", "1"],
                                       environment: ["DISPLAY": x.display], output: .discarded)
        // Type while the clicks go on (19 more, 15 ms apart).
        #expect(try c.waitFor(timeout: 10) { $0["ev"] as? String == "press" && $0["win"] as? String == "three" } != nil)
        for i in 0..<max(keysA.count, keysB.count) {
            let now = X11LibraryTests.clock()
            if i < keysA.count { try inputA.play([.key(keysA[i], pressed: true), .key(keysA[i], pressed: false)], at: now) }
            if i < keysB.count { try inputB.play([.key(keysB[i], pressed: true), .key(keysB[i], pressed: false)], at: now) }
            usleep(3_000)
        }
        #expect(clicker.wait(timeout: .seconds(10))?.code == 0)
        _ = try c.waitFor(timeout: 5) { _ in c.received("key", in: "one").count >= keysA.count && c.received("key", in: "two").count >= keysB.count
            && c.received("release", in: "three").count >= 20 }
        c.pump(timeout: 0.2)

        let inOne = c.received("key", in: "one"), inTwo = c.received("key", in: "two")
        #expect(inOne.compactMap { ($0["keycode"] as? Int).map { UInt32($0) } } == keysA, "seat A's keys, whole and in order, in window one")
        #expect(inTwo.compactMap { ($0["keycode"] as? Int).map { UInt32($0) } } == keysB, "seat B's keys, whole and in order, in window two")
        #expect(inOne.allSatisfy { $0["device"] as? Int == Int(a.keyboard) && $0["source"] as? Int == Int(a.xtestKeyboard) })
        #expect(inTwo.allSatisfy { $0["device"] as? Int == Int(b.keyboard) && $0["source"] as? Int == Int(b.xtestKeyboard) })
        #expect(c.received("key", in: "three").isEmpty)
        let clicks = c.received("press", in: "three")
        #expect(clicks.count == 20)
        #expect(clicks.allSatisfy { $0["device"] as? Int == Int(core.pointer) && $0["source"] as? Int == Int(core.xtestPointer) && $0["button"] as? Int == 1 })
        #expect(c.received("press", in: "one").isEmpty && c.received("press", in: "two").isEmpty)
        // The clicks and the typing overlapped in the server's time.
        let keyTimes = (inOne + inTwo).compactMap { $0["time"] as? Int }, clickTimes = clicks.compactMap { $0["time"] as? Int }
        if let k0 = keyTimes.min(), let k1 = keyTimes.max(), let c0 = clickTimes.min(), let c1 = clickTimes.max() {
            #expect(c0 <= k1 && k0 <= c1, "the core seat's clicks (\(c0)…\(c1) ms) did not overlap the seats' typing (\(k0)…\(k1) ms)")
        } else {
            Issue.record("records without server times")
        }

        #expect(try d.focus(of: a) == .window(one))
        #expect(try d.focus(of: b) == .window(two))
        #expect(try d.focus(of: core) == coreFocus)
        #expect(try d.pointer(of: a).position == Self.center(c, "two"), "the core seat's click moved seat A's pointer")
        #expect(try d.pointer(of: b).position == Self.center(c, "one"))
        #expect(try d.pointer(of: core).position == target)
    }

    /// A click through a seat lands where that seat's pointer is, and moves no other
    /// pointer; frames map as the XTest output maps them.
    @Test func aSeatsClickLandsAtItsOwnPointer() throws {
        let x = try XvfbServer()
        let c = try Self.threeWindows(x)
        let d = try X11Display(display: x.display, xauthority: nil)
        let core = try #require(d.coreSeat())
        let a = try d.createSeat(named: Self.alice), b = try d.createSeat(named: Self.bob)
        let coreBefore = try d.pointer(of: core).position
        try d.warp(b, to: Point(x: 450, y: 70))
        #expect(try d.pointer(of: b).position == Point(x: 450, y: 70))
        let inputA = try X11SeatInput(display: d, seat: a)
        let now = X11LibraryTests.clock()
        try inputA.inject(Frame([EvdevEvent(type: EV.abs, code: ABS.x, value: 60), EvdevEvent(type: EV.abs, code: ABS.y, value: 80)]), at: now)
        try inputA.inject(Frame([EvdevEvent(type: EV.key, code: 0x110, value: 1)]), at: now)   // BTN_LEFT
        #expect(try d.pointer(of: a).buttons == [1], "seat A holds button 1 while it is down")
        #expect(inputA.heldButtons == [1])
        try inputA.inject(Frame([EvdevEvent(type: EV.key, code: 0x110, value: 0)]), at: now)
        try inputA.inject(Frame([EvdevEvent(type: EV.abs, code: ABS.y, value: 90)]), at: now)   // x stays 60
        try inputA.inject(Frame([EvdevEvent(type: EV.key, code: 0x111, value: 1)]), at: now)   // BTN_RIGHT
        try inputA.inject(Frame([EvdevEvent(type: EV.key, code: 0x111, value: 0)]), at: now)
        _ = try c.waitFor(timeout: 5) { $0["ev"] as? String == "release" && $0["button"] as? Int == 3 }
        let presses = c.received("press", in: "one")
        #expect(presses.map { $0["button"] as? Int } == [1, 3])
        #expect(presses.map { Point(x: Int32($0["root_x"] as? Int ?? -1), y: Int32($0["root_y"] as? Int ?? -1)) } == [Point(x: 60, y: 80), Point(x: 60, y: 90)])
        #expect(presses.allSatisfy { $0["device"] as? Int == Int(a.pointer) && $0["source"] as? Int == Int(a.xtestPointer) })
        #expect(inputA.heldButtons.isEmpty)
        #expect(try d.pointer(of: a).position == Point(x: 60, y: 90))
        #expect(try d.pointer(of: b).position == Point(x: 450, y: 70), "seat A's motion moved seat B's pointer")
        #expect(try d.pointer(of: core).position == coreBefore, "seat A's motion moved the human's pointer")
        #expect(c.received("press", in: "two").isEmpty)
    }

    /// A seat's own injection comes back through its XTEST devices as raw events the
    /// foreign-injection watch expects; xdotool's does not.
    @Test func aSeatsInjectionIsNotForeign() throws {
        let x = try XvfbServer()
        let c = try RecordingClient(display: x.display, ["one:10,20,300x200"])
        let d = try X11Display(display: x.display, xauthority: nil)
        let watch = X11Watch(display: d, clock: X11LibraryTests.clock)
        let a = try d.createSeat(named: Self.alice)
        let input = try X11SeatInput(display: d, seat: a)
        try input.play([.move(Point(x: 50, y: 50)), .button(1, pressed: true), .button(1, pressed: false)], at: X11LibraryTests.clock())
        _ = try c.waitFor(timeout: 5) { $0["ev"] as? String == "release" }
        let ours = pump(watch, for: 0.5) { _ in false }
        #expect(!ours.contains { if case .foreign = $0 { true } else { false } }, "\(ours)")
        #expect(d.ledger.outstanding == 0, "the watch did not see the seat's own events come back")
        #expect(try x.run("/usr/bin/xdotool", ["click", "2"]) == 0)
        let theirs = pump(watch) { $0.contains { if case .foreign(let f) = $0 { f.kind == .buttonPress } else { false } } }
        #expect(theirs.contains { if case .foreign(let f) = $0 { f.kind == .buttonPress && f.detail == 2 && f.device == "Virtual core XTEST pointer" } else { false } })
    }

    /// Removing a seat removes its four devices and releases what it held; a slave that
    /// was attached to it floats, and can be attached again.
    @Test func removingASeatRemovesItsDevicesAndReleasesWhatItHeld() throws {
        let x = try XvfbServer()
        let c = try Self.threeWindows(x)
        let d = try X11Display(display: x.display, xauthority: nil)
        let core = try #require(d.coreSeat())
        let a = try d.createSeat(named: Self.alice), b = try d.createSeat(named: Self.bob)
        let mouse = try #require(d.inputDevices().first { $0.use == .slavePointer && $0.attachment == core.pointer && !$0.name.contains("XTEST") },
                                 "Xvfb has a mouse on the core seat")
        try d.attach(device: mouse.id, to: a)
        #expect(d.inputDevices().first { $0.id == mouse.id }?.attachment == a.pointer)
        #expect(throws: X11Error.attachRefused(device: core.xtestPointer, seat: a.name)) { try d.attach(device: core.xtestPointer, to: a) }
        #expect(throws: X11Error.noSuchInputDevice(250)) { try d.attach(device: 250, to: a) }

        let input = try X11SeatInput(display: d, seat: a)
        try input.play([.move(Self.center(c, "one")), .button(1, pressed: true)], at: X11LibraryTests.clock())
        _ = try c.waitFor(timeout: 5) { $0["ev"] as? String == "press" && $0["win"] as? String == "one" }
        #expect(c.received("release", in: "one").isEmpty)

        try d.removeSeat(a)
        let release = try c.waitFor(timeout: 5) { $0["ev"] as? String == "release" && $0["win"] as? String == "one" }
        #expect(release?["button"] as? Int == 1, "removing the seat left button 1 held in window one")
        let devices = d.inputDevices()
        #expect(!devices.contains { $0.name.hasPrefix(a.name) }, "\(devices)")
        #expect(devices.first { $0.id == mouse.id }?.use == .floatingSlave)
        #expect(!d.exists(a))
        #expect(d.seat(named: a.name) == nil)
        #expect(d.seat(named: b.name) == b, "removing seat A disturbed seat B")
        #expect(throws: X11Error.noSuchSeat(a.name)) { try d.removeSeat(a) }
        #expect(throws: X11Error.noSuchSeat(a.name)) { try input.play([.button(1, pressed: false)], at: X11LibraryTests.clock()) }
        #expect(throws: X11Error.noSuchSeat(a.name)) { try d.setFocus(of: a, to: Self.window(c, "one")) }
        input.close()
        try d.attach(device: mouse.id, to: core)
        let back = d.inputDevices().first { $0.id == mouse.id }
        #expect(back?.use == .slavePointer && back?.attachment == core.pointer)
    }

    /// Seats a dead daemon left behind (created by a connection that is gone) are found by
    /// their prefix and removed; a master of someone else's stays.
    @Test func staleSeatsAreRemovedByPrefix() throws {
        let x = try XvfbServer()
        // Connected first: Xvfb resets, dropping every master, when its last client leaves.
        let d = try X11Display(display: x.display, xauthority: nil)
        do {
            let dead = try X11Display(display: x.display, xauthority: nil)
            _ = try dead.createSeat(named: Self.alice)
            _ = try dead.createSeat(named: Self.bob)
        }   // its connection closes here; masters are the server's, not the client's
        let tablet = try d.createSeat(named: "drawing tablet")
        #expect(Set(d.seats(withPrefix: X11Seat.agentPrefix).map(\.name)) == [Self.alice, Self.bob])
        #expect(try d.removeSeats(prefix: X11Seat.agentPrefix).sorted() == [Self.alice, Self.bob])
        #expect(d.seats().map(\.name) == [X11Seat.coreName, "drawing tablet"])
        #expect(d.seat(named: "drawing tablet") == tablet)
        #expect(!d.inputDevices().contains { $0.name.hasPrefix(X11Seat.agentPrefix) })
        #expect(try d.removeSeats(prefix: X11Seat.agentPrefix) == [])
        // The name is free again.
        #expect(try d.createSeat(named: Self.alice).name == Self.alice)
    }

    @Test func focusOnAWindowThatIsGoneOrUnmappedIsATypedError() throws {
        let x = try XvfbServer()
        let c = try RecordingClient(display: x.display, ["one:10,20,300x200", "two:400,20,300x200"])
        let d = try X11Display(display: x.display, xauthority: nil)
        let a = try d.createSeat(named: Self.alice)
        let one = Self.window(c, "one"), two = Self.window(c, "two")
        try c.command("unmap two")
        #expect(throws: X11Error.focusRefused(two.rawValue, seat: a.name)) { try d.setFocus(of: a, to: two) }
        try c.command("map two")
        try d.setFocus(of: a, to: two)
        #expect(try d.focus(of: a) == .window(two))
        try c.command("close one")
        #expect(throws: X11Error.noSuchWindow(one.rawValue)) { try d.setFocus(of: a, to: one) }
        #expect(X11Error.noSuchWindow(one.rawValue).description.contains("xwininfo"))
        try d.setFocus(of: a, to: .none)
        #expect(try d.focus(of: a) == X11SeatFocus.none)
        try d.setFocus(of: a, to: .pointerRoot)
        #expect(try d.focus(of: a) == .pointerRoot)
    }

    /// Each agent's cursor is its own: seat A's shows its colour and label, the human's
    /// does not change.
    @Test func eachAgentCursorIsItsOwn() throws {
        let x = try XvfbServer()
        let d = try X11Display(display: x.display, xauthority: nil)
        let core = try #require(d.coreSeat())
        let a = try d.createSeat(named: Self.alice)
        let coreBefore = try #require(try d.cursorImage(of: core))
        let color = X11Seat.cursorColor(session: 1)
        try d.labelCursor(of: a, label: "alice#1", color: color)
        try d.warp(a, to: Point(x: 1000, y: 600))   // over the bare root window
        let mine = try #require(try d.cursorImage(of: a))
        #expect(mine.hotX == 0 && mine.hotY == 0)
        #expect(mine.image.width > 9 + 6 * 7 && mine.image.height > 17, "no room for the label: \(mine.image.width)x\(mine.image.height)")
        func hasColor(_ c: CursorImage, rows: Range<Int>) -> Bool {
            let (r, g, b) = (UInt8(color >> 16 & 0xff), UInt8(color >> 8 & 0xff), UInt8(color & 0xff))
            let w = c.image.width
            return rows.clamped(to: 0..<c.image.height).contains { y in
                (0..<w).contains { x in
                    let i = (y * w + x) * 4
                    return c.image.bytes[i + 3] == 255 && c.image.bytes[i + 2] == r && c.image.bytes[i + 1] == g && c.image.bytes[i] == b
                }
            }
        }
        #expect(hasColor(mine, rows: 0..<15), "the arrow is not in the seat's colour")
        #expect(hasColor(mine, rows: 18..<mine.image.height), "the label is not drawn")
        let coreAfter = try #require(try d.cursorImage(of: core))
        #expect(coreAfter == coreBefore, "seat A's cursor changed the human's")
        #expect(!hasColor(coreAfter, rows: 0..<coreAfter.image.height))
        #expect(X11Seat.cursorColor(session: 1) != X11Seat.cursorColor(session: 2))
    }

    func pump(_ w: X11Watch, for seconds: Double = 5, _ done: ([X11Change]) -> Bool) -> [X11Change] {
        var all: [X11Change] = []
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            all += w.pump()
            if done(all) { return all }
            usleep(10_000)
        }
        return all
    }
}
