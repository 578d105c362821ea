/// Text from clients, as it may be shown to a person: agent names are admitted only when
/// every character is printable, and whatever `muxctl` prints from clients (names, exe
/// paths, reasons, messages) goes through `escaped`, so no client can put terminal
/// escapes, line breaks or bidirectional overrides into an operator's terminal. It lives
/// beside the wire's codec so the daemon, muxctl and the lease holder's relay share it.
public enum PrintableText {
    /// The longest agent name, in UTF-8 bytes (not characters: combining marks make a
    /// character as long as one likes).
    public static let maximumNameBytes = 64

    /// Whether `s` is a name the daemon admits: 1–64 UTF-8 bytes, printable characters
    /// only, no quotes. `nil` when it is; else the sentence saying what is wrong.
    public static func nameProblem(_ s: String) -> String? {
        if s.isEmpty { return "the name is empty" }
        let bytes = s.utf8.count
        if bytes > maximumNameBytes {
            return "the name is \(bytes) bytes of UTF-8; at most \(maximumNameBytes) are allowed"
        }
        for (i, scalar) in s.unicodeScalars.enumerated() where !isPrintable(scalar) || scalar == "\"" {
            return "character \(i + 1) of the name (U+\(hex(scalar.value))) is not printable or is a quote"
        }
        return nil
    }

    /// Whether the scalar prints as itself: no control (C0, C1, DEL), no format character
    /// other than the zero-width joiners emoji and scripts need (so no bidirectional
    /// override), no line or paragraph separator, surrogate, private-use or unassigned.
    public static func isPrintable(_ c: Unicode.Scalar) -> Bool {
        switch c.properties.generalCategory {
        case .control, .lineSeparator, .paragraphSeparator, .surrogate, .privateUse, .unassigned:
            return false
        case .format:
            return c.value == 0x200C || c.value == 0x200D
        default:
            return true
        }
    }

    /// `s` with every character that is not printable written as `\u{…}`.
    public static func escaped(_ s: String) -> String {
        guard !s.unicodeScalars.allSatisfy(isPrintable) else { return s }
        var out = String.UnicodeScalarView()
        for c in s.unicodeScalars {
            if isPrintable(c) { out.append(c) } else { out.append(contentsOf: "\\u{\(hex(c.value))}".unicodeScalars) }
        }
        return String(out)
    }

    private static func hex(_ v: UInt32) -> String {
        let h = String(v, radix: 16, uppercase: true)
        return h.count < 4 ? String(repeating: "0", count: 4 - h.count) + h : h
    }
}
