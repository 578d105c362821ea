import Subprocess

/// How a child process ended.
public enum Termination: Hashable, Sendable, CustomStringConvertible {
    case exited(Int32)
    case signaled(Int32)

    init(_ status: TerminationStatus) {
        switch status {
        case .exited(let code): self = .exited(code)
        case .signaled(let signal): self = .signaled(signal)
        }
    }

    /// Exited with status 0.
    public var isSuccess: Bool { self == .exited(0) }

    /// The shell's number: the exit status, or 128 + the signal.
    public var code: Int32 {
        switch self {
        case .exited(let c): return c
        case .signaled(let s): return 128 + s
        }
    }

    public var description: String {
        switch self {
        case .exited(let c): return "exit status \(c)"
        case .signaled(let s): return "signal \(s)"
        }
    }
}
