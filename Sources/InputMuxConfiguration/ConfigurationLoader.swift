import Foundation
import InputMuxCore
import TOMLKit

/// Reads and validates `inputmux.toml`. All problems are collected, so one start
/// attempt shows every mistake in the file, each with its line.
public enum ConfigurationLoader {
    public static let defaultPath = "/etc/inputmux/inputmux.toml"

    /// Parses `text` (the contents of `file`). A missing key keeps its default.
    /// `keyName` turns a panic-chord key name (`KEY_ESC`) into a code; the daemon
    /// passes libevdev's table. A reader without that table (muxctl, which reads the
    /// paths and groups) passes nil: the chord's names are then not checked and the
    /// chord keeps its default, and `inputmuxd --check` is what checks them.
    public static func parse(_ text: String, file: String = defaultPath,
                             keyName: ((String) -> KeyCode?)?) throws(ConfigurationError) -> Configuration {
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let e as TOMLParseError {
            throw ConfigurationError(file: file, problems: [
                .init(line: e.source.begin.line, key: "", message: "not valid TOML: \(e.description)"),
            ])
        } catch {
            throw ConfigurationError(file: file, problems: [.init(line: nil, key: "", message: "not valid TOML: \(error)")])
        }
        var r = Reader(index: TOMLLineIndex(text))
        let config = r.configuration(root, keyName: keyName)
        if !r.problems.isEmpty { throw ConfigurationError(file: file, problems: r.problems) }
        return config
    }

    /// Reads `path`; a missing file is an error that says how to create one.
    public static func load(path: String = defaultPath, keyName: ((String) -> KeyCode?)?) throws(ConfigurationError) -> Configuration {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(file: path, problems: [.init(line: nil, key: "",
                message: "cannot read the configuration; install the commented default with `make install` or copy it from the source tree's inputmux.toml")])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError(file: path, problems: [.init(line: nil, key: "", message: "not UTF-8 text")])
        }
        return try parse(text, file: path, keyName: keyName)
    }
}

/// Walks the parsed document, keeping the path of what it reads for error lines.
private struct Reader {
    let index: TOMLLineIndex
    var problems: [ConfigurationError.Problem] = []

    mutating func fail(_ key: String, _ message: String) {
        problems.append(.init(line: index.line(of: key), key: key, message: message))
    }

    /// Rejects keys this version does not know, so a typo never silently keeps a default.
    mutating func onlyKnown(_ table: TOMLTable, at path: String, _ known: [String]) {
        for key in table.keys where !known.contains(key) {
            let full = path.isEmpty ? key : "\(path).\(key)"
            fail(full, "unknown key; expected one of: \(known.joined(separator: ", "))")
        }
    }

    mutating func table(_ parent: TOMLTable, _ key: String, at path: String) -> TOMLTable? {
        guard let v = parent[key] else { return nil }
        guard let t = v.table else { fail(join(path, key), "must be a table ([\(join(path, key))])"); return nil }
        return t
    }

    mutating func int(_ t: TOMLTable, _ key: String, at path: String, in range: ClosedRange<Int>) -> Int? {
        guard let v = t[key] else { return nil }
        guard let i = v.int else { fail(join(path, key), "must be an integer"); return nil }
        guard range.contains(i) else {
            fail(join(path, key), "must lie within \(range.lowerBound)…\(range.upperBound) (got \(i))"); return nil
        }
        return i
    }

    mutating func milliseconds(_ t: TOMLTable, _ key: String, at path: String, max: Int) -> Duration? {
        int(t, key, at: path, in: 0...max).map { .milliseconds($0) }
    }

    mutating func string(_ t: TOMLTable, _ key: String, at path: String) -> String? {
        guard let v = t[key] else { return nil }
        guard let s = v.string else { fail(join(path, key), "must be a string"); return nil }
        return s
    }

