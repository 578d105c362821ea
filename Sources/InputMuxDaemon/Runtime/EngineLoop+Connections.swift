import InputMuxWire
import Glibc
import InputMuxCore
import InputMuxLinux

/// The loop's connections: accepting them, reading their lines, writing what a turn
/// queued for them, and closing them.
extension EngineLoop {
    /// Registers every connection waiting on `kind`'s listener. Past the cap on
    /// connections that have not said hello, one of those goes (`PendingHellos`).
    func accept(_ kind: Connection.Kind) {
        for (fd, peer) in listeners.acceptAll(kind, poller: poller, logger: logger) {
            let c = connections.add(fd: fd, kind: kind, peer: peer)
            watch(fd)
            guard let victim = pendingHellos.add(serial: c.serial, fd: fd, uid: peer.uid, at: MonotonicClock.now()),
                  let old = connections[victim.fd], old.serial == victim.serial, !old.closing else { continue }
            send(WireEncoding.error(.tooManyPending(maximum: limits.maximumPendingConnections, uid: victim.uid), id: nil), to: old)
            old.closing = true
            logger.notice("closing a connection that had not said hello: too many pending",
                          metadata: ["peer.uid": "\(victim.uid)", "peer.pid": "\(old.peer.pid)"])
        }
    }

    /// Closes the connections that said no hello within `hello_timeout_ms`.
    func closeSilentConnections() {
        guard let first = pendingHellos.nextDeadline, first <= MonotonicClock.now() else { return }
        for e in pendingHellos.expired(at: MonotonicClock.now()) {
            guard let c = connections[e.fd], c.serial == e.serial, c.phase == .awaitingHello, !c.closing else { continue }
            let ms = limits.helloTimeout.nanosecondCount / 1_000_000
            send(WireEncoding.error(.helloTimeout(milliseconds: Int64(ms)), id: nil), to: c)
            c.closing = true
            logger.info("closing a connection that said no hello", metadata: ["peer.uid": "\(c.peer.uid)", "peer.pid": "\(c.peer.pid)"])
        }
    }

    /// Reads what `c` sent and serves its complete lines.
    func service(_ c: Connection) {
        switch c.readLines(maximumLine: limits.maximumMessageBytes, chunk: &readChunk) {
        case .closed:
            drop(c)
        case .lines(let lines, let oversized):
            for _ in 0..<oversized {
                protocolError(c, .tooLarge(limit: limits.maximumMessageBytes), id: nil)
            }
            for line in lines where connections.contains(c) {
                receive(line, from: c)
            }
        }
    }

    /// Answers a message `c` should not have sent; too many, and it goes.
    func protocolError(_ c: Connection, _ e: WireError, id: RequestID?) {
        c.protocolErrors += 1
        send(WireEncoding.error(e, id: id), to: c)
        if c.protocolErrors > limits.maximumProtocolErrors {
            logger.warning("closing abusive connection", metadata: ["peer.pid": "\(c.peer.pid)", "peer.uid": "\(c.peer.uid)"])
            c.closing = true
        }
    }

    /// Refuses `c`'s hello and closes it once the refusal is out.
    func refuse(_ c: Connection, id: RequestID, _ error: WireError) {
        logger.notice("connection refused", metadata: ["peer.uid": "\(c.peer.uid)", "peer.pid": "\(c.peer.pid)", "reason": "\(error.message)"])
        send(WireEncoding.error(error, id: id), to: c)
        c.closing = true
    }

    /// Queues `message` for this turn's flush; a peer that leaves too much unread goes.
    func send(_ message: JSONValue, to c: Connection) {
        connections.markQueued(c)
        closeIfSlow(c, accepted: c.send(message, maximumPending: limits.maximumOutboundBytes))
    }

    /// A connection whose peer lets output pile up past the bound is closed.
    func closeIfSlow(_ c: Connection, accepted: Bool) {
        guard !accepted else { return }
        logger.warning("closing slow reader", metadata: ["peer.pid": "\(c.peer.pid)", "pending": "\(c.pendingOutput)"])
        c.closing = true
    }

    /// Writes what this turn queued, one `write` per connection, and asks the poller to
    /// say when a connection that could not take it all is writable again.
    func flushQueued() {
        connections.forEachQueued { c in
            c.queued = false
            c.flush()
            let wantsWrite = c.pendingOutput > 0
            if wantsWrite != c.watchingWrites {
                c.watchingWrites = wantsWrite
                poller.watchWrites(c.fd, wantsWrite)
            }
        }
    }

    func reapClosing() {
        for c in connections.byDescriptor.values where c.closing {
            c.flush()
            drop(c)
        }
    }

    /// Forgets `c`, ends its session, and closes it.
    func drop(_ c: Connection) {
        connections.remove(c)
        pendingHellos.remove(serial: c.serial)
        if let s = c.phase.session {
            connections.endSession(s)
            handle(.disconnect(s))
        }
        poller.remove(c.fd)
        c.close()
    }
}
