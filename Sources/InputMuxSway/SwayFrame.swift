/// One IPC message on the wire (`sway-ipc(7)`): the magic `i3-ipc`, the payload's length
/// and the message type as 32-bit integers in the host's byte order, then the payload
/// (JSON, or a command string for `RUN_COMMAND`).
public struct SwayFrame: Hashable, Sendable {
    public static let magic: [UInt8] = Array("i3-ipc".utf8)
    /// Magic, length, type.
    public static let headerSize = 14
    /// The longest payload this library accepts from sway: a window tree of a few
    /// thousand windows is a few megabytes; a length beyond this is a broken stream.
    public static let maximumPayload = 64 << 20

    public var type: UInt32
    public var payload: [UInt8]

    public init(type: UInt32, payload: [UInt8]) {
        self.type = type
        self.payload = payload
    }

    /// The bytes to send.
    public var encoded: [UInt8] {
        var out = Self.magic
        out.reserveCapacity(Self.headerSize + payload.count)
        Self.append(UInt32(payload.count), to: &out)
        Self.append(type, to: &out)
        out += payload
        return out
    }

    /// What a header says: (payload length, type); nil when the magic is wrong.
    public static func header(_ bytes: some Collection<UInt8>) -> (length: Int, type: UInt32)? {
        let b = Array(bytes)
        guard b.count == headerSize, Array(b[0..<6]) == magic else { return nil }
        return (Int(read(b, at: 6)), read(b, at: 10))
    }

    private static func append(_ v: UInt32, to out: inout [UInt8]) {
        withUnsafeBytes(of: v) { out.append(contentsOf: $0) }
    }

    private static func read(_ b: [UInt8], at offset: Int) -> UInt32 {
        var v: UInt32 = 0
        withUnsafeMutableBytes(of: &v) { raw in
            for k in 0..<4 { raw[k] = b[offset + k] }
        }
        return v
    }
}
