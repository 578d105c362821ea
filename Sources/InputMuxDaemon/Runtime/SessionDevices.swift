import InputMuxCore
import InputMuxLinux

/// A session's pair of virtual devices as `SessionDevices` sees them.
protocol SessionDevicePair: AnyObject {
    /// The desktop the pointer's absolute axes were made for.
    var desktop: Region { get }
    /// What replies and events list as the session's `devices`.
    var nodes: [String: String] { get }
}

extension AgentDevices: SessionDevicePair {
    var nodes: [String: String] { ["pointer": pointer.devnode, "keyboard": keyboard.devnode] }
}

/// The agent sessions' virtual devices as a state machine: which sessions have devices,
/// which are having them made, and which devices wait to be removed. The engine's
/// `DeviceAction`s and the device workers' outcomes go in; the steps the loop performs
/// come out (keyd style: no device is touched here).
///
/// Making and removing devices takes long (udev settling, UI_DEV_DESTROY), so it runs on
/// the device workers while the engine keeps going; devices that arrive for a session
/// that ended meanwhile, or for a desktop that changed again, go back for removal. With
/// `[output] mode = "xtest"` the X server's own XTEST devices serve every session and
/// nothing is made.
struct SessionDevices<Pair: SessionDevicePair> {
    enum Step: Equatable {
        /// Start making the session's devices for `desktop` (device workers).
        case make(name: String, session: SessionID, desktop: Region)
        /// The session may be answered: its hello, or the desktop event after a
        /// replacement. `failure` says why there are no new devices (a session that
        /// already had devices keeps them).
        case answer(SessionID, failure: String?)
        /// Requests of the session wait for its new devices (`ConnectionPhase.replacingDevices`).
        case holdRequests(SessionID)
        /// XTest: tell the session the new desktop now; its devices stay the X server's.
        case announceDesktop(SessionID, Region)
        /// XTest: the session ended; the injector forgets what it held.
        case forget(SessionID)
        /// For the log: the session's devices are ready, made for `desktop`.
        case ready(SessionID, desktop: Region)
        /// For the log: making the session's devices failed.
        case failed(SessionID, error: String)
    }

    /// What a worker's creation job produced.
    enum Outcome {
        case ready(Pair)
        /// The error, as the sentence the refused client reads.
        case failed(String)
    }

    /// The device nodes of `[output] mode = "xtest"`, shared by every session; nil with uinput.
    let xtestNodes: [String: String]?
    /// Sessions the engine has, by name (from `.create` to `.destroy`).
    private var names: [SessionID: String] = [:]
    private var made: [SessionID: Pair] = [:]
    private var making: Set<SessionID> = []
    /// Devices of ended sessions, and replaced ones, to be removed (`takeRetiring`).
    private var retiring: [Pair] = []
    /// Set at shutdown: nothing is answered any more, and devices wait for `takeAll`.
    private(set) var stopping = false

    init(xtestNodes: [String: String]? = nil) {
        self.xtestNodes = xtestNodes
    }

    /// What replies and events list as the session's `devices`; nil while it has none.
    func nodes(of session: SessionID) -> [String: String]? {
        xtestNodes ?? made[session]?.nodes
    }

    func devices(of session: SessionID) -> Pair? { made[session] }

    /// Whether the session's devices are being made (its hello then waits for them).
    func isMaking(_ session: SessionID) -> Bool { making.contains(session) }

    /// The engine's decision. `desktop` is the engine's desktop as of its last input.
    mutating func apply(_ action: DeviceAction, desktop: Region) -> [Step] {
        switch action {
        case .create(let identity):
            names[identity.session] = identity.name
            if xtestNodes != nil { return [] }
            // The hello is answered when the workers are done; the engine keeps running.
            making.insert(identity.session)
            return [.make(name: identity.name, session: identity.session, desktop: desktop)]
        case .destroy(let s):
            names[s] = nil
            // A session still being made has no devices yet: `finished` retires them.
            if let d = made.removeValue(forKey: s) { retiring.append(d) }
            return xtestNodes != nil ? [.forget(s)] : []
        case .replace(let identity, let newDesktop):
            // The engine released what the old devices held. The session's requests wait
            // for the new ones; the old ones serve until then.
            let s = identity.session
            guard names[s] != nil, !stopping else { return [] }
            if xtestNodes != nil { return [.announceDesktop(s, newDesktop)] }
            guard making.insert(s).inserted else { return [.holdRequests(s)] }
            return [.holdRequests(s), .make(name: identity.name, session: s, desktop: newDesktop)]
        }
    }

    /// A worker finished making the session's devices. `desktop` is the engine's now.
    mutating func finished(_ s: SessionID, _ outcome: Outcome, desktop: Region) -> [Step] {
        making.remove(s)
        let live = names[s] != nil && !stopping
        switch outcome {
        case .ready(let d):
            guard live, let name = names[s] else {
                retiring.append(d)
                return []
            }
            guard d.desktop == desktop else {
                // Made for a layout that changed again meanwhile: make them anew.
                retiring.append(d)
                making.insert(s)
                return [.make(name: name, session: s, desktop: desktop)]
            }
            if let old = made.updateValue(d, forKey: s) { retiring.append(old) }
            return [.ready(s, desktop: d.desktop), .answer(s, failure: nil)]
        case .failed(let error):
            return [.failed(s, error: error)] + (live ? [.answer(s, failure: error)] : [])
        }
    }

    /// The devices to remove now: after each engine input, once everything it decided
    /// (the queue's grants above all) is on its way. None while stopping (`takeAll`).
    mutating func takeRetiring() -> [Pair] {
        guard !stopping, !retiring.isEmpty else { return [] }
        defer { retiring.removeAll() }
        return retiring
    }

    /// Shutdown begins: devices that arrive from now on are kept for `takeAll`.
    mutating func stop() { stopping = true }

    /// Every device left, retired or still in use, for removal at the very end.
    mutating func takeAll() -> [Pair] {
        defer {
            retiring.removeAll()
            made.removeAll()
        }
        return retiring + Array(made.values)
    }
}
