import Foundation
import InputMuxHarness
import InputMuxSystem
import SystemPackage

/// Something listening at a socket path that answers the first request with `reply`
/// (raw bytes), or never answers when `reply` is nil: a peer that is not sway, or a
/// broken one, for the client's error paths. Keep it alive while its client talks
/// (`withExtendedLifetime`).
final class FakeSwayPeer: Sendable {
    let path: String
    private let directory: String
    private let listener: UnixSocket

    init(reply: [UInt8]?) throws {
        let dir = try HarnessFiles.temporaryDirectory("inputmux-sway-fake")
        directory = dir
        path = "\(dir)/sway-ipc.sock"
        listener = try UnixSocket.listen(at: path)
        // The thread accepts on a descriptor of its own, so that closing ours (when the
        // test ends before the thread ran) can never leave it accepting on a number that
        // another test's socket took meanwhile.
        let own = UnixSocket(adopting: try listener.descriptor.duplicate(), path: path)
        Thread.detachNewThread {
            defer { own.close() }
            guard let peer = try? own.accept() else { return }
            var request = [UInt8](repeating: 0, count: 4096)
            _ = try? request.withUnsafeMutableBytes { raw in try peer.receive(into: raw) }
            if let reply { try? peer.send(reply) }
            // Hold the connection open until the client goes.
            _ = try? request.withUnsafeMutableBytes { raw in try peer.receive(into: raw) }
            peer.close()
        }
    }

    deinit {
        // Wakes the thread's accept when nobody connected.
        listener.shutdown()
        listener.close()
        unlink(path)
        rmdir(directory)
    }
}
