import InputMuxClient
import InputMuxWire
import Synchronization

/// One MCP client's agent session: its connection to inputmuxd, its lease, the keys and
/// buttons its gestures left down, and the tool calls, run one at a time.
///
/// Tool calls that act are serialized (FIFO) even when the MCP client sends them
/// concurrently, so a batch never interleaves with another call on the same lease.
public final class ComputerUseSession: Sendable {
    public struct Configuration: Sendable {
        public var name: String
        public var socketPath: String
        /// The region leased on first use (the whole desktop when nil).
        public var region: Region?
        public var keyboard: Bool
        /// The space the model's coordinates are in.
        public var coordinates: CoordinateSpace
        /// How long an action or lease_acquire waits for a queued lease by default.
        public var acquireTimeout: Duration
        public var options: AgentClient.Options
        /// The box screenshots are fitted into; nil: the coordinate space's (`wxga`:
        /// 1280x800; `desktop`: one image pixel a desktop pixel; a grid or unit space:
        /// the size recommended for the lease, `CoordinateSpace.recommendedScreenshot`).
        public var screenshotSize: CaptureSize?
        /// Every acting call (a `computer` action, a `computer_actions` batch) ends with a
        /// settled screenshot, as Anthropic's reference tool does.
        public var screenshotAfterActions: Bool
        /// Screenshots wait until the lease's area has settled (`settle`, PROTOCOL.md).
        public var settle: CaptureSettle?

        public init(name: String, socketPath: String = AgentClient.defaultSocketPath, region: Region? = nil, keyboard: Bool = true,
                    coordinates: CoordinateSpace = .desktop, acquireTimeout: Duration = .seconds(30),
                    options: AgentClient.Options = AgentClient.Options(), screenshotSize: CaptureSize? = nil,
                    screenshotAfterActions: Bool = false, settle: CaptureSettle? = CaptureSettle()) {
            self.name = name
            self.socketPath = socketPath
            self.region = region
            self.keyboard = keyboard
            self.coordinates = coordinates
            self.acquireTimeout = acquireTimeout
            self.options = options
            self.screenshotSize = screenshotSize
            self.screenshotAfterActions = screenshotAfterActions
            self.settle = settle
        }

        /// The size a screenshot of `area` is fitted into.
        public func captureSize(for area: Region) -> CaptureSize {
            if let screenshotSize { return screenshotSize }
            switch coordinates {
            case .desktop: return .actual
            case .scaled(let w, let h): return .box(width: w, height: h)
            case .grid, .unit:
                return (try? CaptureSize(CoordinateSpace.recommendedScreenshot(for: area))) ?? .actual
            }
        }
    }

    /// An image a tool returns: base64 and its media type (an MCP image content).
    public struct Image: Sendable, Hashable {
        public var data: String
        public var mimeType: String
    }

    /// A tool's answer: a sentence (or JSON text), images, and whether it is an error.
    public struct Outcome: Sendable, Hashable {
        public var text: String
        public var isError: Bool
        public var images: [Image] = []

        static func ok(_ text: String, images: [Image] = []) -> Outcome { Outcome(text: text, isError: false, images: images) }
        static func error(_ text: String) -> Outcome { Outcome(text: text, isError: true) }
    }

    public let configuration: Configuration
    private let serial = SerialLock()
    private let state = Mutex(State())

    private struct State {
        var client: AgentClient?
        var lease: Lease?
        var buttons: [MouseButton] = []
        var keys: [String] = []
        /// The last screenshot of the current lease: the model's coordinates are its pixels.
        var frame: (lease: String, frame: ScreenshotFrame)?
    }

    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// Ends the session (its lease ends with it).
    public func close() {
        state.withLock { $0.client }?.close()
    }

    /// Runs one tool call. Read-only tools answer at once; the others wait their turn.
    public func call(_ tool: String, arguments: JSON) async -> Outcome {
        switch tool {
        case ToolCatalog.cursorPosition: return await cursorPosition()
        case ToolCatalog.leaseStatus: return await leaseStatus()
        default: break
        }
        return await serial.run { () async -> Outcome in
            switch tool {
            case ToolCatalog.computer: return await computer(arguments)
            case ToolCatalog.computerActions: return await computerActions(arguments)
            case ToolCatalog.leaseAcquire: return await leaseAcquire(arguments)
            case ToolCatalog.leaseRelease: return await leaseRelease()
            default:
                return .error("unknown tool \"\(tool)\"; tools: \(ToolCatalog.tools(coordinates: "").map(\.name).joined(separator: ", "))")
            }
        }
    }

