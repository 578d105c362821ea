import Glibc
import InputMuxSystem
import SystemPackage

/// A blocking connection to a line-protocol socket (inputmuxd's NDJSON, a lease
/// holder's) for tests and benchmarks: connect, retrying while the server comes up;
/// send lines; read the lines that arrive within a deadline.
public final class LineConnection {
    public let socket: UnixSocket
    private var reader: LineReader
    /// The server closed the connection (or reading failed).
    public private(set) var closed = false
    /// Descriptors that came with the lines read so far (SCM_RIGHTS), oldest first; the
    /// caller takes and closes them.
    public var descriptors: [FileDescriptor] = []

    /// Connects to `path`, retrying every 20 ms while nothing listens there yet, for at
    /// most `timeout`. A path too long for a socket address fails at once.
    public init(path: String, timeout: Duration = .seconds(5), maximumLine: Int = 16 << 20) throws(HarnessError) {
        let deadline = ContinuousClock.now + timeout
        while true {
            do {
                socket = try UnixSocket.connect(to: path)
                break
            } catch {
                if case .pathTooLong = error { throw HarnessError("\(error)") }
                if ContinuousClock.now >= deadline { throw HarnessError("cannot connect to \(path) within \(timeout): \(error)") }
                usleep(20_000)
            }
        }
        reader = LineReader(maximumLine: maximumLine)
    }

    /// Takes over a connected socket.
    public init(adopting socket: UnixSocket, maximumLine: Int = 16 << 20) {
        self.socket = socket
        reader = LineReader(maximumLine: maximumLine)
    }

    deinit {
        for d in descriptors { try? d.close() }
        socket.close()
    }

    /// Writes raw bytes; false once the server has closed the connection.
    @discardableResult
    public func send(_ bytes: some Collection<UInt8>) -> Bool {
        (try? socket.send(bytes)) != nil
    }

    /// Writes `text` and a newline.
    @discardableResult
    public func sendLine(_ text: String) -> Bool {
        send(Array((text + "\n").utf8))
    }

    /// The lines that arrive within `timeout` (returns after the first read that brings
    /// any, or at once when some were already buffered).
    public func readLines(timeout: Duration) -> [[UInt8]] {
        var lines = drain()
        if !lines.isEmpty || closed { return lines }
        let deadline = ContinuousClock.now + timeout
        repeat {
            let left = deadline - ContinuousClock.now
            guard socket.descriptor.waitReadable(timeout: max(left, .zero)) else { break }
            do {
                if try reader.fill(fromSocket: socket.descriptor, descriptors: &descriptors) == 0 { closed = true }
            } catch {
                closed = true
            }
            lines = drain()
        } while lines.isEmpty && !closed && ContinuousClock.now < deadline
        return lines
    }

    private func drain() -> [[UInt8]] {
        var out: [[UInt8]] = []
        while true {
            do {
                guard let line = try reader.nextLine() else { return out }
                out.append(line)
            } catch {
                continue  // a line over the bound: skipped
            }
        }
    }
}
