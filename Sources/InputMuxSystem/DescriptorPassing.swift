import CInputMuxSys
import Glibc
import SystemPackage

/// Descriptors across a Unix socket (SCM_RIGHTS): the daemon hands a client an image
/// in a sealed memfd with the reply that describes it (docs/PROTOCOL.md, capture).
///
/// A descriptor travels with the first byte of the `send` that carries it; the receiver
/// gets it no later than it gets that byte, so a reader that keeps received descriptors
/// in arrival order and takes one for each reply that announces one pairs them right.
public enum DescriptorPassing {
    /// Writes what the socket takes now of `bytes` (at least one byte, or an error),
    /// attaching `descriptor` when given. Returns nil when a non-blocking socket is full.
    /// The corresponding C function is `sendmsg`.
    public static func send(_ bytes: UnsafeRawBufferPointer, on socket: FileDescriptor,
                            attaching descriptor: FileDescriptor?, nonBlocking: Bool) throws(Errno) -> Int? {
        let r = retryingOnInterrupt {
            inputmux_send_with_descriptor(socket.rawValue, bytes.baseAddress, UInt(bytes.count),
                                          descriptor?.rawValue ?? -1, nonBlocking ? 1 : 0)
        }
        switch r {
        case .success(let n): return n
        case .failure(.resourceTemporarilyUnavailable): return nil
        case .failure(let e): throw e
        }
    }

    /// Reads what is there into `buffer` (blocking on a blocking socket), appending the
    /// descriptors that came with it to `descriptors` (close-on-exec). 0 at the end of
    /// the stream. The corresponding C function is `recvmsg`.
    public static func receive(into buffer: UnsafeMutableRawBufferPointer, on socket: FileDescriptor,
                               descriptors: inout [FileDescriptor]) throws(Errno) -> Int {
        var fds = [Int32](repeating: -1, count: 16)
        var count: Int32 = 0
        let r = fds.withUnsafeMutableBufferPointer { fdBuffer in
            retryingOnInterrupt {
                inputmux_receive_with_descriptors(socket.rawValue, buffer.baseAddress, UInt(buffer.count),
                                                  fdBuffer.baseAddress, 16, &count)
            }
        }
        switch r {
        case .success(let n):
            descriptors.append(contentsOf: fds.prefix(Int(count)).map(FileDescriptor.init(rawValue:)))
            return n
        case .failure(let e): throw e
        }
    }
}
