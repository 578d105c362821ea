import Foundation
import Glibc
import InputMuxSystem
import Synchronization
import Testing

/// A listening socket is made 0600 without touching the umask: the umask belongs to the
/// whole process, and a directory another thread made meanwhile under a borrowed 0177
/// would have no search permission (its owner could not enter it).
@Suite struct ListenUmaskTests {
    @Test func listeningLeavesOtherThreadsFilesAlone() throws {
        var template = Array("/tmp/inputmux-umask.XXXXXX".utf8CString)
        let base = try #require(mkdtemp(&template).map { String(cString: $0) })
        defer { _ = rmdir(base) }
        let done = Atomic<Bool>(false)
        let listens = Atomic<Int>(0)
        let finished = DispatchSemaphore(value: 0)
        let listener = Thread {
            defer { finished.signal() }
            var i = 0
            while !done.load(ordering: .relaxed) {
                let path = base + "/s\(i % 4)"
                if let s = try? UnixSocket.listen(at: path) {
                    s.close()
                    _ = unlink(path)
                    listens.add(1, ordering: .relaxed)
                }
                i += 1
            }
        }
        listener.start()
        var wrong: [String] = []
        for i in 0..<4000 {
            var t = Array("\(base)/d\(i).XXXXXX".utf8CString)
            guard let made = mkdtemp(&t).map({ String(cString: $0) }) else { continue }
            var st = stat()
            if stat(made, &st) == 0, st.st_mode & 0o777 != 0o700 { wrong.append("\(made): \(String(st.st_mode & 0o777, radix: 8))") }
            _ = rmdir(made)
        }
        done.store(true, ordering: .relaxed)
        finished.wait()
        #expect(listens.load(ordering: .relaxed) > 0)
        #expect(wrong.count == 0, "\(wrong.count) directories made beside listen() lacked 0700: \(wrong.prefix(3))")
        // And the socket itself is 0600 whatever the umask.
        let path = base + "/mode"
        let previous = umask(0)
        defer { umask(previous) }
        let s = try UnixSocket.listen(at: path)
        defer { s.close(); _ = unlink(path) }
        var st = stat()
        #expect(stat(path, &st) == 0 && st.st_mode & 0o777 == 0o600)
    }
}
