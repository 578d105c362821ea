import InputMuxClient
import InputMuxCore
import InputMuxDaemon
import InputMuxWire
import Testing

/// Every request the client library writes decodes, in the daemon, to the request it
/// means. The samples come from exhaustive switches over `RequestType` and
/// `GestureAction`: a new request type or action does not compile until it has one here.
@Suite struct RequestContractTests {
    /// A client request for `type` on `socket`, and what the daemon must make of it.
    /// Nil when the client library does not write `type` on that socket.
    static func sample(_ type: RequestType, on socket: RequestType.Socket) -> (ClientRequest, (WireRequest.Body) -> Bool)? {
        let lease = "L12"
        let id = LeaseID(12)
        switch type {
        case .hello:
            let name: String? = socket == .agent ? "claude-1" : nil
            return (.hello(name: name), { if case .hello(1, name) = $0 { true } else { false } })
        case .bye:
            return (.bye, { if case .bye = $0 { true } else { false } })
        case .status:
            return (.status, {
                switch $0 {
                case .agent(.status): socket == .agent
                case .control(.status): socket == .control
                default: false
                }
            })
        case .acquire:
            let region = InputMuxClient.Region(x: 10, y: 20, width: 300, height: 400)
            return (.acquire(region: region, pointer: true, keyboard: true, window: nil, mode: .wait(timeout: .seconds(5)), ttl: .seconds(30)), {
                guard case .agent(.acquire(let r)) = $0 else { return false }
                return r.resources.region == InputMuxCore.Region(x: 10, y: 20, width: 300, height: 400)
                    && r.resources.pointer && r.resources.keyboard
                    && r.mode == .wait(timeout: .milliseconds(5000)) && r.ttl == .milliseconds(30000)
            })
        case .release:
            return (.release(lease: lease), { if case .agent(.release(id)) = $0 { true } else { false } })
        case .heartbeat:
            return (.heartbeat, { if case .agent(.heartbeat) = $0 { true } else { false } })
        case .gesture:
            return (.gesture(.type("hello")), { if case .agent(.gesture(.type(text: "hello"))) = $0 { true } else { false } })
        case .supervise:
            return (.supervise(.reassign, lease: lease, to: 9), {
                if case .agent(.supervise(.reassign(id, to: SessionID(9)))) = $0 { true } else { false }
            })
        case .monitor:
            return (.monitor, { if case .monitor = $0 { true } else { false } })
        case .revoke, .pause, .resume, .approve, .deny:
            let expected: ControlCommand = switch type {
            case .revoke: .revoke(id)
            case .pause: .pause(id)
            case .resume: .resume(id)
            case .approve: .approve(id)
            default: .deny(id)
            }
            return (.leaseVerb(type, lease: lease), { if case .control(let c) = $0 { c == expected } else { false } })
        case .reassign:
            return (.reassign(lease: lease, to: 9), { if case .control(.reassign(id, to: SessionID(9))) = $0 { true } else { false } })
        case .unfreeze:
            return (.unfreeze, { if case .control(.resumeAfterPanic) = $0 { true } else { false } })
        case .capture:
            let rect = InputMuxCore.Region(x: 10, y: 20, width: 300, height: 400)
            let means: (CaptureRequest) -> Bool = { $0.lease == id && $0.rect == rect && $0.cursor }
            return (.capture(lease: lease, captureSample), {
                switch $0 {
                case .agent(.capture(let r)): socket == .agent && means(r)
                case .control(.capture(id, let r)): socket == .control && means(r)
                default: false
                }
            })
        }
    }

    /// A capture with every option set.
    static let captureSample = InputMuxClient.CaptureOptions(
        rect: InputMuxClient.Region(x: 10, y: 20, width: 300, height: 400), size: .box(width: 640, height: nil), format: .jpeg,
        quality: 70, delivery: .fd, cursor: true, settle: CaptureSettle(quiet: .milliseconds(50), maximum: .seconds(3)))

