import Testing

@testable import InputMuxClient

@Suite("Key names")
struct KeyNamesTests {
    @Test("xdotool syntax passes through", arguments: [
        "ctrl+shift+t", "Return", "KP_0", "a", "A", "F5", "super+Left", "Tab", "BackSpace", "KEY_ESC", "alt+F4", "XF86AudioMute",
    ])
    func xdotoolPassesThrough(chord: String) throws {
        #expect(try KeyNames.normalize(chord) == chord)
    }

    @Test("OpenAI and other spellings become the daemon's names", arguments: [
        ("CTRL+ENTER", "ctrl+Return"), ("ARROWLEFT", "Left"), ("SPACE", "space"), ("BACKSPACE", "BackSpace"),
        ("ESC", "Escape"), ("CMD+c", "super+c"), ("META", "super"), ("Control+Shift+t", "ctrl+shift+t"),
        ("option+tab", "alt+Tab"), ("PAGEDOWN", "Next"), ("f12", "F12"), ("ctrl++", "ctrl+plus"), ("DELETE", "Delete"),
        (" ctrl + s ", "ctrl+s"), ("win+e", "super+e"),
    ])
    func normalized(pair: (String, String)) throws {
        #expect(try KeyNames.normalize(pair.0) == pair.1)
    }

    @Test("an OpenAI key list is one chord; a single letter is that key")
    func openAIList() throws {
        #expect(try KeyNames.normalize(openAIKeys: ["CTRL", "A"]) == "ctrl+a")
        #expect(try KeyNames.normalize(openAIKeys: ["CTRL", "SHIFT", "T"]) == "ctrl+shift+t")
        #expect(try KeyNames.normalize(openAIKeys: ["ENTER"]) == "Return")
        #expect(try KeyNames.normalize(openAIKeys: ["CMD", "/"]) == "super+slash")
        #expect(try KeyNames.normalize(openAIKeys: ["ctrl", "+"]) == "ctrl+plus")
        #expect(throws: InputMuxError.self) { try KeyNames.normalize(openAIKeys: []) }
    }

    @Test("an empty name is bad input with an example", arguments: ["", "+ +", "ctrl+ +"])
    func empty(chord: String) {
        let e = #expect(throws: InputMuxError.self) { try KeyNames.normalize(chord) }
        #expect(e?.code == .badInput)
        #expect(e?.message.contains("ctrl+s") == true)
    }
}
