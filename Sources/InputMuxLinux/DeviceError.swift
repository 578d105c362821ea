import SystemPackage

/// Why a device operation failed, worded so the reader knows what to do next.
public enum DeviceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `/dev/uinput` does not exist.
    case uinputMissing
    /// `/dev/uinput` exists but this process may not open it.
    case uinputPermissionDenied
    /// An input node exists but this process may not open it.
    case permissionDenied(path: String)
    /// The node does not exist (unplugged, or a wrong path).
    case notFound(path: String)
    /// The device went away while in use (unplugged: `ENODEV`).
    case deviceGone(path: String)
    /// Another process holds an exclusive grab on the device.
    case busy(path: String, holder: String?)
    /// A safe grab gave up because keys stayed down for the whole wait.
    case keysHeld(path: String, keys: [UInt16], waited: Duration)
    /// A virtual device was created but its node or its udev record did not appear in time.
    case notSettled(what: String, waited: Duration)
    /// The kernel made the input device but gave it no event node: every input minor is
    /// taken (1024 in all, shared by evdev, mousedev and joydev).
    case noFreeInputMinors(sysname: String, eventNodes: Int)
    /// libudev could not be initialised or queried.
    case udev(String)
    /// Any other failure of a system call, with the call and the object it was about.
    case system(call: String, path: String, errno: Errno)

    public var description: String {
        switch self {
        case .uinputMissing:
            return "no /dev/uinput: load the uinput module (modprobe uinput)"
        case .uinputPermissionDenied:
            return "permission denied on /dev/uinput: run as root, or install InputMux's udev rule that grants the inputmux group access"
        case .permissionDenied(let path):
            return "permission denied on \(path): run as root or add the user to group input"
        case .notFound(let path):
            return "\(path) does not exist: the device was unplugged, or the path is wrong (see /dev/input/by-id)"
        case .deviceGone(let path):
            return "\(path) went away (unplugged): it is dropped until it is plugged in again"
        case .busy(let path, let holder):
            let who = holder.map { "it is grabbed by \($0)" } ?? "another process grabbed it (look for it with: fuser -v \(path))"
            return "\(path) is busy: \(who); stop that process, or configure InputMux to leave this device alone"
        case .keysHeld(let path, let keys, let waited):
            let names = keys.map { "\($0)" }.joined(separator: ",")
            return "not grabbing \(path): keys [\(names)] stayed down for \(waited); release them and the grab is retried"
        case .notSettled(let what, let waited):
            return "\(what) did not settle within \(waited): check that systemd-udevd is running (udevadm control --ping)"
        case .noFreeInputMinors(let sysname, let nodes):
            return "the kernel created \(sysname) but gave it no event node: its input minors are used up (1024, shared by event, mouse and js nodes; \(nodes) event nodes exist now, and each agent session takes 3); end idle sessions (muxctl sessions, muxctl revoke) or lower max_sessions in the policy"
        case .udev(let why):
            return "libudev: \(why): check that /sys and /run/udev are mounted and systemd-udevd is running"
        case .system(let call, let path, let errno):
            return "\(call) on \(path) failed: \(errno) (errno \(errno.rawValue))"
        }
    }

    /// Maps a failed open of an input node to the error a user can act on.
    static func opening(_ path: String, _ errno: Errno) -> DeviceError {
        switch errno {
        case .permissionDenied, .notPermitted: return .permissionDenied(path: path)
        case .noSuchFileOrDirectory: return .notFound(path: path)
        case .noSuchAddressOrDevice, .operationNotSupportedByDevice: return .deviceGone(path: path)
        default: return .system(call: "open", path: path, errno: errno)
        }
    }

    /// Maps a failed open of `/dev/uinput` (by us or by libevdev).
    static func openingUinput(_ errno: Errno) -> DeviceError {
        switch errno {
        case .noSuchFileOrDirectory, .noSuchAddressOrDevice, .operationNotSupportedByDevice: return .uinputMissing
        case .permissionDenied, .notPermitted: return .uinputPermissionDenied
        default: return .system(call: "open", path: "/dev/uinput", errno: errno)
        }
    }

    /// Maps a failure of an operation on an open device.
    static func operating(_ call: String, _ path: String, _ errno: Errno) -> DeviceError {
        switch errno {
        case .operationNotSupportedByDevice, .noSuchAddressOrDevice: return .deviceGone(path: path)
        default: return .system(call: call, path: path, errno: errno)
        }
    }
}
