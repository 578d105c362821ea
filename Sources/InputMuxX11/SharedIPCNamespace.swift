import CInputMuxSys
import Glibc

/// Whether the X server at the other end of `socket` sees the System V segments this
/// process makes: MIT-SHM names a segment by its id, and ids are per IPC namespace. A
/// daemon in its own namespace (systemd's `PrivateIPC=yes`) would hand the server an id
/// that names nothing there, or another process's segment; such a daemon reads over the
/// socket instead. False whenever it cannot be told (a TCP connection, another user's
/// server whose namespace link cannot be read).
enum SharedIPCNamespace {
    static func with(serverOn socket: Int32) -> Bool {
        var peer = inputmux_peer()
        guard inputmux_peer_credentials(socket, &peer) == 0, peer.pid > 0 else { return false }
        guard let mine = link("/proc/self/ns/ipc"), let theirs = link("/proc/\(peer.pid)/ns/ipc") else { return false }
        return mine == theirs
    }

    private static func link(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 256)
        let n = readlink(path, &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
