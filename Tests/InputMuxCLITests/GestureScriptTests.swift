import InputMuxCLI
import InputMuxClient
import InputMuxRelay
import Testing

@Suite struct GestureScriptTests {
    func one(_ line: String) throws -> AgentAction? { try GestureScript.parse(line: line) }

    @Test func pointerGestures() throws {
        #expect(try one("move 100 200") == .move(Point(x: 100, y: 200)))
        #expect(try one("click 100 200") == .click(at: Point(x: 100, y: 200), button: .left, count: 1, modifiers: []))
        #expect(try one("click") == .click(at: nil, button: .left, count: 1, modifiers: []))
        #expect(try one("  CLICK 5 6 button=right count=2 modifiers=ctrl+shift") ==
            .click(at: Point(x: 5, y: 6), button: .right, count: 2, modifiers: ["ctrl", "shift"]))
        #expect(try one("down 1 2 button=middle") == .mouseDown(at: Point(x: 1, y: 2), button: .middle))
        #expect(try one("up") == .mouseUp(at: nil, button: .left))
        #expect(try one("drag 10 10 50 60 300 300 mods=alt") ==
            .drag(path: [Point(x: 10, y: 10), Point(x: 50, y: 60), Point(x: 300, y: 300)], button: .left, modifiers: ["alt"]))
        #expect(try one("scroll 500 500 dy=3") == .scroll(at: Point(x: 500, y: 500), dx: 0, dy: 3, unit: .notches))
        #expect(try one("scroll dx=-120 unit=pixels") == .scroll(at: nil, dx: -120, dy: 0, unit: .pixels))
    }

    @Test func keyboardGesturesAndWaits() throws {
        #expect(try one("key ctrl+s") == .key("ctrl+s", repeat: 1))
        #expect(try one("key Return repeat=3") == .key("Return", repeat: 3))
        #expect(try one("keydown shift") == .keyDown("shift"))
        #expect(try one("keyup shift") == .keyUp("shift"))
        #expect(try one("hold shift 500") == .hold("shift", milliseconds: 500))
        #expect(try one("wait 250") == .wait(milliseconds: 250))
    }

    @Test func typeKeepsTheRestOfTheLineVerbatim() throws {
        #expect(try one("type hello, world") == .type("hello, world"))
        #expect(try one("type   two leading spaces") == .type("  two leading spaces"))
        #expect(try one("type a=b  c ") == .type("a=b  c "))
        #expect(try one("type line\\nnext\\ttab \\\\n") == .type("line\nnext\ttab \\n"))
        #expect(try one("type x\r") == .type("x"))
    }

    @Test func commentsAndBlankLinesAreSkipped() throws {
        #expect(try one("") == nil)
        #expect(try one("   ") == nil)
        #expect(try one("# click 1 2") == nil)
        let lines = try GestureScript.parse(script: "# setup\nmove 1 2\n\nclick\n")
        #expect(lines.map { $0.line } == [2, 4])
    }

    @Test(arguments: [
        ("jump 1 2", "unknown gesture \"jump\""),
        ("move", "move: give X Y"),
        ("move 1", "only 1"),
        ("move 1 x", "two integers"),
        ("click 1 2 button=thumb", "button \"thumb\""),
        ("click 1 2 count=4", "count is 1, 2 or 3"),
        ("click 1 2 colour=red", "unknown option colour="),
        ("click 1 2 3 4", "unexpected \"3\""),
        ("drag 1 2", "at least two points"),
        ("scroll 1 2", "give dx or dy"),
        ("key", "give a chord"),
        ("keydown ctrl+s", "exactly one key"),
        ("hold shift", "duration in milliseconds"),
        ("wait soon", "duration in milliseconds"),
        ("type", "give the text"),
        ("type bad\\q", "unknown escape"),
        ("click count=2 count=3", "given twice"),
    ])
    func badLinesSayWhatIsWrong(_ line: String, _ expected: String) {
        #expect {
            try GestureScript.parse(line: line)
        } throws: { error in
            guard let e = error as? CLIError, e.status == .badInput else { return false }
            return e.message.contains(expected)
        }
    }

    @Test func aBadLineStopsTheWholeScriptNamingItsLine() {
        #expect {
            try GestureScript.parse(script: "move 1 2\nclick 3 4\nclick 5\n")
        } throws: { error in
            (error as? CLIError)?.message.hasPrefix("line 3: click:") == true
        }
    }
}
