import InputMuxWire
import InputMuxConfiguration
import InputMuxCore
import Testing

@testable import InputMuxDaemon

/// The hello's security decision on the host. The kernel suite proves the same rules
/// end to end with real uids (DaemonHostileTests.hostileClients,
/// DaemonConnectionTests.peerGroupsComeFromTheSocket); here each selector and each
/// refusal is checked against configurations read as the daemon reads them.
@Suite struct AdmissionTests {
    func peer(uid: UInt32, gid: UInt32 = 65534, groups: [UInt32] = []) -> PeerCredentials {
        PeerCredentials(pid: 4242, uid: uid, gid: gid, exe: "/usr/bin/agent", groups: groups)
    }

    /// An `Admission` over `toml`'s policies; `users` and `groups` stand in for the
    /// accounts the daemon resolves at start.
    func admission(_ toml: String, controlGroup: UInt32? = nil,
                   users: [String: UInt32] = [:], groups: [String: UInt32] = [:]) throws -> Admission {
        let c = try ConfigurationLoader.parse(toml, keyName: nil)
        var uids: [Int: UInt32] = [:], gids: [Int: UInt32] = [:]
        for (i, rule) in c.policies.enumerated() {
            if let u = rule.user { uids[i] = users[u] }
            if let g = rule.group { gids[i] = groups[g] }
        }
        let settings = EngineLoop.Settings(configuration: c, agentGroup: nil, controlGroup: controlGroup,
                                           policyUIDs: uids, policyGIDs: gids)
        return Admission(settings)
    }

    func agentRefusal(_ a: Admission, _ p: PeerCredentials, name: String, openSessions: Int) -> Admission.Refusal? {
        do throws(Admission.Refusal) {
            _ = try a.admitAgent(p, name: name, openSessions: openSessions)
            return nil
        } catch {
            return error
        }
    }

    func operatorRefusal(_ a: Admission, _ p: PeerCredentials) -> Admission.Refusal? {
        do throws(Admission.Refusal) {
            try a.admitOperator(p)
            return nil
        } catch {
            return error
        }
    }

