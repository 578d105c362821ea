import Glibc

/// Where sway's IPC socket is. sway names it `sway-ipc.UID.PID.sock` in its user's
/// `XDG_RUNTIME_DIR` (`/run/user/UID`) and exports it to its children as `SWAYSOCK`; a
/// daemon outside the session finds it in the runtime directories.
public enum SwaySocket {
    /// A socket file found in a runtime directory.
    public struct Candidate: Hashable, Sendable {
        public var path: String
        public var uid: UInt32
        public var pid: Int32
        /// The pid runs, and is sway.
        public var alive: Bool
        /// The socket file's change time, to prefer the newest of one user's live sways.
        public var modified: Int
    }

    /// The socket to use: `configured` (the configuration's `[wayland] socket`) when set,
    /// else `SWAYSOCK` from `environment`, else the live sway's socket found under
    /// `runtimeRoot` (for the user `uid` only, when given). With no live sway, or live
    /// sways of several users, an error that says what to set.
    ///
    /// The configured path comes first: a daemon started by the system has no session
    /// environment, and an inherited `SWAYSOCK` (a `sudo -E`, say) may name another
    /// session than the one the operator wrote down.
    public static func locate(configured: String? = nil, environment: [String: String] = currentEnvironment(),
                              runtimeRoot: String = "/run/user", uid: UInt32? = nil) throws(SwayError) -> String {
        if let configured, !configured.isEmpty { return configured }
        if let fromEnvironment = environment["SWAYSOCK"], !fromEnvironment.isEmpty { return fromEnvironment }
        let directories = uid.map { ["\(runtimeRoot)/\($0)"] } ?? entries(of: runtimeRoot).filter { UInt32($0) != nil }.map { "\(runtimeRoot)/\($0)" }
        let live = directories.flatMap { candidates(in: $0) }.filter(\.alive)
        let users = Set(live.map(\.uid))
        guard !live.isEmpty else { throw .noSessionFound(searched: directories.isEmpty ? [runtimeRoot] : directories) }
        guard users.count == 1 else { throw .severalSessions(live.map(\.path).sorted()) }
        return live.max { ($0.modified, $0.pid) < ($1.modified, $1.pid) }!.path
    }

    /// The `sway-ipc.UID.PID.sock` files in `directory`, live or not.
    public static func candidates(in directory: String) -> [Candidate] {
        entries(of: directory).compactMap { name in
            let parts = name.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 4, parts[0] == "sway-ipc", parts[3] == "sock",
                  let uid = UInt32(parts[1]), let pid = Int32(parts[2]) else { return nil }
            let path = "\(directory)/\(name)"
            var st = stat()
            guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFSOCK else { return nil }
            return Candidate(path: path, uid: uid, pid: pid, alive: isSway(pid), modified: st.st_ctim.tv_sec)
        }
    }

    /// Whether `pid` runs and is sway (its `/proc/PID/comm`). The corresponding C
    /// function is `kill` (signal 0).
    public static func isSway(_ pid: Int32) -> Bool {
        guard pid > 0, kill(pid, 0) == 0 || errno == EPERM else { return false }
        guard let f = fopen("/proc/\(pid)/comm", "r") else { return true }
        defer { fclose(f) }
        var buf = [CChar](repeating: 0, count: 64)
        guard fgets(&buf, Int32(buf.count), f) != nil else { return true }
        let comm = String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return comm.trimmingCharacters(in: "\n") == "sway"
    }

    /// This process's environment.
    public static func currentEnvironment() -> [String: String] {
        var out: [String: String] = [:]
        var p = environ
        while let entry = p.pointee {
            let s = String(cString: entry)
            if let eq = s.firstIndex(of: "=") { out[String(s[..<eq])] = String(s[s.index(after: eq)...]) }
            p += 1
        }
        return out
    }

    /// The names in `directory` (none when it cannot be read). The corresponding C
    /// functions are `opendir` and `readdir`.
    static func entries(of directory: String) -> [String] {
        guard let d = opendir(directory) else { return [] }
        defer { closedir(d) }
        var names: [String] = []
        while let e = readdir(d) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let last = s.last, set.contains(last) { s = s.dropLast() }
        return String(s)
    }
}