    mutating func bool(_ t: TOMLTable, _ key: String, at path: String) -> Bool? {
        guard let v = t[key] else { return nil }
        guard let b = v.bool else { fail(join(path, key), "must be true or false"); return nil }
        return b
    }

    mutating func strings(_ t: TOMLTable, _ key: String, at path: String) -> [String]? {
        guard let v = t[key] else { return nil }
        guard let a = v.array else { fail(join(path, key), "must be an array of strings"); return nil }
        var out: [String] = []
        for item in a {
            guard let s = item.string else { fail(join(path, key), "must be an array of strings"); return nil }
            out.append(s)
        }
        return out
    }

    /// A region written `"x,y,WxH"` (as `muxctl` prints it) or `[x, y, w, h]`.
    mutating func region(_ v: TOMLValueConvertible, at key: String) -> Region? {
        if let s = v.string, let r = RegionSyntax.parse(s) { return r }
        if let a = v.array, a.count == 4 {
            let n = a.compactMap { $0.int }
            if n.count == 4, n.allSatisfy({ Int32(exactly: $0) != nil }) {
                return Region(x: Int32(n[0]), y: Int32(n[1]), width: Int32(n[2]), height: Int32(n[3]))
            }
        }
        fail(key, "a region is \"x,y,WxH\" (e.g. \"0,0,960x1080\") or [x, y, w, h]")
        return nil
    }