    @Test func aCaptureCarriesItsImageOptionsToTheDaemon() throws {
        for socket in RequestType.Socket.allCases {
            let decoded = try ClientToDaemon.daemonReads(.capture(lease: "L12", Self.captureSample), on: socket)
            let options = try #require(decoded.capture, "\(socket)")
            // One side given: the other is unbounded (the largest side the daemon makes).
            #expect(options.box?.width == 640 && options.box?.height == 8192)
            #expect(options.format == .jpeg && options.quality == 70 && options.delivery == .fd)
            #expect(options.settle?.quiet == .milliseconds(50) && options.settle?.maximum == .seconds(3))
        }
        // The defaults write nothing the daemon would read differently.
        let plain = try ClientToDaemon.daemonReads(.capture(lease: nil, InputMuxClient.CaptureOptions()), on: .agent)
        let options = try #require(plain.capture)
        #expect(options.box == nil && options.format == .png && options.delivery == .inline && options.settle == nil)
        guard case .agent(.capture(let r)) = plain.body else {
            Issue.record("\(plain.body)")
            return
        }
        #expect(r.lease == nil && r.rect == nil && !r.cursor)
        // The settle flag alone is the daemon's default rule.
        let settled = try ClientToDaemon.daemonReads(.capture(lease: nil, InputMuxClient.CaptureOptions(settle: CaptureSettle())), on: .agent)
        #expect(settled.capture?.settle?.quiet == .milliseconds(100) && settled.capture?.settle?.maximum == .seconds(2))
    }

    @Test func approveWithCaptureDecodesAsApproveCapture() throws {
        let decoded = try ClientToDaemon.daemonReads(.approveCapture(lease: "L12"), on: .control)
        guard case .control(.approveCapture(LeaseID(12))) = decoded.body else {
            Issue.record("\(decoded.body)")
            return
        }
    }

