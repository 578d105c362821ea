import Glibc
import InputMuxDaemon
import Testing

/// The daemon's listening sockets: made owner-only, refused on a path too long to bind.
@Suite struct SocketListenerTests {
    static func directory() throws -> String {
        var template = Array("/tmp/imx-listener-XXXXXX".utf8CString)
        return String(cString: try #require(mkdtemp(&template)))
    }

    @Test func aSocketPathTooLongStopsTheStartWithItsLengthAndTheLimit() throws {
        let dir = try Self.directory()
        let path = dir + "/" + String(repeating: "a", count: 120)
        do {
            _ = try SocketListener(path: path, group: nil)
            Issue.record("a \(path.utf8.count)-byte socket path was accepted")
        } catch {
            #expect(error.description.contains(path))
            #expect(error.description.contains("\(path.utf8.count) bytes"))
            #expect(error.description.contains("107"))
            #expect(error.description.contains("[sockets]"))
        }
        // Nothing was bound under a shortened name.
        #expect(opendir(dir).map { d in defer { closedir(d) }; var n = 0; while let e = readdir(d) { if e.pointee.d_name.0 != 46 { n += 1 } }; return n } == 0)
    }

    @Test func aListenerIsOwnerOnlyWithoutAGroupAndRemovesItsSocketOnClose() throws {
        let dir = try Self.directory()
        let listener = try SocketListener(path: dir + "/agent.sock", group: nil)
        var st = stat()
        #expect(lstat(dir + "/agent.sock", &st) == 0 && st.st_mode & S_IFMT == S_IFSOCK && st.st_mode & 0o777 == 0o600)
        let waiting = listener.accept()
        let why = errno
        #expect(waiting == nil)
        #expect(why == EAGAIN)
        listener.close()
        #expect(lstat(dir + "/agent.sock", &st) != 0)
    }
}
