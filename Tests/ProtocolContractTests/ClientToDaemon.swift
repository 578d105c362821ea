import InputMuxClient
import InputMuxCore
import InputMuxDaemon
import InputMuxKeymap
import InputMuxWire
import Testing

/// Both sides of the protocol as they really run: the client library's request builders
/// and line writer, and the daemon's wire decoder with a real (US) keymap.
enum ClientToDaemon {
    static let decoder: WireDecoder = {
        let keymap = try? XKBKeymap(layout: "us")
        return WireDecoder(keyNames: KeyNames(keymap: keymap, linuxName: { $0 == "KEY_ESC" ? .esc : nil }))
    }()

    /// The line the client writes for `request` (with `id`, as its connection adds it),
    /// read back by the daemon as it reads a line from `socket`.
    static func daemonReads(_ request: ClientRequest, on socket: RequestType.Socket, id: Int64 = 7) throws -> WireRequest {
        let line = DaemonConnection.line(try request.json().with("id", .int(id)))
        #expect(line.last == UInt8(ascii: "\n") && line.dropLast().allSatisfy { $0 != UInt8(ascii: "\n") }, "one line per request")
        let value = try JSON.wireLine(line.dropLast())
        return try decoder.decode(value, controlSocket: socket == .control)
    }
}