    // MARK: - Tools

    private func computer(_ arguments: JSON) async -> Outcome {
        let client: AgentClient
        do { client = try await connected() } catch { return failure(error) }
        let steps: [ActionStep]
        do {
            steps = try AnthropicActions.steps(arguments, scaler: scaler(client), cursor: client.cursor)
        } catch {
            return .error(error.message)
        }
        return await run([steps], client: client)
    }

    private func computerActions(_ arguments: JSON) async -> Outcome {
        let client: AgentClient
        do { client = try await connected() } catch { return failure(error) }
        let batch: [[ActionStep]]
        do {
            batch = try OpenAIActions.steps(arguments, scaler: scaler(client))
        } catch {
            return .error("nothing was done: \(error.message)")
        }
        return await run(batch, client: client)
    }

    /// Runs each action's steps in order; stops at the first error and releases whatever
    /// the session's gestures left pressed.
    private func run(_ actions: [[ActionStep]], client: AgentClient) async -> Outcome {
        let lease: Lease
        do { lease = try await activeLease(client) } catch { return failure(error) }
        var lines: [String] = []
        var images: [Image] = []
        var acted = false
        for (i, steps) in actions.enumerated() {
            for step in steps {
                switch step {
                case .cursorPosition:
                    lines.append(cursorText(client))
                case .screenshot:
                    do {
                        let (line, image) = try await screenshot(lease, client)
                        lines.append(line)
                        images.append(image)
                        acted = false
                    } catch {
                        var text = actions.count > 1 ? "action \(i + 1) of \(actions.count) failed; " : ""
                        text += ErrorAdvice.sentence(for: error, region: lease.region, lease: lease.id)
                        if i > 0 { text += " Actions 1–\(i) were done." }
                        return .error(text)
                    }
                case .gesture(let g):
                    do {
                        try await lease.perform(g)
                        track(g)
                    } catch {
                        let released = await releaseHeld(lease)
                        var text = actions.count > 1 ? "action \(i + 1) of \(actions.count) failed; " : ""
                        text += ErrorAdvice.sentence(for: error, region: lease.region)
                        if i > 0 { text += " Actions 1–\(i) were done." }
                        if !released.isEmpty { text += " Released what was still pressed: \(released.joined(separator: ", "))." }
                        return .error(text)
                    }
                    lines.append(describe(g, client))
                    acted = true
                }
            }
        }
        if acted && configuration.screenshotAfterActions {
            do {
                let (line, image) = try await screenshot(lease, client)
                lines.append(line)
                images.append(image)
            } catch {
                lines.append("(no screenshot after the actions: \(ErrorAdvice.sentence(for: error, region: lease.region, lease: lease.id)))")
            }
        }
        return .ok(lines.joined(separator: "\n"), images: images)
    }

    /// A settled screenshot of the lease, fitted into the configured size; its pixels
    /// become the model's coordinates. It comes by descriptor: the server is local to the
    /// daemon, and an image line of megabytes is then never parsed, nor left half read
    /// on the connection while other replies queue behind it.
    private func screenshot(_ lease: Lease, _ client: AgentClient) async throws(InputMuxError) -> (String, Image) {
        let options = CaptureOptions(size: configuration.captureSize(for: lease.region), format: .png, delivery: .fd,
                                     settle: configuration.settle)
        let shot = try await lease.capture(options)
        state.withLock { $0.frame = (lease.id, ScreenshotFrame(shot)) }
        var line = "screenshot of \(shot.lease): desktop \(shot.rect) as \(shot.width)x\(shot.height) \(shot.format)"
        if let settle = shot.settle {
            line += settle.settled ? ", settled after \(Lease.milliseconds(settle.waited)) ms" : ", still changing after \(Lease.milliseconds(settle.waited)) ms"
        }
        line += ". Coordinates are now this image's \(Self.spaceText(configuration.coordinates, shot))."
        return (line, Image(data: shot.base64, mimeType: shot.format.mimeType))
    }

    static func spaceText(_ space: CoordinateSpace, _ shot: Screenshot) -> String {
        switch space {
        case .grid(let n): "0–\(n) grid (across \(shot.width)x\(shot.height) pixels)"
        case .unit: "0.0–1.0 fractions (of \(shot.width)x\(shot.height) pixels)"
        case .desktop, .scaled: "pixels: x 0–\(shot.width - 1), y 0–\(shot.height - 1)"
        }
    }

    private func cursorPosition() async -> Outcome {
        let client: AgentClient
        do { client = try await connected() } catch { return failure(error) }
        return .ok(cursorText(client))
    }

