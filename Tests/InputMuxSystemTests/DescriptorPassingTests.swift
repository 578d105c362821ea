import Glibc
import InputMuxSystem
import SystemPackage
import Testing

/// Sealed memfds across a socket pair, as capture replies travel (docs/PROTOCOL.md).
@Suite struct DescriptorPassingTests {
    static func pair() -> (FileDescriptor, FileDescriptor) {
        var fds: [Int32] = [-1, -1]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds) == 0)
        return (FileDescriptor(rawValue: fds[0]), FileDescriptor(rawValue: fds[1]))
    }

    @Test func aSealedImageArrivesWithItsLineAndCannotBeChanged() throws {
        let (a, b) = Self.pair()
        defer { try? a.close(); try? b.close() }
        let image = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let memfd = try SealedMemory.make(name: "test-image", bytes: image)
        // Two lines: the first plain, the second carrying the descriptor.
        let first = Array("{\"n\":1}\n".utf8), second = Array("{\"n\":2,\"fd\":true}\n".utf8)
        _ = try first.withUnsafeBytes { try DescriptorPassing.send($0, on: a, attaching: nil, nonBlocking: false) }
        _ = try second.withUnsafeBytes { try DescriptorPassing.send($0, on: a, attaching: memfd, nonBlocking: false) }
        try memfd.close()

        var reader = LineReader(maximumLine: 1024)
        var received: [FileDescriptor] = []
        #expect(try reader.readLine(from: b, descriptors: &received) == Array(first.dropLast()))
        let line = try reader.readLine(from: b, descriptors: &received)
        #expect(line == Array(second.dropLast()))
        #expect(received.count == 1)
        let fd = try #require(received.first)
        defer { try? fd.close() }
        #expect(try SealedMemory.read(fd) == image)
        // Sealed: the receiver cannot write, grow or shrink it.
        #expect(throws: Errno.self) { _ = try [UInt8(1)].withUnsafeBytes { try fd.write(toAbsoluteOffset: 0, $0) } }
        #expect(ftruncate(fd.rawValue, 10) != 0)
    }

    @Test func anUnsealedDescriptorIsNotTrusted() throws {
        let path = "/tmp/inputmux-unsealed-\(getpid())"
        let fd = try FileDescriptor.open(path, .readWrite, options: [.create, .truncate], permissions: .ownerReadWrite)
        defer { try? fd.close(); unlink(path) }
        _ = try fd.writeAll([1, 2, 3])
        #expect(throws: SealedMemory.Failure.notSealed) { _ = try SealedMemory.read(fd) }
    }
}
