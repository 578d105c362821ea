import InputMuxCore
import Testing

@testable import InputMuxDaemon

/// A device pair that is only a value: which desktop it was made for, and its name.
private final class FakePair: SessionDevicePair {
    let desktop: Region
    let label: String
    init(_ label: String, desktop: Region) {
        self.label = label
        self.desktop = desktop
    }
    var nodes: [String: String] { ["pointer": "/dev/input/\(label)p", "keyboard": "/dev/input/\(label)k"] }
}

/// The session-devices state machine as timelines: the engine's device actions and the
/// workers' outcomes in, the loop's steps out.
@Suite struct SessionDevicesTests {
    let full = Region(x: 0, y: 0, width: 1920, height: 1080)
    let wide = Region(x: 0, y: 0, width: 3840, height: 1080)
    let s = SessionID(5)
    var bot: AgentIdentity { AgentIdentity(name: "bot", session: s, uid: 1000) }

    fileprivate func labels(_ pairs: [FakePair]) -> [String] { pairs.map(\.label).sorted() }

    @Test func aSessionsDevicesAreMadeThenItsHelloIsAnswered() {
        var d = SessionDevices<FakePair>()
        #expect(d.apply(.create(bot), desktop: full) == [.make(name: "bot", session: s, desktop: full)])
        #expect(d.isMaking(s) && d.nodes(of: s) == nil)
        #expect(d.finished(s, .ready(FakePair("a", desktop: full)), desktop: full)
            == [.ready(s, desktop: full), .answer(s, failure: nil)])
        #expect(!d.isMaking(s))
        #expect(d.nodes(of: s) == ["pointer": "/dev/input/ap", "keyboard": "/dev/input/ak"])
        #expect(d.takeRetiring().isEmpty)
        // The session ends: its devices are retired, once.
        #expect(d.apply(.destroy(s), desktop: full) == [])
        #expect(d.nodes(of: s) == nil)
        #expect(labels(d.takeRetiring()) == ["a"])
        #expect(d.takeRetiring().isEmpty)
    }

    @Test func aFailureIsAnsweredWithItsSentence() {
        var d = SessionDevices<FakePair>()
        _ = d.apply(.create(bot), desktop: full)
        #expect(d.finished(s, .failed("no /dev/uinput: load the uinput module"), desktop: full)
            == [.failed(s, error: "no /dev/uinput: load the uinput module"),
                .answer(s, failure: "no /dev/uinput: load the uinput module")])
        #expect(d.nodes(of: s) == nil)
    }

    /// Devices made for a session that ended meanwhile go back for removal, unanswered.
    @Test func devicesForASessionThatEndedMeanwhileAreRetired() {
        var d = SessionDevices<FakePair>()
        _ = d.apply(.create(bot), desktop: full)
        #expect(d.apply(.destroy(s), desktop: full) == [])
        #expect(d.finished(s, .ready(FakePair("late", desktop: full)), desktop: full) == [])
        #expect(labels(d.takeRetiring()) == ["late"])
        // A failure for it is logged, and nobody is answered.
        _ = d.apply(.create(AgentIdentity(name: "bot", session: SessionID(6))), desktop: full)
        _ = d.apply(.destroy(SessionID(6)), desktop: full)
        #expect(d.finished(SessionID(6), .failed("gone"), desktop: full) == [.failed(SessionID(6), error: "gone")])
    }

    /// The desktop changed while the devices were being made: they are made anew for the
    /// new layout before anyone is answered.
    @Test func devicesMadeForAnOldDesktopAreMadeAnew() {
        var d = SessionDevices<FakePair>()
        _ = d.apply(.create(bot), desktop: full)
        #expect(d.finished(s, .ready(FakePair("old", desktop: full)), desktop: wide)
            == [.make(name: "bot", session: s, desktop: wide)])
        #expect(d.isMaking(s) && d.nodes(of: s) == nil)
        #expect(labels(d.takeRetiring()) == ["old"])
        #expect(d.finished(s, .ready(FakePair("new", desktop: wide)), desktop: wide)
            == [.ready(s, desktop: wide), .answer(s, failure: nil)])
    }

    /// A desktop change replaces a session's devices: its requests are held, the new pair
    /// is made, the old one serves until then and is retired after.
    @Test func aDesktopChangeReplacesTheDevices() {
        var d = SessionDevices<FakePair>()
        _ = d.apply(.create(bot), desktop: full)
        _ = d.finished(s, .ready(FakePair("a", desktop: full)), desktop: full)
        #expect(d.apply(.replace(bot, desktop: wide), desktop: wide)
            == [.holdRequests(s), .make(name: "bot", session: s, desktop: wide)])
        #expect(d.nodes(of: s)?["pointer"] == "/dev/input/ap")
        // A second change while the first replacement is being made starts no other job.
        #expect(d.apply(.replace(bot, desktop: full), desktop: full) == [.holdRequests(s)])
        // The first replacement was for `wide`; the desktop is `full` again: once more.
        #expect(d.finished(s, .ready(FakePair("b", desktop: wide)), desktop: full)
            == [.make(name: "bot", session: s, desktop: full)])
        #expect(d.finished(s, .ready(FakePair("c", desktop: full)), desktop: full)
            == [.ready(s, desktop: full), .answer(s, failure: nil)])
        #expect(d.nodes(of: s)?["pointer"] == "/dev/input/cp")
        #expect(labels(d.takeRetiring()) == ["a", "b"])
    }

    /// A replacement that fails is answered (the desktop event) and the session keeps its
    /// old devices.
    @Test func aFailedReplacementKeepsTheOldDevices() {
        var d = SessionDevices<FakePair>()
        _ = d.apply(.create(bot), desktop: full)
        _ = d.finished(s, .ready(FakePair("a", desktop: full)), desktop: full)
        _ = d.apply(.replace(bot, desktop: wide), desktop: wide)
        #expect(d.finished(s, .failed("busy"), desktop: wide) == [.failed(s, error: "busy"), .answer(s, failure: "busy")])
        #expect(d.nodes(of: s)?["pointer"] == "/dev/input/ap")
        #expect(d.takeRetiring().isEmpty)
    }

    @Test func aReplacementForASessionTheEngineDoesNotHaveDoesNothing() {
        var d = SessionDevices<FakePair>()
        #expect(d.apply(.replace(bot, desktop: wide), desktop: wide) == [])
        #expect(!d.isMaking(s))
    }

    /// XTest: the X server's devices serve every session; nothing is made or removed.
    @Test func xtestMakesNothingAndAnnouncesADesktopChangeAtOnce() {
        let shared = ["pointer": "xtest::99", "keyboard": "xtest::99"]
        var d = SessionDevices<FakePair>(xtestNodes: shared)
        #expect(d.apply(.create(bot), desktop: full) == [])
        #expect(!d.isMaking(s) && d.nodes(of: s) == shared)
        #expect(d.apply(.replace(bot, desktop: wide), desktop: wide) == [.announceDesktop(s, wide)])
        #expect(d.apply(.destroy(s), desktop: wide) == [.forget(s)])
        #expect(d.apply(.replace(bot, desktop: full), desktop: full) == [])
        #expect(d.takeRetiring().isEmpty)
    }

    /// At shutdown nothing is answered or replaced, and every device waits for `takeAll`.
    @Test func shutdownKeepsEveryDeviceForTheEnd() {
        var d = SessionDevices<FakePair>()
        let t = SessionID(6)
        _ = d.apply(.create(bot), desktop: full)
        _ = d.apply(.create(AgentIdentity(name: "other", session: t)), desktop: full)
        _ = d.finished(s, .ready(FakePair("a", desktop: full)), desktop: full)
        d.stop()
        #expect(d.apply(.replace(bot, desktop: wide), desktop: wide) == [])
        #expect(d.finished(t, .ready(FakePair("b", desktop: full)), desktop: full) == [])
        #expect(d.finished(t, .failed("late"), desktop: full) == [.failed(t, error: "late")])
        #expect(d.apply(.destroy(s), desktop: full) == [])
        #expect(d.takeRetiring().isEmpty)
        #expect(labels(d.takeAll()) == ["a", "b"])
        #expect(d.takeAll().isEmpty)
    }
}