    private func leaseAcquire(_ arguments: JSON) async -> Outcome {
        let client: AgentClient
        do { client = try await connected() } catch { return failure(error) }
        let region: Region?
        if let text = arguments["region"].string {
            guard let r = Region(parsing: text) else { return .error("lease_acquire: `region` is \"x,y,w,h\" in desktop pixels, e.g. \"0,0,960,1080\"") }
            region = r
        } else if let a = arguments["region"].array, a.count == 4, case let n = a.compactMap(\.int), n.count == 4, n[2] > 0, n[3] > 0 {
            region = Region(x: n[0], y: n[1], width: n[2], height: n[3])
        } else {
            region = configuration.region
        }
        let keyboard = arguments["keyboard"].bool ?? configuration.keyboard
        let mode = arguments["mode"].string ?? "wait"
        guard mode == "wait" || mode == "try" else { return .error("lease_acquire: `mode` is \"wait\" or \"try\"") }
        let timeout: Duration
        do throws(ArgumentError) {
            timeout = try Arguments(arguments, context: "lease_acquire").int("timeout_ms", in: 0...86_400_000)
                .map { Duration.milliseconds($0) } ?? configuration.acquireTimeout
        } catch {
            return .error(error.message + " (milliseconds, a day at most)")
        }
        let wanted = region ?? client.desktop

        // Keep waiting on the same request; a different region replaces the old lease.
        var lease = state.withLock { $0.lease }
        if let old = lease, old.state.isEnded || old.region != wanted || old.info.keyboard != keyboard {
            _ = await releaseHeld(old)
            try? await old.release()
            lease = nil
        }
        do {
            if lease == nil {
                let fresh = try await client.acquire(wanted, keyboard: keyboard, mode: mode == "try" ? .try : .wait())
                state.withLock { $0.lease = fresh; $0.frame = nil }
                lease = fresh
            }
            guard let lease else { return .error("lease_acquire: no lease") }
            if case .pendingApproval = lease.state {
                return .error("\(lease.id) on \(lease.region) waits for an operator's approval (a sensitive region): ask them to run `muxctl approve \(lease.id)`, then call lease_acquire again.")
            }
            try await lease.waitUntilActive(timeout: timeout)
            return .ok("\(lease.id) is active on \(lease.region)\(lease.info.keyboard ? " with the keyboard" : ""); it is renewed while this session runs. \(Descriptions.coordinates(CoordinateSpaceText(text: configuration.coordinates.description)))")
        } catch {
            if let lease, case .queued(let position, let reason) = lease.state {
                let behind = lease.holder.map { " behind \($0.holder)'s lease \($0.lease) on \($0.region)" } ?? ""
                return .error("lease queued: \(lease.id) is at queue position \(position)\(behind) (\(reason)). It stays in the queue: call lease_acquire again to keep waiting, lease_release to give up, or ask the operator (`muxctl status`).")
            }
            return failure(error)
        }
    }

    private func leaseRelease() async -> Outcome {
        guard let lease = state.withLock({ $0.lease }) else { return .ok("this session holds no lease") }
        let released = await releaseHeld(lease)
        do {
            try await lease.release()
        } catch {
            return failure(error)
        }
        state.withLock { $0.lease = nil; $0.frame = nil }
        return .ok("released \(lease.id)" + (released.isEmpty ? "" : " (after releasing \(released.joined(separator: ", ")))"))
    }

    private func leaseStatus() async -> Outcome {
        let client: AgentClient
        do { client = try await connected() } catch { return failure(error) }
        var o: [String: JSON] = [
            "session": .string(client.session.identity.description),
            "desktop": .string(client.desktop.description),
            "coordinates": .string(configuration.coordinates.description),
            "devices": ["pointer": .string(client.session.pointerDevice), "keyboard": .string(client.session.keyboardDevice)],
        ]
        if let lease = state.withLock({ $0.lease }) {
            var l: [String: JSON] = ["id": .string(lease.id), "region": .string(lease.region.description),
                                     "keyboard": .bool(lease.info.keyboard), "state": .string(Self.stateText(lease.state))]
            if let h = lease.holder, case .queued = lease.state {
                l["waiting_for"] = .string("\(h.holder)'s lease \(h.lease) on \(h.region)")
            }
            o["lease"] = .object(l)
        } else {
            o["lease"] = .null
        }
        if let report = try? await client.status() {
            o["seat_held"] = .array(report.held.map { .string("\($0.id) \($0.holder) \($0.region) \($0.state)") })
            o["seat_waiting"] = .array(report.waiting.map { .string("\($0.id) \($0.holder) \($0.region) \($0.state)") })
            o["human_active"] = .bool(report.humanActive)
            o["frozen"] = .bool(report.frozen)
        }
        return .ok(JSON.object(o).serialized)
    }

