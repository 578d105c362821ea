import CInputMuxShim
import Glibc
import InputMuxHarness
import InputMuxCore
import InputMuxLinux

/// Reads devices back the way compositors do: through libinput's own tools.
enum LibinputTests {
    static func libinputTool() throws -> String {
        guard let path = HarnessFiles.which("libinput") else {
            throw TestFailure("the libinput tool is missing: install libinput-tools in the guest")
        }
        return path
    }

    /// `libinput list-devices`, as one dictionary per device ("Device", "Kernel", "Capabilities", ...).
    static func listDevices(tool: String) throws -> [[String: String]] {
        let lines = try ChildProcess.outputLines(tool, ["list-devices"])
        var devices: [[String: String]] = []
        var current: [String: String] = [:]
        for line in lines + [""] {
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) {
                if !current.isEmpty { devices.append(current); current = [:] }
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { continue }
            current[String(line[..<colon])] = String(line[line.index(after: colon)...].drop { $0 == " " || $0 == "\t" })
        }
        return devices
    }

    static func listDevices() throws {
        let tool = try libinputTool()
        let agents = try AgentDevices(name: "li", session: SessionID(11), desktop: AgentDeviceTests.desktop)
        defer { agents.destroy() }
        let devices = try listDevices(tool: tool)
        func block(_ node: String) throws -> [String: String] {
            guard let b = devices.first(where: { $0["Kernel"] == node }) else {
                throw TestFailure("libinput list-devices does not list \(node); it lists \(devices.compactMap { $0["Device"] })")
            }
            return b
        }
        let p = try block(agents.pointer.devnode), k = try block(agents.keyboard.devnode)
        try expectEqual(p["Device"], agents.pointer.name, "libinput's name of the pointer")
        let pcaps = p["Capabilities"] ?? ""
        try expect(pcaps.contains("pointer") && !pcaps.contains("touch") && !pcaps.contains("tablet"),
                   "pointer capabilities are '\(pcaps)', expected a plain pointer")
        try expect(k["Capabilities"]?.contains("keyboard") == true, "keyboard capabilities are '\(k["Capabilities"] ?? "")'")
    }

    /// Numbers in `s`, in order (handles "25.00/ 25.00" and "15.00/120.0*").
    static func numbers(_ s: Substring) -> [Double] {
        var out: [Double] = [], cur = ""
        for ch in s + " " {
            if ch.isNumber || ch == "." || (ch == "-" && cur.isEmpty) { cur.append(ch) } else {
                if let v = Double(cur) { out.append(v) }
                cur = ""
            }
        }
        return out
    }

    /// The text after the event's time stamp (`+1.234s`).
    static func payload(_ line: String) -> Substring {
        // The header is "-event5   TYPE  +1.234s\t"; the payload follows the first token "+…s".
        let tokens = line.split(separator: " ", omittingEmptySubsequences: true)
        guard let t = tokens.firstIndex(where: { $0.hasPrefix("+") && $0.contains("s") }) else { return Substring(line) }
        let afterTime = tokens[t].split(separator: "s", maxSplits: 1, omittingEmptySubsequences: false)
        let rest = (afterTime.count > 1 ? [afterTime[1]] : []) + tokens[(t + 1)...]
        return Substring(rest.joined(separator: " "))
    }

    static func debugEvents(tool: String, node: String, write: () throws -> Void, until done: ([String]) -> Bool) throws -> [String] {
        let p = try ChildProcess(tool, ["debug-events", "--show-keycodes", "--device", node], error: .standardOutput)
        guard p.waitForLine(timeout: .seconds(20), { $0.contains("DEVICE_ADDED") }) != nil else {
            p.kill()
            throw TestFailure("libinput debug-events never added \(node); it printed: \(p.lines.suffix(5))")
        }
        try write()
        let start = MonotonicClock.now()
        while !done(p.lines) && MonotonicClock.now() - start < .seconds(10) { p.readLines(timeout: .milliseconds(100)) }
        p.stop()
        return p.lines
    }

