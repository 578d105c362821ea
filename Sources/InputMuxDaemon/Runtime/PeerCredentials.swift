import CInputMuxSys
import Glibc

/// Who is on the other end of a Unix socket, as the kernel says (SO_PEERCRED), never as
/// the client claims. The executable comes from `/proc/PID/exe`, the supplementary
/// groups from `/proc/PID/status`.
public struct PeerCredentials: Hashable, Sendable {
    public var pid: Int32
    public var uid: UInt32
    public var gid: UInt32
    public var exe: String
    public var groups: [UInt32]

    /// The corresponding C function is `getsockopt(SO_PEERCRED)`.
    public static func of(socket fd: Int32) -> PeerCredentials? {
        var cred = inputmux_peer()
        guard inputmux_peer_credentials(fd, &cred) == 0 else { return nil }
        return PeerCredentials(pid: cred.pid, uid: cred.uid, gid: cred.gid,
                               exe: executable(of: cred.pid), groups: supplementaryGroups(of: cred.pid))
    }

    /// The corresponding C function is `readlink`.
    static func executable(of pid: Int32) -> String {
        var buf = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/\(pid)/exe", &buf, buf.count - 1)
        guard n > 0 else { return "" }
        return String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func supplementaryGroups(of pid: Int32) -> [UInt32] {
        guard let f = fopen("/proc/\(pid)/status", "r") else { return [] }
        defer { fclose(f) }
        var line = [CChar](repeating: 0, count: 4096)
        while fgets(&line, Int32(line.count), f) != nil {
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if text.hasPrefix("Groups:") {
                return text.dropFirst(7).split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
                    .compactMap { UInt32($0) }
            }
        }
        return []
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