    // MARK: - Helpers

    private func connected() async throws(InputMuxError) -> AgentClient {
        if let c = state.withLock({ $0.client }) { return c }
        let c = try await AgentClient.connect(socketPath: configuration.socketPath, name: configuration.name, options: configuration.options)
        state.withLock { $0.client = c }
        return c
    }

    /// The session's lease, acquired (configured region, wait mode) if there is none.
    private func activeLease(_ client: AgentClient) async throws(InputMuxError) -> Lease {
        var lease = state.withLock { $0.lease }
        if lease == nil || lease?.state.isEnded == true {
            state.withLock { $0.buttons = []; $0.keys = [] }
            let fresh = try await client.acquire(configuration.region, keyboard: configuration.keyboard, mode: .wait())
            state.withLock { $0.lease = fresh; $0.frame = nil }
            lease = fresh
        }
        guard let lease else { throw InputMuxError(.noLease, "no lease") }
        if case .paused = lease.state { return lease }  // the daemon says why it refuses
        try await lease.waitUntilActive(timeout: configuration.acquireTimeout)
        return lease
    }

    /// The model's coordinates: the last screenshot of the current lease, else the
    /// configured space over the desktop.
    private func scaler(_ client: AgentClient) -> Scaler {
        let frame = state.withLock { s -> ScreenshotFrame? in
            guard let f = s.frame, let lease = s.lease, lease.id == f.lease, !lease.state.isEnded else { return nil }
            return f.frame
        }
        return Scaler(space: configuration.coordinates, desktop: client.desktop, frame: frame)
    }

    private func track(_ g: Gesture) {
        state.withLock { s in
            switch g {
            case .mouseDown(_, let b): if !s.buttons.contains(b) { s.buttons.append(b) }
            case .mouseUp(_, let b): s.buttons.removeAll { $0 == b }
            case .keyDown(let k): if !s.keys.contains(k) { s.keys.append(k) }
            case .keyUp(let k): s.keys.removeAll { $0 == k }
            default: break
            }
        }
    }

    /// Lets go of what this session's gestures left pressed (last pressed first).
    private func releaseHeld(_ lease: Lease) async -> [String] {
        let (buttons, keys) = state.withLock { s in
            defer { s.buttons = []; s.keys = [] }
            return (s.buttons, s.keys)
        }
        var released: [String] = []
        for k in keys.reversed() {
            if (try? await lease.keyUp(k)) != nil { released.append(k) }
        }
        for b in buttons.reversed() {
            if (try? await lease.mouseUp(button: b)) != nil { released.append("\(b.rawValue) button") }
        }
        return released
    }

    private func cursorText(_ client: AgentClient) -> String {
        guard let p = client.cursor else {
            return "unknown: this session has not moved the pointer yet (InputMux knows only where this session's own gestures left it)"
        }
        return scaler(client).describe(p)
    }

    private func describe(_ g: Gesture, _ client: AgentClient) -> String {
        let at = g.pointerEnd.map { " at \(scaler(client).describe($0)) (desktop \($0))" } ?? ""
        switch g {
        case .click(_, let b, let n, let m): return "clicked \(b.rawValue)\(n > 1 ? " ×\(n)" : "")\(m.isEmpty ? "" : " with \(m)")\(at)"
        case .keys(let k, let n): return "pressed \(k)\(n > 1 ? " ×\(n)" : "")"
        case .type(let t): return "typed \(t.count) characters"
        case .hold(let k, let ms): return "held \(k) for \(ms) ms"
        case .wait(let ms): return "waited \(ms) ms"
        case .keyDown(let k): return "\(k) down"
        case .keyUp(let k): return "\(k) up"
        default: return "\(g.action)\(at)"
        }
    }

    private func failure(_ error: InputMuxError) -> Outcome {
        .error(ErrorAdvice.sentence(for: error, region: state.withLock { $0.lease }?.region))
    }

    static func stateText(_ s: LeaseState) -> String {
        switch s {
        case .active: "active"
        case .queued(let p, _): "queued at position \(p)"
        case .pendingApproval: "pending approval"
        case .paused(let why): "paused (\(why.code))"
        case .ended(let why): "ended (\(why.code))"
        }
    }
}
