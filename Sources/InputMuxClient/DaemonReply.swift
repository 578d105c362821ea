import InputMuxSystem
import InputMuxWire
import SystemPackage

/// A successful reply as the connection hands it to the request's transform: its
/// `result`, and the contents of the descriptor that came with it when the result says
/// `"fd":true` (a capture delivered as a sealed memfd, docs/PROTOCOL.md).
package struct DaemonReply: Sendable {
    package var result: JSON
    package var attachment: [UInt8]?

    package init(result: JSON, attachment: [UInt8]? = nil) {
        self.result = result
        self.attachment = attachment
    }
}

/// The descriptors received on a connection and not yet taken, oldest first: each
/// reply that announces one takes the oldest (the daemon attaches a reply's descriptor
/// to that reply's first byte, so arrival order is reply order).
struct ReceivedDescriptors {
    var queue: [FileDescriptor] = []

    /// The oldest descriptor's sealed contents; the descriptor is closed either way.
    mutating func takeContents() -> Result<[UInt8], InputMuxError> {
        guard !queue.isEmpty else {
            return .failure(InputMuxError(.protocolViolation,
                "inputmuxd announced a descriptor with its reply (\"fd\":true) but none arrived; ask for \"delivery\":\"inline\" instead"))
        }
        let fd = queue.removeFirst()
        defer { try? fd.close() }
        do throws(SealedMemory.Failure) {
            return .success(try SealedMemory.read(fd))
        } catch {
            return .failure(InputMuxError(.protocolViolation, "the descriptor that came with inputmuxd's reply cannot be used: \(error.description)"))
        }
    }

    /// Closes what was never taken (the connection ended).
    mutating func closeAll() {
        for fd in queue { try? fd.close() }
        queue.removeAll()
    }
}
