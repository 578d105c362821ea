import Crypto

/// Typed text as the audit log keeps it (DESIGN §6): its length and a keyed hash, never
/// the text itself unless policy explicitly allows clear text.
public struct RedactedText: Hashable, Sendable {
    /// Length in characters (what the agent typed, not bytes).
    public var length: Int
    /// HMAC-SHA256 of the UTF-8 text under the daemon's audit key, first 16 bytes in hex.
    /// Keyed, so a log reader cannot confirm a guess of a short secret by hashing it;
    /// someone holding the key can check whether a given text was typed.
    public var hmac: String
    /// The text itself, present only when policy says typed text may be logged.
    public var clear: String?

    public init(length: Int, hmac: String, clear: String? = nil) {
        self.length = length
        self.hmac = hmac
        self.clear = clear
    }
}

/// Makes `RedactedText` with the daemon's audit key.
public struct TextRedactor: Sendable {
    // Kept as bytes: Crypto's SymmetricKey is not Sendable.
    private let key: [UInt8]
    /// Policy flag: keep the clear text too. Off unless the operator turns it on.
    public var logsClearText: Bool

    /// Bytes of the HMAC kept: 128 bits stay collision-free for any log's lifetime.
    public static let hmacBytes = 16

    public init(key: [UInt8], logsClearText: Bool = false) {
        self.key = key
        self.logsClearText = logsClearText
    }

    public func redact(_ s: String) -> RedactedText {
        let mac = HMAC<SHA256>.authenticationCode(for: Array(s.utf8), using: SymmetricKey(data: key))
        return RedactedText(length: s.count, hmac: Hex.encode(mac.prefix(Self.hmacBytes)), clear: logsClearText ? s : nil)
    }
}

/// Lower-case hex, without Foundation: audit hashes, redaction HMACs, image hashes.
public enum Hex {
    public static func encode<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0xf)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
