import SystemPackage

/// Splits a byte stream into newline-terminated lines, with a bound on a line's length.
/// Feed it with `fill(from:)` (one read) or `append`; take lines with `nextLine()`, or
/// block for one with `readLine(from:)`. A line longer than the bound is reported once
/// (`lineTooLong`) and skipped up to its newline; the lines after it still come.
public struct LineReader: Sendable {
    public enum Failure: Error, Hashable, Sendable, CustomStringConvertible {
        /// A line passed `limit` bytes without a newline; it is skipped.
        case lineTooLong(limit: Int)
        /// The read failed.
        case read(Errno)

        public var description: String {
            switch self {
            case .lineTooLong(let limit):
                return "a line longer than \(limit) bytes was skipped; send shorter lines (one JSON object per line)"
            case .read(let e): return "reading failed: \(e.description)"
            }
        }
    }

    /// The longest line taken, in bytes without its newline.
    public let maximumLine: Int
    private var pending: [UInt8] = []
    /// Where the unread part of `pending` starts.
    private var start = 0
    /// Where the search for the next newline resumes (everything before it from `start`
    /// on has none): a long line arriving in many reads is searched once, not once per
    /// read (a multi-megabyte capture reply).
    private var searched = 0
    /// Inside a line already reported too long: drop bytes up to its newline.
    private var skipping = false
    private var chunk: [UInt8]
    /// The stream ended (a read returned 0). A last line without a newline is dropped.
    public private(set) var atEnd = false

    public init(maximumLine: Int, readSize: Int = 65536) {
        self.maximumLine = maximumLine
        chunk = [UInt8](repeating: 0, count: readSize)
    }

    /// Bytes received but not yet returned as a line.
    public var buffered: Int { pending.count - start }

    /// Adds bytes read elsewhere.
    public mutating func append(_ bytes: some Sequence<UInt8>) {
        pending.append(contentsOf: bytes)
    }

    /// One read from `fd` into the buffer: the byte count, 0 at the end of the stream, nil
    /// when a non-blocking descriptor has nothing now. EINTR is retried (swift-system).
    @discardableResult
    public mutating func fill(from fd: FileDescriptor) throws(Failure) -> Int? {
        let n: Int
        do {
            n = try chunk.withUnsafeMutableBytes { try fd.read(into: $0, retryOnInterrupt: true) }
        } catch {
            let e = (error as? Errno) ?? .ioError
            if e == .resourceTemporarilyUnavailable { return nil }
            throw .read(e)
        }
        if n == 0 { atEnd = true } else { pending.append(contentsOf: chunk[0..<n]) }
        return n
    }

    /// The next complete line in the buffer (without its newline), or nil when none is
    /// complete yet. Throws `lineTooLong` once for each line over the bound.
    public mutating func nextLine() throws(Failure) -> [UInt8]? {
        while true {
            guard let nl = pending[max(start, searched)...].firstIndex(of: UInt8(ascii: "\n")) else {
                searched = pending.count
                if pending.count - start > maximumLine {
                    pending.removeAll(keepingCapacity: true)
                    start = 0
                    searched = 0
                    if !skipping {
                        skipping = true
                        throw .lineTooLong(limit: maximumLine)
                    }
                }
                compact()
                return nil
            }
            let lineStart = start
            start = nl + 1
            searched = start
            if skipping { skipping = false; continue }
            if nl - lineStart > maximumLine { throw .lineTooLong(limit: maximumLine) }
            let line = Array(pending[lineStart..<nl])
            if start == pending.count { pending.removeAll(keepingCapacity: true); start = 0; searched = 0 }
            return line
        }
    }

    /// Blocks (on a blocking descriptor) until a whole line arrives; nil at the end of the
    /// stream.
    public mutating func readLine(from fd: FileDescriptor) throws(Failure) -> [UInt8]? {
        while true {
            if let line = try nextLine() { return line }
            if atEnd { return nil }
            guard try fill(from: fd) != nil else { return nil }
        }
    }

    /// Like `readLine(from:)` on a Unix socket, keeping the descriptors that arrive
    /// (SCM_RIGHTS) in `descriptors`, in arrival order: a line's descriptor is there by
    /// the time the line is returned (`DescriptorPassing`).
    public mutating func readLine(from socket: FileDescriptor, descriptors: inout [FileDescriptor]) throws(Failure) -> [UInt8]? {
        while true {
            if let line = try nextLine() { return line }
            if atEnd { return nil }
            guard try fill(fromSocket: socket, descriptors: &descriptors) != nil else { return nil }
        }
    }

    /// Like `fill(from:)` on a Unix socket, keeping the descriptors that arrive
    /// (SCM_RIGHTS) in `descriptors`, in arrival order.
    @discardableResult
    public mutating func fill(fromSocket socket: FileDescriptor, descriptors: inout [FileDescriptor]) throws(Failure) -> Int? {
        let received = chunk.withUnsafeMutableBytes { buffer in
            Result { () throws(Errno) in try DescriptorPassing.receive(into: buffer, on: socket, descriptors: &descriptors) }
        }
        let n: Int
        switch received {
        case .success(let count): n = count
        case .failure(.resourceTemporarilyUnavailable): return nil
        case .failure(let e): throw .read(e)
        }
        if n == 0 { atEnd = true } else { pending.append(contentsOf: chunk[0..<n]) }
        return n
    }

    private mutating func compact() {
        if start > 0 {
            pending.removeFirst(start)
            searched = max(0, searched - start)
            start = 0
        }
    }
}
