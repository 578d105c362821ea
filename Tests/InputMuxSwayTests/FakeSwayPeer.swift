import Foundation
import InputMuxHarness
import InputMuxSystem

/// Something listening at a socket path that answers the first request with `reply`
/// (raw bytes), or never answers when `reply` is nil: a peer that is not sway, or a
/// broken one, for the client's error paths.
final class FakeSwayPeer: Sendable {
    let path: String
    private let listener: UnixSocket

    init(reply: [UInt8]?) throws {
        let dir = try HarnessFiles.temporaryDirectory("inputmux-sway-fake")
        path = "\(dir)/sway-ipc.sock"
        let listener = try UnixSocket.listen(at: path)
        self.listener = listener
        Thread.detachNewThread {
            guard let peer = try? listener.accept() else { return }
            var request = [UInt8](repeating: 0, count: 4096)
            _ = try? request.withUnsafeMutableBytes { raw in try peer.receive(into: raw) }
            if let reply { try? peer.send(reply) }
            // Hold the connection open until the client goes.
            _ = try? request.withUnsafeMutableBytes { raw in try peer.receive(into: raw) }
            peer.close()
        }
    }

    deinit {
        listener.shutdown()
        listener.close()
        unlink(path)
    }
}
