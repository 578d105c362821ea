import InputMuxCore
import Testing

@testable import InputMuxConfiguration

private func keyName(_ n: String) -> KeyCode? {
    ["KEY_ESC": .esc, "KEY_LEFTCTRL": .leftCtrl, "KEY_BACKSPACE": .backspace, "KEY_ENTER": .enter][n]
}

private func problems(_ text: String) -> [ConfigurationError.Problem] {
    do {
        _ = try ConfigurationLoader.parse(text, file: "test.toml", keyName: keyName)
        return []
    } catch {
        return error.problems
    }
}

@Suite struct ConfigurationTests {
    @Test func anEmptyFileGivesTheDocumentedDefaults() throws {
        let c = try ConfigurationLoader.parse("", keyName: keyName)
        #expect(c.desktop == Region(x: 0, y: 0, width: 1920, height: 1080))
        #expect(c.quietPeriod == .seconds(1))
        #expect(c.keymap.layout == "us")
        #expect(c.sockets.agentPath == "/run/inputmux/agent.sock")
        #expect(c.audit.textInClear == false)
        #expect(c.policies.isEmpty)
    }

    @Test func aFullFileIsRead() throws {
        let text = """
            [desktop]
            width = 2560
            height = 1440

            [keymap]
            layout = "fr"

            [pacing]
            minimum_hold_ms = 12
            typing_hold_ms = 11
            typing_interval_ms = 5

            [human]
            quiet_period_ms = 750
            pause = "all"

            [panic]
            chord = ["KEY_LEFTCTRL", "KEY_ESC"]

            [[sensitive]]
            name = "password manager"
            region = "0,0,400x300"

            [[policy]]
            uid = 1000
            names = ["claude-*", "codex"]
            regions = ["0,0,1280x1440", [1280, 0, 1280, 1440]]
            rights = ["agent", "supervise"]
            max_sessions = 3
            rate_per_second = 100
            """
        let c = try ConfigurationLoader.parse(text, keyName: keyName)
        #expect(c.desktop.width == 2560)
        #expect(c.keymap.layout == "fr")
        #expect(c.pacing.minimumHold == .milliseconds(12))
        #expect(c.pacing.typingHold == .milliseconds(11))
        #expect(c.pacing.typingInterval == .milliseconds(5))
        #expect(c.quietPeriod == .milliseconds(750))
        #expect(c.humanPause == .all)
        #expect(c.panicChord.keys == [.leftCtrl, .esc])
        #expect(c.sensitiveRegions == [.init(name: "password manager", region: Region(x: 0, y: 0, width: 400, height: 300))])
        let rule = try #require(c.policies.first)
        #expect(rule.uid == 1000)
        #expect(rule.regions == [Region(x: 0, y: 0, width: 1280, height: 1440), Region(x: 1280, y: 0, width: 1280, height: 1440)])
        #expect(rule.rights == [.agent, .supervise, .capture])
        #expect(rule.maximumSessions == 3)
        #expect(rule.rate?.perSecond == 100)
        #expect(rule.allows(name: "claude-7"))
        #expect(rule.allows(name: "codex"))
        #expect(!rule.allows(name: "codex-2"))
    }

    @Test func errorsNameTheLineAndTheKey() {
        let text = """
            [desktop]
            width = -5

            [pacing]
            minimum_hold_ms = 15
            typo_ms = 3

            [[policy]]
            uid = 1000

            [[policy]]
            names = ["x"]
            """
        let p = problems(text)
        #expect(p.contains { $0.line == 2 && $0.key == "desktop.width" && $0.message.contains("1…32767") })
        #expect(p.contains { $0.line == 6 && $0.key == "pacing.typo_ms" && $0.message.contains("unknown key") })
        #expect(p.contains { $0.line == 11 && $0.key == "policy[1]" && $0.message.contains("selector") })
        #expect(p.count == 3)
    }

    @Test func syntaxErrorsCarryTheParserLine() {
        let p = problems("[desktop]\nwidth = = 3\n")
        #expect(p.count == 1)
        #expect(p.first?.line == 2)
        #expect(p.first?.message.contains("not valid TOML") == true)
    }

    @Test func regionsAndChordsAreChecked() {
        let p = problems("""
            [panic]
            chord = ["KEY_ESC", "KEY_NOPE"]

            [[sensitive]]
            region = "0,0,0x10"

            [[policy]]
            uid = 1
            regions = ["1900,0,100x100"]
            rights = ["root"]
            """)
        #expect(p.contains { $0.key == "panic.chord" && $0.message.contains("KEY_NOPE") && $0.line == 2 })
        #expect(p.contains { $0.key == "sensitive[0].region" && $0.line == 5 })
        #expect(p.contains { $0.key == "policy[0].regions" && $0.message.contains("inside the desktop") && $0.line == 9 })
        #expect(p.contains { $0.key == "policy[0].rights" && $0.message.contains("root") && $0.line == 10 })
    }

