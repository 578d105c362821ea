import InputMuxWire
import Glibc
import InputMuxCore
import InputMuxSystem
import SystemPackage

/// One client on the agent or control socket: its buffers, identity and limits.
///
/// Reading splits newline-terminated JSON messages. A line longer than the limit is
/// answered with `too_large` and skipped up to its newline; too many bad messages, or a
/// reader that lets too much output pile up, get the connection closed. None of it
/// blocks the loop: sockets are non-blocking and buffers are bounded.
final class Connection {
    enum Kind { case agent, control }

    let fd: Int32
    let kind: Kind
    let peer: PeerCredentials
    /// Counts connections since start: unlike the fd, never reused.
    let serial: UInt64
    /// Hello, session or operator, and what waits for the hello reply (`ConnectionPhase`).
    var phase = ConnectionPhase.awaitingHello
    var inFlight = 0
    var protocolErrors = 0
    /// Set when the connection must go once its output is flushed (or at once). Lines
    /// already read are still served: a peer may send its last requests and shut down.
    var closing = false
    /// The loop's bookkeeping: output waits for this turn's flush; epoll reports writability.
    var queued = false
    var watchingWrites = false

    private var input: [UInt8] = []
    private var skippingOversizedLine = false
    private(set) var output: [UInt8] = []
    private var outputStart = 0
    /// Descriptors to pass with the output (a capture's sealed memfd): each goes with the
    /// first byte of its line, at that index of `output`. Closed here once sent.
    private var descriptors: [(at: Int, fd: FileDescriptor)] = []
    /// The end (in `output`) of the last capture reply: its bytes do not count against
    /// the bound for the messages after it, while they are being sent.
    private var exemptEnd = 0

    init(fd: Int32, kind: Kind, peer: PeerCredentials, serial: UInt64) {
        self.fd = fd
        self.kind = kind
        self.peer = peer
        self.serial = serial
    }

    var pendingOutput: Int { output.count - outputStart }
    /// What counts against the outbound bound: what waits, less a capture reply still
    /// going out.
    var countedOutput: Int { pendingOutput - max(0, exemptEnd - outputStart) }

    enum ReadResult { case lines([ArraySlice<UInt8>], oversized: Int), closed }

    /// Reads what is available and returns the complete lines. `chunk` is the loop's
    /// read buffer, shared by every connection (one thread).
    func readLines(maximumLine: Int, chunk: inout [UInt8]) -> ReadResult {
        var oversized = 0
        var sawEOF = false
        while true {
            let n: Int
            do {
                n = try chunk.withUnsafeMutableBytes { try FileDescriptor(rawValue: fd).read(into: $0, retryOnInterrupt: true) }
            } catch Errno.resourceTemporarilyUnavailable {
                break
            } catch {
                return .closed
            }
            if n == 0 {
                sawEOF = true
                break
            }
            input.append(contentsOf: chunk[0..<n])
            if n < chunk.count { break }
        }
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        while let nl = input[start...].firstIndex(of: UInt8(ascii: "\n")) {
            if skippingOversizedLine {
                skippingOversizedLine = false
            } else if nl - start > maximumLine {
                oversized += 1
            } else if nl > start {
                lines.append(input[start..<nl])
            }
            start = nl + 1
        }
        if start > 0 {
            input.removeFirst(start)
        }
        if input.count > maximumLine {
            // No newline within the limit: drop what we have and skip to the next newline.
            if !skippingOversizedLine { oversized += 1 }
            skippingOversizedLine = true
            input.removeAll(keepingCapacity: true)
        }
        if sawEOF && lines.isEmpty && oversized == 0 { return .closed }
        if sawEOF { closing = true }
        return .lines(lines, oversized: oversized)
    }

    /// Queues one message; the loop writes what a turn queued with one `flush`. Returns
    /// false when the peer is not reading and the bound is passed: the caller closes the
    /// connection.
    func send(_ message: JSONValue, maximumPending: Int) -> Bool {
        message.write(to: &output)
        output.append(UInt8(ascii: "\n"))
        // A turn that queues more than the bound writes early; only what the peer then
        // leaves unread counts against it.
        if countedOutput > maximumPending { flush() }
        return countedOutput <= maximumPending
    }

    /// Queues a capture's reply, with `descriptor` passed along with its first byte (the
    /// descriptor is this connection's to close from now on). The reply may pass the
    /// outbound bound by its own size, and does not count against the messages after
    /// it: only what was already waiting counts, and all of it while an earlier capture
    /// reply is still going out (so at most one image waits beyond the bound).
    func sendCapture(_ message: JSONValue, passing descriptor: FileDescriptor?, maximumPending: Int) -> Bool {
        let before = exemptEnd > outputStart ? pendingOutput : countedOutput
        if let descriptor { descriptors.append((output.count, descriptor)) }
        message.write(to: &output)
        output.append(UInt8(ascii: "\n"))
        exemptEnd = output.count
        flush()
        return before <= maximumPending
    }

    /// Writes as much as the socket takes now.
    func flush() {
        while outputStart < output.count {
            // Up to the next descriptor's line, or from it (the descriptor going along).
            var end = output.count
            var passing: FileDescriptor?
            if let next = descriptors.first {
                if next.at == outputStart { passing = next.fd; end = descriptors.dropFirst().first?.at ?? output.count }
                else { end = next.at }
            }
            let n = output[outputStart..<end].withUnsafeBytes { bytes in
                try? DescriptorPassing.send(bytes, on: FileDescriptor(rawValue: fd), attaching: passing, nonBlocking: true)
            }
            guard let sent = n, sent > 0 else { break }
            if passing != nil { try? descriptors.removeFirst().fd.close() }
            outputStart += sent
        }
        if outputStart == output.count {
            output.removeAll(keepingCapacity: true)
            outputStart = 0
            exemptEnd = 0
        } else if outputStart > 65536, outputStart * 2 > output.count {
            // Moved down once the sent part outweighs the rest: a multi-megabyte capture
            // reply going out in socket-sized pieces is not copied once per piece.
            output.removeFirst(outputStart)
            for i in descriptors.indices { descriptors[i].at -= outputStart }
            exemptEnd = max(0, exemptEnd - outputStart)
            outputStart = 0
        }
    }

    func close() {
        for d in descriptors { try? d.fd.close() }
        descriptors.removeAll()
        Glibc.close(fd)
    }
}
