import InputMuxSystem
import SystemPackage
import Testing

@Suite struct LineReaderTests {
    @Test func linesSplitAcrossReadsComeWholeAndInOrder() throws {
        var r = LineReader(maximumLine: 100)
        r.append(Array("{\"a\":".utf8))
        #expect(try r.nextLine() == nil)
        r.append(Array("1}\n{\"b\":2}\n{\"c\"".utf8))
        #expect(try r.nextLine() == Array("{\"a\":1}".utf8))
        #expect(try r.nextLine() == Array("{\"b\":2}".utf8))
        #expect(try r.nextLine() == nil)
        #expect(r.buffered == 4)
    }

    @Test func aLineOverTheBoundIsReportedOnceAndSkippedAndTheNextStillComes() throws {
        var r = LineReader(maximumLine: 8)
        r.append(Array("0123456789".utf8))
        #expect(throws: LineReader.Failure.lineTooLong(limit: 8)) { try r.nextLine() }
        r.append(Array("abcdef".utf8))
        #expect(try r.nextLine() == nil)  // still inside the long line: no second report
        r.append(Array("xyz\nok\n".utf8))
        #expect(try r.nextLine() == Array("ok".utf8))
        r.append(Array("123456789\nfine\n".utf8))
        #expect(throws: LineReader.Failure.lineTooLong(limit: 8)) { try r.nextLine() }
        #expect(try r.nextLine() == Array("fine".utf8))
    }

    @Test func readingFromAPipeEndsAtItsEndAndDropsAnUnfinishedLine() throws {
        let (read, write) = try FileDescriptor.pipe()
        defer { try? read.close() }
        try write.writeAll(Array("one\ntwo\nthr".utf8))
        try write.close()
        var r = LineReader(maximumLine: 100, readSize: 3)
        #expect(try r.readLine(from: read) == Array("one".utf8))
        #expect(try r.readLine(from: read) == Array("two".utf8))
        #expect(try r.readLine(from: read) == nil)
        #expect(r.atEnd)
    }
}
