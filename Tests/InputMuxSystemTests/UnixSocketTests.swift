import Glibc
import InputMuxSystem
import SystemPackage
import Testing

@Suite struct UnixSocketTests {
    /// A fresh directory whose path is `length` bytes long, and a path inside it of
    /// exactly `total` bytes.
    static func path(ofLength total: Int) throws -> String {
        var template = Array("/tmp/imx-sys-XXXXXX".utf8CString)
        let dir = String(cString: try #require(mkdtemp(&template)))
        return dir + "/" + String(repeating: "s", count: total - dir.utf8.count - 1)
    }

    @Test func aPathTooLongForASocketAddressIsRefusedNamingItsLengthAndTheLimit() throws {
        let path = try Self.path(ofLength: 108)
        #expect(throws: SocketError.pathTooLong(path: path, length: 108, limit: 107)) { try UnixSocket.listen(at: path) }
        #expect(throws: SocketError.pathTooLong(path: path, length: 108, limit: 107)) { try UnixSocket.connect(to: path) }
        // Refused, not cut short: nothing was bound at a shorter name.
        let dir = String(path[..<path.lastIndex(of: "/")!])
        #expect(opendir(dir).map { d in defer { closedir(d) }; var n = 0; while let e = readdir(d) { if e.pointee.d_name.0 != 46 { n += 1 } }; return n } == 0)
        let sentence = SocketError.pathTooLong(path: path, length: 108, limit: 107).description
        #expect(sentence.contains(path) && sentence.contains("108") && sentence.contains("107") && sentence.contains("use a shorter path"))
    }

    @Test func theLongestPathThatFitsListensAndConnects() throws {
        let path = try Self.path(ofLength: 107)
        let listener = try UnixSocket.listen(at: path)
        defer { listener.close(); unlink(path) }
        var st = stat()
        #expect(lstat(path, &st) == 0 && st.st_mode & S_IFMT == S_IFSOCK)
        #expect(st.st_mode & 0o777 == 0o600)
        let client = try UnixSocket.connect(to: path)
        defer { client.close() }
        let server = try #require(try listener.accept())
        defer { server.close() }
        try client.send(Array("ping\n".utf8))
        var reader = LineReader(maximumLine: 64)
        #expect(try reader.readLine(from: server.descriptor) == Array("ping".utf8))
    }

    @Test func aNonBlockingListenerWithNobodyWaitingAcceptsNothing() throws {
        let path = try Self.path(ofLength: 40)
        let listener = try UnixSocket.listen(at: path, nonBlocking: true)
        defer { listener.close(); unlink(path) }
        #expect(try listener.accept(nonBlocking: true) == nil)
    }

    @Test func connectingWhereNothingListensSaysWhichCallFailedAndWhy() throws {
        let path = try Self.path(ofLength: 40)
        #expect(throws: SocketError.failed(call: "connect", path: path, errno: .noSuchFileOrDirectory)) { try UnixSocket.connect(to: path) }
    }

    @Test func sendingToAPeerThatIsGoneIsAnErrorNotASignal() throws {
        let path = try Self.path(ofLength: 40)
        let listener = try UnixSocket.listen(at: path)
        defer { listener.close(); unlink(path) }
        let client = try UnixSocket.connect(to: path)
        defer { client.close() }
        try #require(try listener.accept()).close()
        var failed: SocketError?
        for _ in 0..<100 where failed == nil {
            do { try client.send(Array(repeating: 0x41, count: 65536)) } catch { failed = error }
        }
        #expect(failed?.errno == .brokenPipe || failed?.errno == .connectionReset)
    }
}