    @Test func allowMachineKeysNamesChordsAndRefusesKeysOffTheAgentKeyboard() throws {
        let c = try ConfigurationLoader.parse("""
            [[policy]]
            uid = 1000
            allow_machine_keys = ["ctrl+alt+f2", "CTRL+ALT+F3"]
            """, keyName: keyName)
        #expect(c.policies.first?.allowMachineKeys == ["ctrl+alt+f2", "ctrl+alt+f3"])
        #expect(c.policies.first?.sessionPolicy(textInClear: false).allowedMachineChords == ["ctrl+alt+f2", "ctrl+alt+f3"])
        let p = problems("""
            [[policy]]
            uid = 1000

            [[policy]]
            uid = 1001
            allow_machine_keys = ["ctrl+alt+f13", "KEY_POWER"]
            """)
        #expect(p.contains { $0.line == 6 && $0.key == "policy[1].allow_machine_keys" && $0.message.contains("unknown machine chord \"ctrl+alt+f13\"")
                             && $0.message.contains("ctrl+alt+delete") })
        #expect(p.contains { $0.line == 6 && $0.message.contains("KEY_POWER") && $0.message.contains("no rule can allow it") })
        #expect(p.count == 2)
    }

    @Test func withoutAKeyNameTableTheChordIsLeftToTheDaemon() throws {
        let text = "[panic]\nchord = [\"KEY_ESC\", \"KEY_WHATEVER\"]\n[sockets]\nagent = \"/run/x/agent.sock\"\n"
        let c = try ConfigurationLoader.parse(text, keyName: nil)
        #expect(c.sockets.agentPath == "/run/x/agent.sock")
        #expect(c.panicChord == PanicChord.standard)
        #expect(throws: ConfigurationError.self) { try ConfigurationLoader.parse("[panic]\nchord = [\"KEY_ESC\"]\n", keyName: nil) }
    }

    @Test func theWaylandSectionNamesTheCompositorAndWhereItIs() throws {
        let c = try ConfigurationLoader.parse("""
            [wayland]
            compositor = "sway"
            socket = "/run/user/1000/sway-ipc.1000.42.sock"
            display = "/run/user/1000/wayland-1"
            """, keyName: keyName)
        #expect(c.wayland == .init(compositor: .sway, socket: "/run/user/1000/sway-ipc.1000.42.sock", display: "/run/user/1000/wayland-1"))
        #expect(try ConfigurationLoader.parse("", keyName: keyName).wayland.compositor == .none)
        #expect(c.wayland.seats)
        #expect(try ConfigurationLoader.parse("[wayland]\nseats = false", keyName: keyName).wayland.seats == false)
        #expect(problems("[wayland]\nseats = \"yes\"").contains { $0.key == "wayland.seats" })
        #expect(problems("[wayland]\ncompositor = \"kwin\"").contains { $0.key == "wayland.compositor" && $0.message.contains("\"sway\"") })
        #expect(problems("[wayland]\nsocket = \"sway.sock\"").contains { $0.key == "wayland.socket" })
        #expect(problems("[wayland]\ncompositor = \"sway\"\n[x11]\nenabled = true").contains {
            $0.key == "wayland.compositor" && $0.message.contains("one window-system adapter at a time")
        })
    }

    @Test func theX11SectionIsReadAndXTestNeedsIt() throws {
        let c = try ConfigurationLoader.parse("""
            [output]
            mode = "xtest"
            [x11]
            enabled = true
            display = ":99"
            xauthority = "/run/user/1000/Xauthority"
            pause_on_foreign_input = true
            seats = false
            """, keyName: keyName)
        #expect(c.output == .xtest)
        #expect(c.x11 == .init(enabled: true, display: ":99", xauthority: "/run/user/1000/Xauthority", pauseOnForeignInput: true, seats: false))
        #expect(problems("[human]\npause = \"some\"").contains { $0.key == "human.pause" && $0.message.contains("\"touched\"") })
        let p = problems("""
            [output]
            mode = "xtest"

            [x11]
            display = "99"
            xauthority = "Xauthority"
            colour = 3
            """)
        #expect(p.contains { $0.line == 2 && $0.key == "output.mode" && $0.message.contains("[x11] enabled = true") })
        #expect(p.contains { $0.line == 5 && $0.key == "x11.display" && $0.message.contains("\":0\"") })
        #expect(p.contains { $0.line == 6 && $0.key == "x11.xauthority" && $0.message.contains("absolute") })
        #expect(p.contains { $0.line == 7 && $0.key == "x11.colour" && $0.message.contains("unknown key") })
        #expect(p.count == 4)
    }

    @Test func theErrorDescriptionIsFileLineKeyMessage() {
        let e = ConfigurationError(file: "/etc/inputmux/inputmux.toml",
                                   problems: [.init(line: 4, key: "desktop.width", message: "must be an integer")])
        #expect(e.description == "/etc/inputmux/inputmux.toml:4: desktop.width: must be an integer")
    }

    @Test func regionSyntax() {
        #expect(RegionSyntax.parse("10,20,300x400") == Region(x: 10, y: 20, width: 300, height: 400))
        #expect(RegionSyntax.parse("10, 20, 300x400") == Region(x: 10, y: 20, width: 300, height: 400))
        #expect(RegionSyntax.parse("10,20,300") == nil)
        #expect(RegionSyntax.parse("10,20,0x400") == nil)
        #expect(RegionSyntax.parse("a,20,3x4") == nil)
    }

    @Test func globs() {
        #expect(Glob.matches(pattern: "*", "anything"))
        #expect(Glob.matches(pattern: "agent-?", "agent-1"))
        #expect(!Glob.matches(pattern: "agent-?", "agent-12"))
        #expect(Glob.matches(pattern: "a*b*c", "aXXbYYc"))
        #expect(!Glob.matches(pattern: "a*b*c", "aXXbYY"))
    }
}
