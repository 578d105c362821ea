import InputMuxWire
import InputMuxConfiguration

/// Who may say hello, and as what: the daemon's security decision about a peer
/// (DESIGN §6, "Sockets"). Pure: the peer's credentials as the kernel recorded them, the
/// configuration, and how many sessions the peer's uid holds go in; the `[[policy]]` rule
/// that admits it, or why not, comes out.
///
/// The control socket admits root and members of its group; the agent socket admits a
/// peer under a name when a rule matches it and allows the name (`PolicyMatcher`), and
/// while its uid holds fewer sessions than that rule allows.
struct Admission: Sendable {
    var policies: PolicyMatcher
    /// The control socket's group (`[sockets] control_group`), resolved at start.
    var controlGroup: UInt32?

    init(policies: PolicyMatcher, controlGroup: UInt32?) {
        self.policies = policies
        self.controlGroup = controlGroup
    }

    init(_ settings: EngineLoop.Settings) {
        self.init(policies: PolicyMatcher(rules: settings.configuration.policies, userIDs: settings.policyUIDs,
                                          groupIDs: settings.policyGIDs),
                  controlGroup: settings.controlGroup)
    }

    /// Why a hello is refused. The client reads `message` in its `not_allowed` reply.
    enum Refusal: Error, Hashable, Sendable, CustomStringConvertible {
        /// The control socket, by a uid that is neither root nor in the control group.
        case notAnOperator(uid: UInt32)
        /// No rule matches the peer and allows the name.
        case noPolicy(uid: UInt32, name: String)
        /// The uid already holds as many sessions as the rule that admits it allows.
        case tooManySessions(uid: UInt32, open: Int)

        var message: String {
            switch self {
            case .notAnOperator(let uid):
                "uid \(uid) may not use the control socket; run as root or join the admin group"
            case .noPolicy(let uid, let name):
                "uid \(uid) may not connect as agent \"\(name)\": no [[policy]] in the configuration allows it; ask the operator to add one"
            case .tooManySessions(let uid, let open):
                "uid \(uid) already has \(open) sessions, the most its policy allows; end one first"
            }
        }

        var description: String { message }
        var wireError: WireError { WireError(.notAllowed, message) }
    }

    /// Admits `peer` to the control socket: root, or a member of the control group.
    func admitOperator(_ peer: PeerCredentials) throws(Refusal) {
        guard peer.uid == 0 || controlGroup.map(peer.isMember(of:)) == true else { throw .notAnOperator(uid: peer.uid) }
    }

    /// The rule that admits `peer` as agent `name`, given the sessions its uid holds now.
    /// The name is one `WireDecoder` accepted (printable, at most 64 bytes).
    func admitAgent(_ peer: PeerCredentials, name: String, openSessions: Int) throws(Refusal) -> PolicyRule {
        guard let rule = policies.rule(for: peer, name: name) else { throw .noPolicy(uid: peer.uid, name: name) }
        guard openSessions < rule.maximumSessions else { throw .tooManySessions(uid: peer.uid, open: openSessions) }
        return rule
    }
}
