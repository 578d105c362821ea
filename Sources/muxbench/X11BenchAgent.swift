import Foundation
import InputMuxCore
import InputMuxHarness
import InputMuxLinux
import SystemPackage

/// One agent connection speaking the wire protocol as JSON lines (docs/PROTOCOL.md).
final class X11BenchAgent {
    private let connection: LineConnection
    private var nextID = 1

    init(socket path: String, name: String) throws {
        do { connection = try LineConnection(path: path, timeout: .zero) } catch { throw BenchError(error.description) }
        let hello = try request("{\"type\":\"hello\",\"id\":0,\"protocol\":1,\"name\":\"\(name)\"}")
        guard hello.contains("\"ok\":true") else { throw BenchError("hello refused: \(hello)") }
    }

    /// Sends one line with a fresh id spliced in (`ID` in `body`); returns the id.
    @discardableResult
    func send(_ body: String) -> Int {
        let id = nextID
        nextID += 1
        connection.sendLine(body.replacingOccurrences(of: "ID", with: "\(id)"))
        return id
    }

    /// Lines that are replies (events are skipped), read within `timeout`.
    func replies(timeout: Duration) -> [String] {
        connection.readLines(timeout: timeout)
            .map { String(decoding: $0, as: UTF8.self) }
            .filter { $0.contains("\"type\":\"reply\"") }
    }

    /// The oldest descriptor that came with a reply (a capture's memfd), to close after use.
    func takeDescriptor() -> FileDescriptor? {
        connection.descriptors.isEmpty ? nil : connection.descriptors.removeFirst()
    }

    /// Sends and waits for that one reply, as bytes: a capture's reply is megabytes, and
    /// a client reads it as bytes (String searches on Linux cost milliseconds there).
    func requestBytes(_ body: String) throws -> [UInt8] {
        send(body)
        let deadline = MonotonicClock.now() + .seconds(20)
        let marker = Array("\"type\":\"reply\"".utf8)
        while MonotonicClock.now() < deadline {
            // The writer orders keys, so `type` is near the end of a reply's line.
            for line in connection.readLines(timeout: .milliseconds(100))
            where line.suffix(64).firstRange(of: marker) != nil || line.prefix(64).firstRange(of: marker) != nil {
                return line
            }
        }
        throw BenchError("no reply to \(body)")
    }

    /// Sends and waits for that one reply.
    func request(_ body: String) throws -> String {
        send(body)
        let deadline = MonotonicClock.now() + .seconds(20)
        while MonotonicClock.now() < deadline {
            if let r = replies(timeout: .milliseconds(100)).first { return r }
        }
        throw BenchError("no reply to \(body)")
    }
}
