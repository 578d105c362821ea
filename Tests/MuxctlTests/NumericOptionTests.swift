import ArgumentParser
import Testing

@testable import muxctl

/// Second counts that would trap the conversion to milliseconds are usage errors
/// (issue 15, "Small traps").
@Suite struct NumericOptionTests {
    @Test("bad --timeout and --ttl are usage errors naming the option", arguments: [
        (["agent", "--name", "a", "--timeout", "1e300", "click", "1", "2"], "--timeout"),
        (["agent", "--name", "a", "--ttl", "1e300", "click", "1", "2"], "--ttl"),
        (["agent", "--name", "a", "--ttl", "nan", "click", "1", "2"], "--ttl"),
        (["agent", "--name", "bot\u{1B}[2J", "click", "1", "2"], "--name"),
        (["agent", "--name", String(repeating: "é", count: 33), "click", "1", "2"], "--name"),
    ])
    func rejected(args: [String], option: String) {
        do {
            _ = try MuxctlCommand.parseAsRoot(args)
            Issue.record("\(args) parsed")
        } catch {
            #expect(MuxctlCommand.exitCode(for: error) != .success)
            #expect(MuxctlCommand.fullMessage(for: error).contains(option), "\(MuxctlCommand.fullMessage(for: error))")
        }
    }

    @Test func aDayIsAccepted() throws {
        _ = try MuxctlCommand.parseAsRoot(["agent", "--name", "a", "--timeout", "86400", "--ttl", "0.5", "click", "1", "2"])
    }
}