    /// DaemonHostileTests: a uid no policy names is refused, and the refusal names it.
    @Test func aUidNoPolicyNamesIsRefusedByUid() throws {
        let a = try admission("""
            [[policy]]
            uid = 65534
            names = ["robot-*"]
            """)
        let r = agentRefusal(a, peer(uid: 65533), name: "robot-1", openSessions: 0)
        #expect(r == .noPolicy(uid: 65533, name: "robot-1"))
        #expect(r?.wireError == WireError(.notAllowed, "uid 65533 may not connect as agent \"robot-1\": no [[policy]] in the "
            + "configuration allows it; ask the operator to add one"))
    }

    /// DaemonHostileTests: a permitted uid only under its names.
    @Test func aPermittedUidIsAdmittedOnlyUnderItsNames() throws {
        let a = try admission("""
            [[policy]]
            uid = 65534
            names = ["robot-*"]
            """)
        #expect(agentRefusal(a, peer(uid: 65534), name: "intruder", openSessions: 0)
            == .noPolicy(uid: 65534, name: "intruder"))
        let rule = try a.admitAgent(peer(uid: 65534), name: "robot-1", openSessions: 0)
        #expect(rule.uid == 65534 && rule.names == ["robot-*"])
    }

    /// DaemonConnectionTests.peerGroupsComeFromTheSocket: a `gid` rule admits a peer whose
    /// supplementary groups hold it, not only its primary group.
    @Test func aGidRuleMatchesSupplementaryGroups() throws {
        let a = try admission("""
            [[policy]]
            gid = 4242
            names = ["grouped"]
            """)
        #expect(try a.admitAgent(peer(uid: 65534, groups: [4242]), name: "grouped", openSessions: 0).gid == 4242)
        #expect(try a.admitAgent(peer(uid: 65534, gid: 4242), name: "grouped", openSessions: 0).gid == 4242)
        #expect(agentRefusal(a, peer(uid: 65534, groups: [4243]), name: "grouped", openSessions: 0)
            == .noPolicy(uid: 65534, name: "grouped"))
    }

    @Test func userAndGroupRulesMatchTheResolvedAccounts() throws {
        let a = try admission("""
            [[policy]]
            user = "alice"
            names = ["a-*"]

            [[policy]]
            group = "agents"
            names = ["g-*"]

            [[policy]]
            user = "nosuchuser"
            """, users: ["alice": 1000], groups: ["agents": 500])
        #expect(try a.admitAgent(peer(uid: 1000), name: "a-1", openSessions: 0).user == "alice")
        #expect(agentRefusal(a, peer(uid: 1001), name: "a-1", openSessions: 0) == .noPolicy(uid: 1001, name: "a-1"))
        #expect(try a.admitAgent(peer(uid: 1001, groups: [500]), name: "g-1", openSessions: 0).group == "agents")
        // A rule naming a user the system does not know admits nobody, whatever the name.
        #expect(agentRefusal(a, peer(uid: 1002), name: "anything", openSessions: 0)
            == .noPolicy(uid: 1002, name: "anything"))
    }

    /// The first matching rule decides, and its `max_sessions` caps the uid's sessions.
    @Test func theFirstMatchingRulesSessionCapRefusesOneMore() throws {
        let a = try admission("""
            [[policy]]
            uid = 1000
            names = ["bot"]
            max_sessions = 2

            [[policy]]
            uid = 1000
            max_sessions = 5
            """)
        #expect(try a.admitAgent(peer(uid: 1000), name: "bot", openSessions: 1).maximumSessions == 2)
        let r = agentRefusal(a, peer(uid: 1000), name: "bot", openSessions: 2)
        #expect(r == .tooManySessions(uid: 1000, open: 2))
        #expect(r?.message == "uid 1000 already has 2 sessions, the most its policy allows; end one first")
        #expect(r?.wireError.code == .notAllowed)
        // Another name falls through to the second rule and its larger cap.
        #expect(try a.admitAgent(peer(uid: 1000), name: "other", openSessions: 2).maximumSessions == 5)
    }

    /// Root may always connect (it could open /dev/uinput itself); a rule still shapes it.
    @Test func rootIsAdmittedWithoutARule() throws {
        let none = try admission("")
        #expect(try none.admitAgent(peer(uid: 0, gid: 0), name: "anything", openSessions: 0).maximumSessions == 4096)
        #expect(agentRefusal(none, peer(uid: 0, gid: 0), name: "x", openSessions: 4096)
            == .tooManySessions(uid: 0, open: 4096))
        let shaped = try admission("""
            [[policy]]
            uid = 0
            max_sessions = 1
            """)
        #expect(agentRefusal(shaped, peer(uid: 0, gid: 0), name: "x", openSessions: 1)
            == .tooManySessions(uid: 0, open: 1))
    }

    /// The control socket: root, or a member of the control group (primary or
    /// supplementary); nobody else, and nobody but root without a control group.
    @Test func theControlSocketAdmitsRootAndTheControlGroup() throws {
        let a = try admission("", controlGroup: 990)
        #expect(operatorRefusal(a, peer(uid: 0, gid: 0)) == nil)
        #expect(operatorRefusal(a, peer(uid: 1000, groups: [990])) == nil)
        #expect(operatorRefusal(a, peer(uid: 1000, gid: 990)) == nil)
        let r = operatorRefusal(a, peer(uid: 1000, groups: [991]))
        #expect(r == .notAnOperator(uid: 1000))
        #expect(r?.wireError == WireError(.notAllowed, "uid 1000 may not use the control socket; run as root or join the admin group"))
        let rootOnly = try admission("")
        #expect(operatorRefusal(rootOnly, peer(uid: 1000, groups: [990])) == .notAnOperator(uid: 1000))
        #expect(operatorRefusal(rootOnly, peer(uid: 0, gid: 0)) == nil)
    }
}
