import InputMuxConfiguration

/// Which `[[policy]]` admits a peer under a name. A rule matches only when every selector
/// it gives matches: `uid` and `user` both (a rule that names both admits nobody unless
/// they are one account), `gid` and `group` both; a `user` or `group` the system does not
/// know matches nobody.
struct PolicyMatcher: Sendable {
    var rules: [PolicyRule]
    /// Rule index → uid resolved from its `user` at start.
    var userIDs: [Int: UInt32]
    /// Rule index → gid resolved from its `group` at start.
    var groupIDs: [Int: UInt32]

    /// The first rule that matches the peer and allows the name. Root may always connect
    /// (it could open /dev/uinput itself); a rule still shapes what it gets.
    func rule(for peer: PeerCredentials, name: String) -> PolicyRule? {
        for (i, rule) in rules.enumerated() where matches(rule, at: i, peer) && rule.allows(name: name) {
            return rule
        }
        if peer.uid == 0 {
            var root = PolicyRule()
            root.uid = 0
            root.maximumSessions = 4096
            return root
        }
        return nil
    }

    private func matches(_ rule: PolicyRule, at i: Int, _ peer: PeerCredentials) -> Bool {
        if let uid = rule.uid, uid != peer.uid { return false }
        if rule.user != nil, userIDs[i] != peer.uid { return false }
        if let gid = rule.gid, !peer.isMember(of: gid) { return false }
        if rule.group != nil { guard let gid = groupIDs[i], peer.isMember(of: gid) else { return false } }
        return true
    }
}
