import InputMuxCore

/// The loop's open connections: by descriptor, by agent session and by operator, with the
/// numbers that name them (serials, sessions and operators are never reused; descriptors
/// are), and the connections with output queued this turn.
struct ConnectionTable {
    private(set) var byDescriptor: [Int32: Connection] = [:]
    private(set) var sessions: [SessionID: Connection] = [:]
    private(set) var operators: [OperatorID: Connection] = [:]
    private var nextSerial: UInt64 = 1
    private var nextSession: UInt32 = 1
    private var nextOperator: UInt32 = 1
    /// Connections with output queued this turn, in the order they got it.
    private var queued: [Int32] = []

    subscript(fd: Int32) -> Connection? { byDescriptor[fd] }

    /// A connection just accepted.
    mutating func add(fd: Int32, kind: Connection.Kind, peer: PeerCredentials) -> Connection {
        let c = Connection(fd: fd, kind: kind, peer: peer, serial: nextSerial)
        nextSerial += 1
        byDescriptor[fd] = c
        return c
    }

    /// Whether `c` is still open (its descriptor may since name another connection).
    func contains(_ c: Connection) -> Bool { byDescriptor[c.fd] === c }

    /// Names a new session for `c`.
    mutating func newSession(for c: Connection) -> SessionID {
        let s = SessionID(nextSession)
        nextSession += 1
        sessions[s] = c
        return s
    }

    /// Names a new operator for `c`.
    mutating func newOperator(for c: Connection) -> OperatorID {
        let o = OperatorID(nextOperator)
        nextOperator += 1
        operators[o] = c
        return o
    }

    mutating func endSession(_ s: SessionID) { sessions[s] = nil }

    /// How many sessions peers of `uid` hold, the one being admitted not counted.
    func sessionCount(uid: UInt32) -> Int { sessions.values.filter { $0.peer.uid == uid }.count }

    /// Forgets `c` and its operator; its session is the caller's to end.
    mutating func remove(_ c: Connection) {
        byDescriptor[c.fd] = nil
        if let o = c.phase.operatorID { operators[o] = nil }
    }

    /// Closes every connection (shutdown), after writing what they can take.
    mutating func closeAll() {
        for c in byDescriptor.values {
            c.flush()
            c.close()
        }
        byDescriptor.removeAll()
    }

    // MARK: - Output of the turn

    /// `c` has output for this turn's flush.
    mutating func markQueued(_ c: Connection) {
        guard !c.queued else { return }
        c.queued = true
        queued.append(c.fd)
    }

    /// Runs `body` on each connection with output queued this turn that is still open,
    /// and starts the list anew.
    mutating func forEachQueued(_ body: (Connection) -> Void) {
        for fd in queued {
            if let c = byDescriptor[fd] { body(c) }
        }
        queued.removeAll(keepingCapacity: true)
    }
}