    mutating func configuration(_ root: TOMLTable, keyName: ((String) -> KeyCode?)?) -> Configuration {
        var c = Configuration()
        onlyKnown(root, at: "", ["desktop", "keymap", "pacing", "human", "panic", "leases", "limits",
                                 "sensitive", "sockets", "audit", "output", "x11", "wayland", "policy"])
        if let t = table(root, "desktop", at: "") {
            onlyKnown(t, at: "desktop", ["x", "y", "width", "height"])
            let x = int(t, "x", at: "desktop", in: -32768...32767) ?? 0
            let y = int(t, "y", at: "desktop", in: -32768...32767) ?? 0
            let w = int(t, "width", at: "desktop", in: 1...32767) ?? Int(c.desktop.width)
            let h = int(t, "height", at: "desktop", in: 1...32767) ?? Int(c.desktop.height)
            c.desktop = Region(x: Int32(x), y: Int32(y), width: Int32(w), height: Int32(h))
        }
        if let t = table(root, "keymap", at: "") {
            onlyKnown(t, at: "keymap", ["layout", "variant", "model", "options"])
            if let s = string(t, "layout", at: "keymap") {
                if s.isEmpty || s.contains(where: { $0 == "/" || $0 == " " }) {
                    fail("keymap.layout", "must be an xkb layout name such as \"us\", \"de\" or \"fr\"")
                } else {
                    c.keymap.layout = s
                }
            }
            c.keymap.variant = string(t, "variant", at: "keymap") ?? c.keymap.variant
            c.keymap.model = string(t, "model", at: "keymap") ?? c.keymap.model
            c.keymap.options = string(t, "options", at: "keymap") ?? c.keymap.options
        }
        if let t = table(root, "pacing", at: "") {
            let p = "pacing"
            onlyKnown(t, at: p, ["minimum_hold_ms", "double_click_interval_ms", "typing_hold_ms", "typing_interval_ms",
                                 "move_settle_ms", "drag_step_interval_ms", "drag_step_pixels",
                                 "scroll_step_interval_ms", "pixels_per_notch", "enabled"])
            var pacing = c.pacing
            if bool(t, "enabled", at: p) == false { pacing = .unpaced }
            pacing.minimumHold = milliseconds(t, "minimum_hold_ms", at: p, max: 1000) ?? pacing.minimumHold
            pacing.doubleClickInterval = milliseconds(t, "double_click_interval_ms", at: p, max: 1000) ?? pacing.doubleClickInterval
            pacing.typingHold = milliseconds(t, "typing_hold_ms", at: p, max: 1000) ?? pacing.typingHold
            pacing.typingInterval = milliseconds(t, "typing_interval_ms", at: p, max: 1000) ?? pacing.typingInterval
            pacing.moveSettle = milliseconds(t, "move_settle_ms", at: p, max: 1000) ?? pacing.moveSettle
            pacing.dragStepInterval = milliseconds(t, "drag_step_interval_ms", at: p, max: 1000) ?? pacing.dragStepInterval
            pacing.scrollStepInterval = milliseconds(t, "scroll_step_interval_ms", at: p, max: 1000) ?? pacing.scrollStepInterval
            pacing.dragStepPixels = int(t, "drag_step_pixels", at: p, in: 0...4096).map(Int32.init) ?? pacing.dragStepPixels
            pacing.pixelsPerNotch = int(t, "pixels_per_notch", at: p, in: 1...4096).map(Int32.init) ?? pacing.pixelsPerNotch
            if let problem = pacing.problem { fail(p, problem) }
            c.pacing = pacing
        }
        if let t = table(root, "human", at: "") {
            onlyKnown(t, at: "human", ["quiet_period_ms", "pause"])
            c.quietPeriod = milliseconds(t, "quiet_period_ms", at: "human", max: 60_000) ?? c.quietPeriod
            if let v = string(t, "pause", at: "human") {
                if let scope = HumanPauseScope(rawValue: v) { c.humanPause = scope } else {
                    fail("human.pause", "must be \"touched\" (on seats of their own, pause only the agents whose lease the human "
                         + "touches) or \"all\" (pause every agent); got \"\(v)\"")
                }
            }
        }
        if let t = table(root, "panic", at: "") {
            onlyKnown(t, at: "panic", ["chord"])
            if let names = strings(t, "chord", at: "panic") {
                var keys: [KeyCode] = []
                for n in names {
                    guard let keyName else { continue }
                    if let k = keyName(n) { keys.append(k) } else {
                        fail("panic.chord", "unknown key \"\(n)\"; use Linux key names such as KEY_LEFTCTRL, KEY_ESC")
                    }
                }
                if names.count < 2 { fail("panic.chord", "needs at least two keys, so no single key panics by accident") }
                if keyName != nil, keys.count == names.count, names.count >= 2 { c.panicChord = PanicChord(keys) }
            }
        }
        if let t = table(root, "leases", at: "") {
            let p = "leases"
            onlyKnown(t, at: p, ["default_ttl_s", "maximum_ttl_s", "maximum_hold_s"])
            c.leases.defaultTTL = int(t, "default_ttl_s", at: p, in: 1...86_400).map { .seconds($0) } ?? c.leases.defaultTTL
            c.leases.maximumTTL = int(t, "maximum_ttl_s", at: p, in: 1...86_400).map { .seconds($0) } ?? c.leases.maximumTTL
            if let s = int(t, "maximum_hold_s", at: p, in: 0...604_800) { c.leases.maximumHold = s == 0 ? nil : .seconds(s) }
            if c.leases.defaultTTL > c.leases.maximumTTL {
                fail("leases.default_ttl_s", "must not exceed maximum_ttl_s")
            }
        }
        if let t = table(root, "limits", at: "") {
            let p = "limits"
            onlyKnown(t, at: p, ["max_message_bytes", "max_in_flight", "max_text_length", "max_path_points",
                                 "max_frame_events", "rate_per_second", "burst", "max_outbound_bytes",
                                 "max_protocol_errors",
                                 "hello_timeout_ms", "max_pending_connections",
                                 "max_leases_per_session", "max_gesture_ms"])
            var l = c.limits
            l.maximumMessageBytes = int(t, "max_message_bytes", at: p, in: 1024...(16 << 20)) ?? l.maximumMessageBytes
            l.maximumInFlight = int(t, "max_in_flight", at: p, in: 1...4096) ?? l.maximumInFlight
            l.maximumTextLength = int(t, "max_text_length", at: p, in: 1...1_000_000) ?? l.maximumTextLength
            l.maximumPathPoints = int(t, "max_path_points", at: p, in: 2...100_000) ?? l.maximumPathPoints
            l.maximumFrameEvents = int(t, "max_frame_events", at: p, in: 1...1024) ?? l.maximumFrameEvents
            l.maximumOutboundBytes = int(t, "max_outbound_bytes", at: p, in: 4096...(256 << 20)) ?? l.maximumOutboundBytes
            l.maximumProtocolErrors = int(t, "max_protocol_errors", at: p, in: 1...1_000_000) ?? l.maximumProtocolErrors
            l.helloTimeout = int(t, "hello_timeout_ms", at: p, in: 100...600_000).map { .milliseconds($0) } ?? l.helloTimeout
            l.maximumPendingConnections = int(t, "max_pending_connections", at: p, in: 1...65_536) ?? l.maximumPendingConnections
            l.maximumLeasesPerSession = int(t, "max_leases_per_session", at: p, in: 1...1024) ?? l.maximumLeasesPerSession
            if let ms = int(t, "max_gesture_ms", at: p, in: 100...3_600_000) { l.maximumGestureDuration = .milliseconds(ms) }
            let rate = int(t, "rate_per_second", at: p, in: 1...1_000_000) ?? l.rate.perSecond
            let burst = int(t, "burst", at: p, in: 1...1_000_000) ?? l.rate.burst
            l.rate = RateLimit(burst: burst, perSecond: rate)
            c.limits = l
        }
        if let v = root["sensitive"] {
            if let a = v.array {
                for (i, item) in a.enumerated() {
                    let p = "sensitive[\(i)]"
                    guard let t = item.table else { fail(p, "each [[sensitive]] entry is a table"); continue }
                    onlyKnown(t, at: p, ["name", "region", "capture"])
                    let name = string(t, "name", at: p) ?? "sensitive region \(i + 1)"
                    guard let rv = t["region"] else { fail(p, "needs region = \"x,y,WxH\""); continue }
                    var capture = SensitiveCapture.approve
                    if let s = string(t, "capture", at: p) {
                        if let v = SensitiveCapture(rawValue: s) { capture = v } else {
                            fail("\(p).capture", "\"\(s)\" is not \"approve\" (an operator approves each lease's captures), "
                                + "\"deny\" (never captured) or \"allow\" (the lease's approval is enough)")
                        }
                    }
                    if let r = region(rv, at: "\(p).region") {
                        c.sensitiveRegions.append(.init(name: name, region: r, capture: capture))
                    }
                }
            } else {
                fail("sensitive", "write sensitive regions as [[sensitive]] tables")
            }
        }
        if let t = table(root, "sockets", at: "") {
            let p = "sockets"
            onlyKnown(t, at: p, ["agent", "control", "agent_group", "control_group"])
            if let s = string(t, "agent", at: p) {
                if s.hasPrefix("/") { c.sockets.agentPath = s } else { fail("\(p).agent", "must be an absolute path") }
            }
            if let s = string(t, "control", at: p) {
                if s.hasPrefix("/") { c.sockets.controlPath = s } else { fail("\(p).control", "must be an absolute path") }
            }
            c.sockets.agentGroup = string(t, "agent_group", at: p) ?? c.sockets.agentGroup
            c.sockets.controlGroup = string(t, "control_group", at: p) ?? c.sockets.controlGroup
        }
        if let t = table(root, "audit", at: "") {
            let p = "audit"
            onlyKnown(t, at: p, ["path", "max_bytes", "keep_files", "text_in_clear", "key_path"])
            if let s = string(t, "path", at: p) {
                if s.hasPrefix("/") { c.audit.path = s } else { fail("audit.path", "must be an absolute path") }
            }
            if let s = string(t, "key_path", at: p) {
                if s.hasPrefix("/") { c.audit.keyPath = s } else { fail("audit.key_path", "must be an absolute path") }
            }
            c.audit.maximumBytes = int(t, "max_bytes", at: p, in: 4096...(1 << 40)) ?? c.audit.maximumBytes
            c.audit.keepFiles = int(t, "keep_files", at: p, in: 1...10_000) ?? c.audit.keepFiles
            c.audit.textInClear = bool(t, "text_in_clear", at: p) ?? c.audit.textInClear
        }
        if let t = table(root, "output", at: "") {
            onlyKnown(t, at: "output", ["mode"])
            if let s = string(t, "mode", at: "output") {
                if let m = Configuration.OutputMode(rawValue: s) { c.output = m } else {
                    fail("output.mode", "must be \"uinput\" or \"xtest\" (got \"\(s)\")")
                }
            }
        }
        if let t = table(root, "x11", at: "") {
            let p = "x11"
            onlyKnown(t, at: p, ["enabled", "display", "xauthority", "pause_on_foreign_input", "seats"])
            c.x11.seats = bool(t, "seats", at: p) ?? c.x11.seats
            c.x11.enabled = bool(t, "enabled", at: p) ?? c.x11.enabled
            if let d = string(t, "display", at: p) {
                if d.isEmpty || d.contains(":") { c.x11.display = d } else {
                    fail("x11.display", "an X display looks like \":0\" or \"host:1.0\" (got \"\(d)\"); leave it empty for $DISPLAY")
                }
            }
            if let a = string(t, "xauthority", at: p) {
                if a.isEmpty || a.hasPrefix("/") { c.x11.xauthority = a } else { fail("x11.xauthority", "must be an absolute path (or empty)") }
            }
            c.x11.pauseOnForeignInput = bool(t, "pause_on_foreign_input", at: p) ?? c.x11.pauseOnForeignInput
        }
        if let t = table(root, "wayland", at: "") {
            let p = "wayland"
            onlyKnown(t, at: p, ["compositor", "socket", "display", "seats"])
            c.wayland.seats = bool(t, "seats", at: p) ?? c.wayland.seats
            if let v = string(t, "compositor", at: p) {
                if let comp = Configuration.WaylandSettings.Compositor(rawValue: v) { c.wayland.compositor = comp } else {
                    fail("wayland.compositor", "must be \"sway\" or empty (no compositor adapter: region leases only); got \"\(v)\"")
                }
            }
            for (key, path) in [("socket", \Configuration.WaylandSettings.socket), ("display", \Configuration.WaylandSettings.display)] {
                guard let v = string(t, key, at: p) else { continue }
                if v.isEmpty || v.hasPrefix("/") { c.wayland[keyPath: path] = v } else {
                    fail("wayland.\(key)", "must be an absolute path (or empty to find it)")
                }
            }
        }
        if c.wayland.compositor != .none && c.x11.enabled {
            fail("wayland.compositor", "one window-system adapter at a time: turn [x11] enabled off, or leave [wayland] compositor empty")
        }
        if c.output == .xtest && !c.x11.enabled {
            fail("output.mode", "output.mode = \"xtest\" injects through the X server: it needs [x11] enabled = true (and display, if $DISPLAY is not set)")
        }
        if let v = root["policy"] {
            if let a = v.array {
                for (i, item) in a.enumerated() {
                    let p = "policy[\(i)]"
                    guard let t = item.table else { fail(p, "each [[policy]] entry is a table"); continue }
                    if let rule = policy(t, at: p, desktop: c.desktop) { c.policies.append(rule) }
                }
            } else {
                fail("policy", "write policies as [[policy]] tables")
            }
        }
        for s in c.sensitiveRegions where !c.desktop.contains(s.region) || s.region.isEmpty {
            fail("sensitive", "region \(s.region) (\(s.name)) must be non-empty and lie inside the desktop \(c.desktop)")
        }
        return c
    }