    static func debugEvents() throws {
        let tool = try libinputTool()
        let agents = try AgentDevices(name: "li", session: SessionID(12), desktop: AgentDeviceTests.desktop)
        defer { agents.destroy() }

        let lines = try debugEvents(tool: tool, node: agents.pointer.devnode, write: {
            for f in AgentDeviceTests.pointerFrames {
                try agents.pointer.write(f)
                MonotonicClock.sleep(.milliseconds(20))
            }
        }, until: { lines in lines.filter { $0.contains("POINTER_MOTION_ABSOLUTE") }.count >= 2 })

        let motions = lines.filter { $0.contains("POINTER_MOTION_ABSOLUTE") }.map { numbers(payload($0)) }
        guard motions.count >= 2, motions[0].count >= 2, motions[1].count >= 2 else {
            throw TestFailure("libinput reported no absolute motion; output: \(lines.suffix(12))")
        }
        // libinput scales to a 100-unit screen: (500,250) of 2000x1000 is 25%/25%; the far corner ~100%.
        try expect(Swift.abs(motions[0][0] - 25) < 0.2 && Swift.abs(motions[0][1] - 25) < 0.2,
                   "absolute move to 500,250 of 2000x1000 read back as \(motions[0]) (expected 25.00/25.00)")
        try expect(motions[1][0] > 99.8 && motions[1][1] > 99.8, "move to the far corner read back as \(motions[1])")

        for (name, code) in [("BTN_LEFT", 272), ("BTN_RIGHT", 273), ("BTN_MIDDLE", 274), ("BTN_SIDE", 275), ("BTN_EXTRA", 276)] {
            for state in ["pressed", "released"] {
                try expect(lines.contains { $0.contains("POINTER_BUTTON") && $0.contains("\(name) (\(code)) \(state)") },
                           "libinput did not report \(name) \(state); output: \(lines.filter { $0.contains("BUTTON") })")
            }
        }
        let wheels = lines.filter { $0.contains("POINTER_SCROLL_WHEEL") }.map { numbers(payload($0)) }
        // "vert V/V120 horiz H/H120": libinput's vertical axis is positive downwards.
        try expect(wheels.contains { $0.count >= 4 && $0[0] > 0 && $0[1] == 120 && $0[2] == 0 },
                   "wheel down did not read back as vertical +120 (down); wheel lines: \(lines.filter { $0.contains("SCROLL") })")
        try expect(wheels.contains { $0.count >= 4 && $0[0] == 0 && $0[2] > 0 && $0[3] == 120 },
                   "horizontal wheel right did not read back as horizontal +120; wheel lines: \(lines.filter { $0.contains("SCROLL") })")

        let keyLines = try debugEvents(tool: tool, node: agents.keyboard.devnode, write: {
            for f in AgentDeviceTests.keyboardFrames {
                try agents.keyboard.write(f)
                MonotonicClock.sleep(.milliseconds(20))
            }
        }, until: { lines in lines.contains { $0.contains("KEY_F12 (88) released") } })
        for expected in ["KEY_A (30) pressed", "KEY_A (30) released", "KEY_LEFTSHIFT (42) pressed", "KEY_B (48) pressed",
                         "KEY_B (48) released", "KEY_LEFTSHIFT (42) released", "KEY_F12 (88) pressed", "KEY_F12 (88) released"] {
            try expect(keyLines.contains { $0.contains("KEYBOARD_KEY") && $0.contains(expected) },
                       "libinput did not report '\(expected)'; output: \(keyLines.suffix(10))")
        }
    }

    static func cloneTouchpad() throws {
        let tool = try libinputTool()
        let human = try UinputDevice(HumanDevices.touchpad("li"))
        let device = try PhysicalDevice(path: human.devnode)
        let clone = try PassthroughClone(of: device)
        let devices = try listDevices(tool: tool)
        guard let original = devices.first(where: { $0["Kernel"] == human.devnode }),
              let twin = devices.first(where: { $0["Kernel"] == clone.devnode }) else {
            throw TestFailure("libinput list-devices lacks \(human.devnode) or \(clone.devnode)")
        }
        try expect(original["Capabilities"]?.contains("gesture") == true,
                   "libinput does not take the test touchpad for a touchpad: \(original)")
        for (key, value) in original where key != "Kernel" && key != "Group" {
            try expectEqual(twin[key], value, "libinput's '\(key)' of the clone")
        }
    }
}
