import InputMuxSystem
import SystemPackage
import Glibc
import InputMuxCore
import InputMuxLinux
import InputMuxWire

/// Agents that must be separate processes: one the test kills mid-drag, and one that
/// connects as another user. `muxkerneltests` re-executes itself in these modes.
enum DaemonHelpers {
    /// Dispatches `--helper-drag SOCKET` and `--helper-connect-as UID GID SOCKET NAME`;
    /// returns for any other arguments.
    static func runIfAsked(_ arguments: [String]) {
        if arguments.first == "--helper-drag", arguments.count >= 2 { drag(socket: arguments[1]) }
        if arguments.first == "--helper-connect-fd", arguments.count >= 6, let fd = Int32(arguments[1]),
           let uid = UInt32(arguments[2]), let gid = UInt32(arguments[3]), let group = UInt32(arguments[4]) {
            connectInherited(fd: fd, uid: uid, gid: gid, group: group, socket: arguments[5])
        }
        if arguments.first == "--helper-connect-as", arguments.count >= 5,
           let uid = UInt32(arguments[1]), let gid = UInt32(arguments[2]) {
            connectAs(uid: uid, gid: gid, socket: arguments[3], name: arguments[4])
        }
    }

    /// An agent that leases the left half, presses the left button and moves with it
    /// held (a drag in progress), prints `READY SESSION POINTER LEASE` and waits to die.
    static func drag(socket: String) -> Never {
        do {
            let c = try DaemonClient(socket)
            let hello = try c.request(["type": "hello", "protocol": 1, "name": "dragger"])
            guard hello["ok"] == true, let sid = hello["result"]["session"].int64,
                  let pointer = hello["result"]["devices"]["pointer"].string else { throw TestFailure("hello: \(hello)") }
            let lease = try c.request(["type": "acquire", "region": "0,0,960x1080"])
            guard lease["result"]["state"] == "active", let id = lease["result"]["lease"]["id"].string else {
                throw TestFailure("acquire: \(lease)")
            }
            for g: JSON in [["action": "mouse_down", "x": 100, "y": 100], ["action": "move", "x": 180, "y": 160]] {
                let r = try c.request(g.with("type", "gesture"))
                guard r["ok"] == true else { throw TestFailure("\(g): \(r)") }
            }
            writeLine(1, "READY \(sid) \(pointer) \(id)")
            while true { pause() }
        } catch {
            writeLine(1, "ERROR \(error)")
            exit(2)
        }
    }

    /// Becomes `uid`/`gid` with the one supplementary group `group`, connects the socket
    /// `fd` it was handed (its standard input; its parent keeps the connection) and exits:
    /// the peer the daemon sees has then exited. Prints `CONNECTED`.
    static func connectInherited(fd: Int32, uid: UInt32, gid: UInt32, group: UInt32, socket: String) -> Never {
        var groups = [gid_t(group)]
        guard setgroups(1, &groups) == 0, setgid(gid) == 0, setuid(uid) == 0 else {
            writeLine(1, "ERROR cannot become \(uid):\(gid) in \(group): errno \(errno)")
            exit(2)
        }
        do { try UnixSocket(adopting: FileDescriptor(rawValue: fd), path: socket).connect() } catch {
            writeLine(1, "ERROR connect: \(error)")
            exit(3)
        }
        writeLine(1, "CONNECTED \(getpid())")
        exit(0)
    }

    /// Drops to `uid`/`gid`, connects, says hello as `name` while claiming to be root's
    /// session 1 (fields the daemon must ignore), and if admitted acquires a small lease.
    /// Prints `HELLO <reply>` and `ACQUIRE <reply>`.
    static func connectAs(uid: UInt32, gid: UInt32, socket: String, name: String) -> Never {
        guard setgroups(0, nil) == 0, setgid(gid) == 0, setuid(uid) == 0 else {
            writeLine(1, "ERROR cannot become \(uid):\(gid): errno \(errno)")
            exit(2)
        }
        do {
            let c = try DaemonClient(socket, timeout: .seconds(2))
            let hello = try c.request(["type": "hello", "protocol": 1, "name": .string(name),
                                       "uid": 0, "pid": 1, "session": 1, "exe": "/usr/sbin/inputmuxd"])
            writeLine(1, "HELLO \(hello.line)")
            if hello["ok"] == true {
                let r = try c.request(["type": "acquire", "region": "0,0,100x100", "mode": "try", "uid": 0, "session": 1])
                writeLine(1, "ACQUIRE \(r.line)")
            }
            exit(0)
        } catch {
            writeLine(1, "ERROR \(error)")
            exit(3)
        }
    }
}
