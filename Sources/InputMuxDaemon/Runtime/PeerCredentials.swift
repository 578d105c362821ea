import CInputMuxSys
import Glibc
import InputMuxCore

/// Who is on the other end of a Unix socket, as the kernel recorded it when the peer
/// connected, never as the client claims and never re-read from `/proc` by pid alone (the
/// client may exec, or exit and have its pid reused, before the daemon looks):
/// uid, gid and pid from SO_PEERCRED, the supplementary groups from SO_PEERGROUPS. The
/// executable is `/proc/PID/exe`; where the kernel hands out the peer's pidfd
/// (SO_PEERPIDFD, Linux 6.5+) the read is checked against it, otherwise it was read late
/// and `exeSource` says so (the audit records it).
public struct PeerCredentials: Hashable, Sendable {
    public var pid: Int32
    public var uid: UInt32
    public var gid: UInt32
    public var exe: String
    public var groups: [UInt32]
    public var exeSource: ExeSource = .late

    /// The corresponding C functions are `getsockopt(SO_PEERCRED)`,
    /// `getsockopt(SO_PEERGROUPS)` and `getsockopt(SO_PEERPIDFD)`.
    public static func of(socket fd: Int32) -> PeerCredentials? {
        var cred = inputmux_peer()
        guard inputmux_peer_credentials(fd, &cred) == 0, let groups = peerGroups(of: fd) else { return nil }
        let (exe, source) = executable(of: fd, pid: cred.pid)
        return PeerCredentials(pid: cred.pid, uid: cred.uid, gid: cred.gid, exe: exe, groups: groups, exeSource: source)
    }

    /// The peer's supplementary groups as of its connect(); `nil` when the kernel cannot say
    /// (the connection is then refused: membership is never guessed from `/proc`).
    static func peerGroups(of fd: Int32) -> [UInt32]? {
        var buf = [UInt32](repeating: 0, count: 64)
        while true {
            let n = inputmux_peer_groups(fd, &buf, Int32(buf.count))
            guard n >= 0 else { return nil }
            if Int(n) <= buf.count { return Array(buf[0..<Int(n)]) }
            buf = [UInt32](repeating: 0, count: Int(n))
        }
    }

    static func executable(of fd: Int32, pid: Int32) -> (String, ExeSource) {
        let pidfd = inputmux_peer_pidfd(fd)
        guard pidfd >= 0 else { return (executable(of: pid), .late) }
        defer { close(pidfd) }
        let exe = executable(of: pid)
        // Still alive after the read: the pid was not reused, the link was the peer's.
        return (inputmux_pidfd_send_signal(pidfd, 0) == 0 ? exe : "", .pidfd)
    }

    /// The corresponding C function is `readlink`.
    static func executable(of pid: Int32) -> String {
        var buf = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/\(pid)/exe", &buf, buf.count - 1)
        guard n > 0 else { return "" }
        return String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public func isMember(of gid: UInt32) -> Bool { self.gid == gid || groups.contains(gid) }
}

/// User and group names resolved once at start (policy names users and groups).
public enum Accounts {
    /// The corresponding C function is `getgrnam_r`.
    public static func gid(of group: String) -> UInt32? {
        var grp = group_struct()
        var result: UnsafeMutablePointer<group_struct>? = nil
        var buf = [CChar](repeating: 0, count: 16384)
        guard getgrnam_r(group, &grp, &buf, buf.count, &result) == 0, let r = result else { return nil }
        return r.pointee.gr_gid
    }

    /// The corresponding C function is `getpwnam_r`.
    public static func uid(of user: String) -> UInt32? {
        var pw = passwd()
        var result: UnsafeMutablePointer<passwd>? = nil
        var buf = [CChar](repeating: 0, count: 16384)
        guard getpwnam_r(user, &pw, &buf, buf.count, &result) == 0, let r = result else { return nil }
        return r.pointee.pw_uid
    }
}

typealias group_struct = Glibc.group
