import Testing
import InputMuxConfiguration
@testable import InputMuxDaemon

/// A `[[policy]]` matches only when every selector it gives matches (issue 15, "policy
/// selectors": `uid` used to hide `user`, and `gid` to hide `group`).
@Suite struct PolicyMatcherTests {
    func peer(uid: UInt32, gid: UInt32 = 100, groups: [UInt32] = []) -> PeerCredentials {
        PeerCredentials(pid: 4242, uid: uid, gid: gid, exe: "/usr/bin/agent", groups: groups)
    }

    func rule(_ configure: (inout PolicyRule) -> Void) -> PolicyRule {
        var r = PolicyRule()
        configure(&r)
        return r
    }

    @Test func uidAndUserMustBothMatch() {
        // user "alice" is uid 1000; the rule also says uid 1001.
        let m = PolicyMatcher(rules: [rule { $0.uid = 1001; $0.user = "alice" }], userIDs: [0: 1000], groupIDs: [:])
        #expect(m.rule(for: peer(uid: 1001), name: "bot") == nil)
        #expect(m.rule(for: peer(uid: 1000), name: "bot") == nil)
        let same = PolicyMatcher(rules: [rule { $0.uid = 1000; $0.user = "alice" }], userIDs: [0: 1000], groupIDs: [:])
        #expect(same.rule(for: peer(uid: 1000), name: "bot") != nil)
    }

    @Test func gidAndGroupMustBothMatch() {
        // group "agents" is gid 500; the rule also says gid 600.
        let m = PolicyMatcher(rules: [rule { $0.gid = 600; $0.group = "agents" }], userIDs: [:], groupIDs: [0: 500])
        #expect(m.rule(for: peer(uid: 1000, groups: [600]), name: "bot") == nil)
        #expect(m.rule(for: peer(uid: 1000, groups: [500]), name: "bot") == nil)
        #expect(m.rule(for: peer(uid: 1000, groups: [500, 600]), name: "bot") != nil)
    }

    @Test func everySelectorKindCountsTogether() {
        let m = PolicyMatcher(rules: [rule { $0.uid = 1000; $0.group = "agents"; $0.names = ["bot-*"] }],
                              userIDs: [:], groupIDs: [0: 500])
        #expect(m.rule(for: peer(uid: 1000, groups: [500]), name: "bot-1") != nil)
        #expect(m.rule(for: peer(uid: 1000, groups: [501]), name: "bot-1") == nil)
        #expect(m.rule(for: peer(uid: 1001, groups: [500]), name: "bot-1") == nil)
        #expect(m.rule(for: peer(uid: 1000, groups: [500]), name: "other") == nil)
    }

    @Test func anUnknownUserOrGroupMatchesNobody() {
        let m = PolicyMatcher(rules: [rule { $0.uid = 1000; $0.user = "nosuchuser" },
                                      rule { $0.gid = 100; $0.group = "nosuchgroup" }],
                              userIDs: [:], groupIDs: [:])
        #expect(m.rule(for: peer(uid: 1000, gid: 100), name: "bot") == nil)
    }

    @Test func rootIsAdmittedWithoutARuleAndShapedByOneThatMatches() {
        let limited = rule { $0.uid = 0; $0.maximumSessions = 2 }
        #expect(PolicyMatcher(rules: [], userIDs: [:], groupIDs: [:]).rule(for: peer(uid: 0), name: "x")?.maximumSessions == 4096)
        #expect(PolicyMatcher(rules: [limited], userIDs: [:], groupIDs: [:]).rule(for: peer(uid: 0), name: "x")?.maximumSessions == 2)
    }
}
