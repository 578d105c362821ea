import Glibc

/// Files and paths the harnesses share.
public enum HarnessFiles {
    /// A new private directory under /tmp, named from `prefix`. The corresponding C
    /// function is `mkdtemp`.
    public static func temporaryDirectory(_ prefix: String) throws(HarnessError) -> String {
        var template = Array("/tmp/\(prefix).XXXXXX".utf8CString)
        guard let dir = mkdtemp(&template) else { throw HarnessError("mkdtemp in /tmp failed: \(String(cString: strerror(errno)))") }
        return String(cString: dir)
    }

    /// The program `name` in the directory of this executable (the products of one build
    /// sit together; `/opt/inputmux/bin` in the guest).
    public static func beside(_ name: String) -> String {
        var buf = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buf, buf.count - 1)
        let me = n > 0 ? String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : "/opt/inputmux/bin/\(name)"
        return String(me[..<(me.lastIndex(of: "/") ?? me.startIndex)]) + "/" + name
    }

    /// The path of `name` in the usual program directories, or nil.
    public static func which(_ name: String) -> String? {
        for dir in ["/usr/bin", "/bin", "/usr/sbin", "/sbin", "/usr/local/bin"] where access("\(dir)/\(name)", X_OK) == 0 {
            return "\(dir)/\(name)"
        }
        return nil
    }

    /// The text of the file at `path` from byte `offset` on; "" when it cannot be read.
    public static func text(_ path: String, from offset: Int = 0) -> String {
        guard let f = fopen(path, "r") else { return "" }
        defer { fclose(f) }
        fseek(f, offset, SEEK_SET)
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&buf, 1, buf.count, f)
            if n <= 0 { break }
            out += buf[0..<n]
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Writes `text` to `path`, replacing it.
    public static func write(_ path: String, _ text: String) throws(HarnessError) {
        guard let f = fopen(path, "w") else { throw HarnessError("cannot write \(path): \(String(cString: strerror(errno)))") }
        defer { fclose(f) }
        let bytes = Array(text.utf8)
        guard fwrite(bytes, 1, bytes.count, f) == bytes.count else { throw HarnessError("short write to \(path)") }
    }

    /// The size of the file at `path`, 0 when there is none.
    public static func size(_ path: String) -> Int {
        var st = stat()
        return stat(path, &st) == 0 ? Int(st.st_size) : 0
    }
}