    @Test func everyRequestTypeOnEverySocketDecodesToWhatTheClientMeant() throws {
        var checked = 0
        for type in RequestType.allCases {
            for socket in RequestType.Socket.allCases where type.sockets.contains(socket) {
                let (request, means) = try #require(Self.sample(type, on: socket), "no client sample for \(type) on \(socket)")
                #expect(request.type == type)
                let decoded = try ClientToDaemon.daemonReads(request, on: socket, id: 41)
                #expect(means(decoded.body), "\(type) on the \(socket) socket decoded to \(decoded.body)")
                if type != .hello && type != .bye { #expect(decoded.id == RequestID(41), "\(type) keeps its id") }
                checked += 1
            }
        }
        // hello, bye, status and capture on both sockets, every other type on its own.
        #expect(checked == RequestType.allCases.count + RequestType.allCases.filter { $0.sockets.count == 2 }.count)
        #expect(RequestType.allCases.filter { $0.sockets.count == 2 } == [.hello, .bye, .status, .capture])
    }

    @Test func aRequestOnTheOtherSocketIsAnUnknownType() throws {
        for type in RequestType.allCases where type.sockets.count == 1 {
            let other: RequestType.Socket = type.sockets.contains(.agent) ? .control : .agent
            let (request, _) = try #require(Self.sample(type, on: type.sockets.first!))
            #expect(throws: WireError.self) { try ClientToDaemon.daemonReads(request, on: other) }
            do {
                _ = try ClientToDaemon.daemonReads(request, on: other)
            } catch let error as WireError {
                #expect(error.code == .unknownType, "\(type) on the \(other) socket: \(error)")
            }
        }
    }

    @Test func everySupervisableVerbDecodesAsTheSameControlCommand() throws {
        for verb in RequestType.allCases where verb.isSupervisable {
            let decoded = try ClientToDaemon.daemonReads(.supervise(verb, lease: "L3", to: verb == .reassign ? 4 : nil), on: .agent)
            guard case .agent(.supervise(let command)) = decoded.body else {
                Issue.record("supervise \(verb) decoded to \(decoded.body)")
                continue
            }
            #expect(command.verb == verb.rawValue, "supervise \(verb) became \(command)")
        }
    }

    /// The client gesture for each action, and the engine gesture the daemon must decode
    /// it to. Nil: the client library writes no such gesture.
    static func sample(_ action: GestureAction) -> (InputMuxClient.Gesture, InputMuxCore.Gesture)? {
        typealias P = InputMuxClient.Point
        typealias CP = InputMuxCore.Point
        switch action {
        case .move: return (.move(to: P(x: 100, y: 200)), .move(to: CP(x: 100, y: 200)))
        case .click:
            return (.click(at: P(x: 5, y: 6), button: .right, count: 2, modifiers: "CTRL+shift"),
                    .click(at: CP(x: 5, y: 6), button: .right, count: 2, modifiers: [.leftCtrl, .leftShift]))
        case .mouseDown: return (.mouseDown(at: nil, button: .middle), .mouseDown(at: nil, button: .middle))
        case .mouseUp: return (.mouseUp(at: P(x: 1, y: 1), button: .back), .mouseUp(at: CP(x: 1, y: 1), button: .back))
        case .drag:
            return (.drag(path: [P(x: 1, y: 2), P(x: 3, y: 4), P(x: 5, y: 6)], button: .left, modifiers: "alt"),
                    .drag(path: [CP(x: 1, y: 2), CP(x: 3, y: 4), CP(x: 5, y: 6)], button: .left, modifiers: [.leftAlt]))
        case .scroll:
            return (.scroll(at: P(x: 7, y: 8), dx: -1, dy: 3, unit: .pixels), .scroll(at: CP(x: 7, y: 8), dx: -1, dy: 3, unit: .pixels))
        case .key: return (.keys("CTRL+ENTER", repeat: 2), .keyChord(keys: [.leftCtrl, .enter], repeat: 2))
        case .keyDown: return (.keyDown("Shift"), .keyDown(.leftShift))
        case .keyUp: return (.keyUp("shift"), .keyUp(.leftShift))
        case .hold: return (.hold("shift", durationMs: 250), .hold(keys: [.leftShift], duration: .milliseconds(250)))
        case .type: return (.type("héllo, wörld\n"), .type(text: "héllo, wörld\n"))
        case .wait: return (.wait(durationMs: 40), .wait(.milliseconds(40)))
        // Raw evdev frames are for clients that speak the protocol themselves.
        case .raw: return nil
        }
    }

    @Test func everyGestureActionTheClientWritesDecodesToTheSameGesture() throws {
        var written: Set<GestureAction> = []
        for action in GestureAction.allCases {
            guard let (client, engine) = Self.sample(action) else { continue }
            #expect(client.action == action)
            #expect(engine.action == action)
            let decoded = try ClientToDaemon.daemonReads(.gesture(client), on: .agent)
            guard case .agent(.gesture(let g)) = decoded.body else {
                Issue.record("\(action) decoded to \(decoded.body)")
                continue
            }
            #expect(g == engine, "\(action): the client meant \(engine), the daemon read \(g)")
            written.insert(action)
        }
        #expect(written == Set(GestureAction.allCases).subtracting([.raw]))
    }

    @Test func theClientsSingleCharacterKeysAreKeysTheDaemonKnows() throws {
        for (character, keysym) in KeySpellings.characters where character != " " {
            let decoded = try ClientToDaemon.daemonReads(.gesture(.keys("ctrl+\(character == "+" ? "+" : String(character))")), on: .agent)
            guard case .agent(.gesture(.keyChord(let keys, _))) = decoded.body else {
                Issue.record("ctrl+\(character) (\(keysym)) decoded to \(decoded.body)")
                continue
            }
            #expect(keys.first == .leftCtrl && keys.count >= 2, "ctrl+\(character) → \(keys)")
        }
    }
}
