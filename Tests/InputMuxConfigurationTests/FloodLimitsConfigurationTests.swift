import InputMuxCore
import Testing

@testable import InputMuxConfiguration

/// The limits issue 15 added: leases per session and gesture duration.
@Suite struct FloodLimitsConfigurationTests {
    @Test func leaseCapAndGestureDurationAreRead() throws {
        let c = try ConfigurationLoader.parse("[limits]\nmax_leases_per_session = 3\nmax_gesture_ms = 5000\n", keyName: nil)
        #expect(c.limits.maximumLeasesPerSession == 3)
        #expect(c.limits.maximumGestureDuration == .seconds(5))
    }

    @Test func outOfRangeValuesAreRefusedWithTheKey() {
        for text in ["[limits]\nmax_leases_per_session = 0\n", "[limits]\nmax_gesture_ms = 5\n"] {
            do {
                _ = try ConfigurationLoader.parse(text, file: "test.toml", keyName: nil)
                Issue.record("accepted: \(text)")
            } catch {
                #expect(error.problems.contains { $0.key.hasPrefix("limits.max_") }, "\(error.problems)")
            }
        }
    }
}
