import Foundation
import InputMuxCore
import Testing

@testable import InputMuxConfiguration

/// The commented default configuration at the top of the repository (installed as
/// /etc/inputmux/inputmux.toml) must parse, and must say what the loader's defaults
/// are: "every key is set to its default" is a promise the file makes to its reader.
@Suite struct DefaultConfigTests {
    static let path = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("inputmux.toml").path

    /// The key names the file's panic chord uses.
    static func keyName(_ n: String) -> KeyCode? {
        ["KEY_BACKSPACE": .backspace, "KEY_ESC": .esc, "KEY_ENTER": .enter][n]
    }

    static func load() throws -> Configuration {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try ConfigurationLoader.parse(text, file: path, keyName: keyName)
    }

    @Test func parses() throws {
        _ = try Self.load()
    }

    @Test func statesTheDocumentedValues() throws {
        let c = try Self.load()
        #expect(c.desktop == Region(x: 0, y: 0, width: 1920, height: 1080))
        #expect(c.keymap == .init(layout: "us", variant: "", model: "pc105", options: ""))
        #expect(c.pacing == Pacing(
            minimumHold: .milliseconds(15), doubleClickInterval: .milliseconds(60),
            typingHold: .milliseconds(10), typingInterval: .milliseconds(2), moveSettle: .milliseconds(10),
            dragStepInterval: .milliseconds(8), dragStepPixels: 32,
            scrollStepInterval: .milliseconds(10), pixelsPerNotch: 50))
        #expect(c.quietPeriod == .milliseconds(1000))
        #expect(c.panicChord.keys == [.backspace, .esc, .enter])
        #expect(c.leases.defaultTTL == .seconds(30))
        #expect(c.leases.maximumTTL == .seconds(300))
        #expect(c.leases.maximumHold == .seconds(3600))
        #expect(c.limits.rate == RateLimit(burst: 60, perSecond: 30))
        #expect(c.limits.maximumTextLength == 4096)
        #expect(c.limits.maximumPathPoints == 1024)
        #expect(c.limits.maximumFrameEvents == 64)
        #expect(c.limits.maximumMessageBytes == 65536)
        #expect(c.limits.maximumInFlight == 32)
        #expect(c.limits.maximumOutboundBytes == 1_048_576)
        #expect(c.limits.maximumProtocolErrors == 64)
        #expect(c.limits.maximumLeasesPerSession == 8)
        #expect(c.limits.maximumGestureDuration == .seconds(30))
        #expect(c.sensitiveRegions.isEmpty)
        #expect(c.sockets.agentPath == "/run/inputmux/agent.sock")
        #expect(c.sockets.controlPath == "/run/inputmux/control.sock")
        #expect(c.sockets.agentGroup == "inputmux")
        #expect(c.sockets.controlGroup == "inputmux-admin")
        #expect(c.audit.path == "/var/log/inputmux/audit.jsonl")
        #expect(c.audit.maximumBytes == 16 * 1024 * 1024)
        #expect(c.audit.keepFiles == 8)
        #expect(c.audit.textInClear == false)
        #expect(c.audit.keyPath == "/var/lib/inputmux/audit.key")
        #expect(c.output == .uinput)
        #expect(c.x11 == .init(enabled: false, display: "", xauthority: "", pauseOnForeignInput: false, seats: true))
        #expect(c.humanPause == .touched)
        // Out of the box nobody but root is admitted: the sample rule is commented out.
        #expect(c.policies.isEmpty)
    }

    /// Every value the file writes out is the loader's own default, so installing the
    /// file changes nothing and deleting a key from it changes nothing either.
    @Test func equalsAnEmptyFile() throws {
        let file = try Self.load()
        let empty = try ConfigurationLoader.parse("", keyName: Self.keyName)
        #expect(file.desktop == empty.desktop)
        #expect(file.keymap == empty.keymap)
        #expect(file.pacing == empty.pacing)
        #expect(file.quietPeriod == empty.quietPeriod)
        #expect(file.panicChord.keys == empty.panicChord.keys)
        #expect(file.leases == empty.leases)
        #expect(file.limits == empty.limits)
        #expect(file.sockets == empty.sockets)
        #expect(file.audit == empty.audit)
        #expect(file.output == empty.output)
        #expect(file.x11 == empty.x11)
    }

    /// The commented samples are meant to be uncommented: with their leading "# "
    /// removed they must parse too, and say what their comments say.
    @Test func theSamplesParseWhenUncommented() throws {
        var text = try String(contentsOfFile: Self.path, encoding: .utf8)
        for header in ["[[sensitive]]", "[[policy]]"] {
            let start = try #require(text.range(of: "# " + header))
            var rest = text[start.lowerBound...]
            var block: [Substring] = []
            while let line = rest.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first,
                  line.hasPrefix("# ") {
                block.append(line.dropFirst(2))
                rest = rest.dropFirst(line.count + 1)
            }
            text.replaceSubrange(start.lowerBound..<rest.startIndex, with: block.joined(separator: "\n") + "\n")
        }
        let c = try ConfigurationLoader.parse(text, file: "uncommented", keyName: Self.keyName)
        #expect(c.sensitiveRegions == [.init(name: "password manager", region: Region(x: 1440, y: 0, width: 480, height: 1080),
                                             capture: .deny)])
        let rule = try #require(c.policies.first)
        #expect(rule.uid == 1000)
        #expect(rule.allows(name: "claude-3"))
        #expect(rule.allows(name: "codex"))
        #expect(!rule.allows(name: "other"))
        #expect(rule.regions == [Region(x: 0, y: 0, width: 960, height: 1080)])
        #expect(rule.rights == .agent)  // the sample's `capture = false`
        #expect(rule.maximumSessions == 8)
        #expect(rule.rate == RateLimit(burst: 60, perSecond: 30))
    }
}