    mutating func policy(_ t: TOMLTable, at p: String, desktop: Region) -> PolicyRule? {
        onlyKnown(t, at: p, ["uid", "gid", "user", "group", "names", "regions", "rights", "max_sessions",
                             "rate_per_second", "burst", "allow_machine_keys", "capture"])
        var rule = PolicyRule()
        rule.uid = int(t, "uid", at: p, in: 0...Int(UInt32.max - 1)).map(UInt32.init)
        rule.gid = int(t, "gid", at: p, in: 0...Int(UInt32.max - 1)).map(UInt32.init)
        rule.user = string(t, "user", at: p)
        rule.group = string(t, "group", at: p)
        if rule.uid == nil, rule.gid == nil, rule.user == nil, rule.group == nil {
            fail(p, "needs a selector: uid, gid, user or group")
            return nil
        }
        if let names = strings(t, "names", at: p) {
            if names.isEmpty { fail("\(p).names", "an empty list admits nobody; remove the rule instead") }
            rule.names = names
        }
        if let v = t["regions"] {
            if let a = v.array {
                for item in a {
                    guard let r = region(item, at: "\(p).regions") else { continue }
                    if desktop.contains(r), !r.isEmpty { rule.regions.append(r) } else {
                        fail("\(p).regions", "region \(r) must be non-empty and lie inside the desktop \(desktop)")
                    }
                }
            } else {
                fail("\(p).regions", "must be an array of regions such as [\"0,0,960x1080\"]")
            }
        }
        if let rights = strings(t, "rights", at: p) {
            var r: Rights = []
            for name in rights {
                switch name {
                case "agent": r.insert(.agent)
                case "supervise": r.insert(.supervise)
                case "capture": r.insert(.capture)
                default: fail("\(p).rights", "unknown right \"\(name)\"; rights are \"agent\", \"supervise\" and \"capture\"")
                }
            }
            // A lease holder sees its lease unless the rule says `capture = false`.
            if r.contains(.agent) { r.insert(.capture) }
            rule.rights = r
        }
        if let capture = bool(t, "capture", at: p) {
            if capture { rule.rights.insert(.capture) } else { rule.rights.remove(.capture) }
        }
        rule.maximumSessions = int(t, "max_sessions", at: p, in: 1...4096) ?? rule.maximumSessions
        let rate = int(t, "rate_per_second", at: p, in: 1...1_000_000)
        let burst = int(t, "burst", at: p, in: 1...1_000_000)
        if rate != nil || burst != nil {
            rule.rate = RateLimit(burst: burst ?? RateLimit.standard.burst, perSecond: rate ?? RateLimit.standard.perSecond)
        }
        if let chords = strings(t, "allow_machine_keys", at: p) {
            for name in chords {
                if let c = MachineKeys.chord(named: name) {
                    rule.allowMachineKeys.insert(c.name)
                } else if let k = MachineKeys.removedKeys.first(where: { $0.name.caseInsensitiveCompare(name) == .orderedSame
                              || $0.name.dropFirst(4).caseInsensitiveCompare(name) == .orderedSame }) {
                    fail("\(p).allow_machine_keys", "\(k.name) \(k.effect); it is not on the agent keyboard at all, so no rule can allow it; remove \"\(name)\"")
                } else {
                    fail("\(p).allow_machine_keys", "unknown machine chord \"\(name)\"; the chords are "
                         + MachineKeys.chords.map(\.name).joined(separator: ", "))
                }
            }
        }
        return rule
    }

    private func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }
}

/// The `x,y,WxH` form regions take in the configuration, the CLI and reasons.
public enum RegionSyntax {
    public static func parse(_ s: String) -> Region? {
        let parts = s.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count == 3, let x = Int32(parts[0].trimmed), let y = Int32(parts[1].trimmed) else { return nil }
        let size = parts[2].split(separator: "x", omittingEmptySubsequences: false)
        guard size.count == 2, let w = Int32(size[0].trimmed), let h = Int32(size[1].trimmed), w > 0, h > 0 else { return nil }
        return Region(x: x, y: y, width: w, height: h)
    }
}

extension Substring {
    fileprivate var trimmed: Substring {
        var s = self
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return s
    }
}
