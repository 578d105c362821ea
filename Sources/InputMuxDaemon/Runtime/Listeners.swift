import Glibc
import InputMuxCore
import InputMuxLinux
import Logging

/// The agent and control sockets' listeners, and accepting on them within the
/// descriptors the human's devices must keep (`ConnectionRoom`): out of room, new
/// connections are refused with a sentence, shed, or the listeners pause.
struct Listeners {
    let agent: SocketListener
    let control: SocketListener
    private var room = ConnectionRoom()

    init(agent: SocketListener, control: SocketListener) {
        self.agent = agent
        self.control = control
    }

    /// While set, both listeners are out of the poller (not even the reserve descriptor
    /// was left).
    var pausedUntil: Instant? { room.pausedUntil }

    /// Accepts every waiting connection of `kind`; those the daemon has room for come
    /// back with their peer's credentials.
    mutating func acceptAll(_ kind: Connection.Kind, poller: Poller, logger: Logger) -> [(fd: Int32, peer: PeerCredentials)] {
        let listener = kind == .agent ? agent : control
        let limit = ConnectionRoom.descriptorLimit()
        var accepted: [(fd: Int32, peer: PeerCredentials)] = []
        while true {
            guard let fd = listener.accept() else {
                // UnixSocket.accept has retried EINTR and ECONNABORTED already.
                let e = errno
                // Out of descriptors: the backlog would keep the level-triggered listener
                // ready and the loop spinning. Shed it (or pause the listeners).
                if e == EMFILE || e == ENFILE {
                    if room.shed(listener) { continue }
                    if room.pausedUntil == nil { pause(poller) }
                    logShedding(logger)
                }
                break
            }
            // Keep descriptors for the human's devices (HumanInput opens each one plugged in).
            if ConnectionRoom.mustRefuse(fd: fd, limit: limit) {
                ConnectionRoom.refuse(fd, .noRoom(descriptorLimit: limit))
                room.refused += 1
                logShedding(logger)
                continue
            }
            guard let peer = PeerCredentials.of(socket: fd) else { Glibc.close(fd); continue }
            accepted.append((fd, peer))
        }
        return accepted
    }

    /// Both listeners leave the poller for a moment when even the reserve descriptor is gone.
    private mutating func pause(_ poller: Poller) {
        poller.remove(agent.fd)
        poller.remove(control.fd)
        room.pausedUntil = MonotonicClock.now() + ConnectionRoom.pause
    }

    /// Back in the poller once the pause is over.
    mutating func resumeIfDue(_ poller: Poller, logger: Logger) {
        guard let until = room.pausedUntil, until <= MonotonicClock.now() else { return }
        room.pausedUntil = nil
        for fd in [agent.fd, control.fd] where !poller.watch(fd) {
            logger.error("epoll_ctl ADD failed", metadata: ["fd": "\(fd)", "errno": "\(errno)"])
        }
    }

    /// At most one warning a second while connections are shed or refused.
    private mutating func logShedding(_ logger: Logger) {
        let now = MonotonicClock.now()
        guard now >= room.nextWarning else { return }
        room.nextWarning = now + .seconds(1)
        logger.warning("out of file descriptors for connections: new connections are closed at once",
                       metadata: ["shed": "\(room.shedCount)", "refused": "\(room.refused)",
                                  "listeners.paused": "\(room.pausedUntil != nil)"])
    }

    func close() {
        agent.close()
        control.close()
    }
}
