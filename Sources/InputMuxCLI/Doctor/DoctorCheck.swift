/// One finding of `muxctl doctor`: what was checked, what was found, and for a problem
/// what to do about it.
public struct DoctorCheck: Hashable, Sendable, Encodable {
    public enum Outcome: String, Hashable, Sendable, Encodable {
        case ok
        /// Works, but not as it should be set up (a safety or robustness gap).
        case warn
        /// InputMux cannot work this way.
        case fail
        /// Does not apply here (no systemd, X11 not configured).
        case skip
    }

    public var name: String
    public var outcome: Outcome
    public var detail: String
    /// What to do; set for `warn` and `fail`.
    public var fix: String?

    public init(_ name: String, _ outcome: Outcome, _ detail: String, fix: String? = nil) {
        self.name = name
        self.outcome = outcome
        self.detail = detail
        self.fix = fix
    }
}

/// All findings, and how they print.
public struct DoctorReport: Sendable, Encodable {
    public var checks: [DoctorCheck]

    public var failed: Bool { checks.contains { $0.outcome == .fail } }

    public init(checks: [DoctorCheck]) { self.checks = checks }

    public func render() -> String {
        var lines: [String] = []
        for c in checks {
            let tag = switch c.outcome {
            case .ok: "ok  "
            case .warn: "WARN"
            case .fail: "FAIL"
            case .skip: "skip"
            }
            lines.append("\(tag) \(c.name): \(c.detail)")
            if let fix = c.fix { lines.append("     → \(fix)") }
        }
        let bad = checks.filter { $0.outcome == .fail }.count, warned = checks.filter { $0.outcome == .warn }.count
        lines.append(bad == 0
            ? "doctor: no problem found" + (warned > 0 ? " (\(warned) warning\(warned == 1 ? "" : "s"))" : "")
            : "doctor: \(bad) check\(bad == 1 ? "" : "s") failed; fix \(bad == 1 ? "it" : "them") as shown above")
        return lines.joined(separator: "\n")
    }
}
