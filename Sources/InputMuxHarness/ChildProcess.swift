import Glibc
import InputMuxSystem
import Subprocess
import Synchronization
import SystemPackage

/// A child process of a test or benchmark, started through swift-subprocess (which
/// spawns it with an empty signal mask and default dispositions, so it reacts to
/// SIGTERM even when the starting thread blocks signals) and driven synchronously:
/// read its output line by line, write its input, wait with a deadline, stop it.
///
/// Signals go through swift-subprocess's `Execution`, held for as long as the child
/// exists, so they go to a process descriptor and never to a reused pid.
public final class ChildProcess {
    /// Where one of the child's output streams goes.
    public enum Destination: Sendable {
        /// /dev/null.
        case discarded
        /// A pipe this object reads (`lines`, `waitForLine`); for standard output only.
        case captured
        /// This process's own stream.
        case inherited
        /// Appended to the file at this path (created 0644).
        case file(String)
        /// Wherever standard output goes; for standard error only.
        case standardOutput
    }

    /// What the child reads on its standard input.
    public enum Source {
        /// /dev/null.
        case none
        /// A pipe this object writes (`write`, `closeInput`).
        case pipe
        /// This descriptor (a duplicate goes to the child; yours stays open). The one way
        /// to hand a child a particular descriptor: swift-subprocess closes every other
        /// one above 2 in the child.
        case descriptor(FileDescriptor)
    }

    /// What the child was started as, for messages.
    public let command: String
    public let pid: pid_t
    private let shared: Shared
    /// Our end of the child's standard input, until `closeInput`.
    private var input: FileDescriptor?
    private let output: FileDescriptor?
    private var reader = LineReader(maximumLine: 1 << 20)
    /// Every line the child printed on a captured standard output, so far.
    public private(set) var lines: [String] = []

    /// Starts `executable` (a path) with `arguments`, this process's environment with
    /// `environment` laid over it, in `workingDirectory` (or here). `ownProcessGroup`:
    /// the child leads a new process group (`send(_:toGroup:)` reaches what it starts).
    public init(
        _ executable: String, _ arguments: [String] = [], environment: [String: String] = [:],
        workingDirectory: String? = nil, input: Source = .none,
        output: Destination = .captured, error: Destination = .discarded, ownProcessGroup: Bool = false
    ) throws(HarnessError) {
        let command = ([executable] + arguments).joined(separator: " ")
        self.command = command
        guard access(executable, X_OK) == 0 else {
            throw HarnessError("\(executable) is missing or not executable: build it, or install it (`bash scripts/deps.sh`)")
        }
        var opened: [FileDescriptor] = []
        func fail(_ why: String) -> HarnessError {
            for fd in opened { try? fd.close() }
            return HarnessError("cannot start \(command): \(why)")
        }
        func open(_ path: String, _ mode: FileDescriptor.AccessMode, _ options: FileDescriptor.OpenOptions = []) throws(HarnessError) -> FileDescriptor {
            do {
                let fd = try FileDescriptor.open(FilePath(path), mode, options: options.union(.closeOnExec), permissions: [.ownerReadWrite, .groupRead, .otherRead])
                opened.append(fd)
                return fd
            } catch { throw fail("\(path): \(error)") }
        }
        func pipe() throws(HarnessError) -> (read: FileDescriptor, write: FileDescriptor) {
            do {
                let p = try FileDescriptor.pipe()
                opened += [p.readEnd, p.writeEnd]
                for fd in [p.readEnd, p.writeEnd] { _ = fcntl(fd.rawValue, F_SETFD, FD_CLOEXEC) }
                return (p.readEnd, p.writeEnd)
            } catch { throw fail("pipe: \(error)") }
        }
        func duplicate(_ fd: FileDescriptor) throws(HarnessError) -> FileDescriptor {
            let d = fcntl(fd.rawValue, F_DUPFD_CLOEXEC, 0)
            guard d >= 0 else { throw fail("dup: \(Errno(rawValue: errno))") }
            opened.append(FileDescriptor(rawValue: d))
            return FileDescriptor(rawValue: d)
        }

        // The child's ends (closed here once it runs) and ours.
        let childInput: FileDescriptor
        switch input {
        case .pipe:
            let p = try pipe()
            childInput = p.read
            self.input = p.write
        case .none:
            childInput = try open("/dev/null", .readOnly)
            self.input = nil
        case .descriptor(let fd):
            childInput = try duplicate(fd)
            self.input = nil
        }
        var childOutput: FileDescriptor
        var ours: FileDescriptor?
        switch output {
        case .captured, .standardOutput:
            let p = try pipe()
            childOutput = p.write
            ours = p.read
        case .discarded: childOutput = try open("/dev/null", .writeOnly)
        case .inherited: childOutput = try duplicate(.standardOutput)
        case .file(let path): childOutput = try open(path, .writeOnly, [.create, .append])
        }
        self.output = ours
        let childError: FileDescriptor
        switch error {
        case .discarded: childError = try open("/dev/null", .writeOnly)
        case .inherited: childError = try duplicate(.standardError)
        case .file(let path): childError = try open(path, .writeOnly, [.create, .append])
        case .standardOutput, .captured: childError = try duplicate(childOutput)
        }
        if let ours { _ = fcntl(ours.rawValue, F_SETFL, fcntl(ours.rawValue, F_GETFL) | O_NONBLOCK) }

        var overrides: [Environment.Key: String?] = [:]
        for (k, v) in environment { overrides[Environment.Key(stringLiteral: k)] = v }
        let shared = Shared()
        self.shared = shared
        let arguments = Arguments(arguments)
        let directory = workingDirectory.map { FilePath($0) }
        var options = PlatformOptions()
        if ownProcessGroup { options.processGroupID = 0 }
        let request = LaunchRequest(
            executable: FilePath(executable), arguments: arguments, environment: .inherit.updating(overrides),
            workingDirectory: directory, options: options, input: childInput, output: childOutput, error: childError)
        Self.start(request, shared)
        // Ours is everything we opened but the child's ends, which swift-subprocess closes.
        let childEnds = Set([childInput, childOutput, childError].map(\.rawValue))
        opened.removeAll { childEnds.contains($0.rawValue) }
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            switch shared.launch {
            case .running(let pid):
                self.pid = pid
                return
            case .failed(let why):
                for fd in opened { try? fd.close() }
                throw HarnessError("cannot start \(command): \(why)")
            case .pending:
                guard ContinuousClock.now < deadline else {
                    for fd in opened { try? fd.close() }
                    throw HarnessError("cannot start \(command): swift-subprocess did not report it within 30 s")
                }
                usleep(500)
            }
        }
    }

    deinit {
        if isRunning { kill() }
        try? input?.close()
        try? output?.close()
    }

    /// Whether the child has not exited yet.
    public var isRunning: Bool { shared.termination == nil }

    /// How it ended, once it has.
    public var termination: Termination? { shared.termination }

    /// Waits up to `timeout` for the child to end by itself; nil when it still runs.
    @discardableResult
    public func wait(timeout: Duration) -> Termination? {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let t = shared.termination { return t }
            if ContinuousClock.now >= deadline { return nil }
            usleep(1000)
        }
    }

    /// Sends `signal` while the child exists (nothing once it has exited); with
    /// `toGroup`, to its whole process group (started with `ownProcessGroup`).
    public func send(_ signal: Int32, toGroup: Bool = false) {
        shared.send(Signal(rawValue: signal), toGroup: toGroup)
    }

    /// SIGTERM, then SIGKILL once `grace` has passed; how it ended.
    @discardableResult
    public func stop(grace: Duration = .seconds(3)) -> Termination {
        if let t = shared.termination { return t }
        send(SIGTERM)
        if let t = wait(timeout: grace) { return t }
        return kill()
    }

    /// SIGKILL, and waits until it has ended.
    @discardableResult
    public func kill() -> Termination {
        send(SIGKILL)
        while true {
            if let t = wait(timeout: .seconds(60)) { return t }
        }
    }

    /// Writes `text` to the child's standard input (started with `input: .pipe`); false
    /// once the child no longer reads it.
    @discardableResult
    public func write(_ text: String) -> Bool {
        guard let input else { return false }
        return (try? input.writeAll(text.utf8)) != nil
    }

    /// Closes the child's standard input (it reads its end).
    public func closeInput() {
        try? input?.close()
        input = nil
    }

    /// Reads what the child printed within `timeout` into `lines`; the lines that came
    /// (returns once some came).
    @discardableResult
    public func readLines(timeout: Duration) -> [String] {
        guard let output else { return [] }
        let deadline = ContinuousClock.now + timeout
        var new: [String] = []
        repeat {
            let left = deadline - ContinuousClock.now
            if !output.waitReadable(timeout: min(max(left, .zero), .milliseconds(50))) { continue }
            while let n = try? reader.fill(from: output), n > 0 {}
            while let line = try? reader.nextLine() { new.append(String(decoding: line, as: UTF8.self)) }
            if reader.atEnd { break }
        } while new.isEmpty && ContinuousClock.now < deadline
        lines += new
        return new
    }

    /// Waits until a line printed since the start satisfies `match` (returns it), or
    /// `timeout` passes (nil).
    public func waitForLine(timeout: Duration, _ match: (String) -> Bool) -> String? {
        let deadline = ContinuousClock.now + timeout
        var seen = 0
        while true {
            while seen < lines.count { if match(lines[seen]) { return lines[seen] }; seen += 1 }
            let left = deadline - ContinuousClock.now
            if left <= .zero { return nil }
            if reader.atEnd {
                // Its output has ended: nothing more can match.
                return nil
            }
            readLines(timeout: min(left, .milliseconds(50)))
        }
    }

    /// Waits until `ready` holds, checking every few milliseconds; fails when the child
    /// exits first or `timeout` passes, with `what` and `detail()` (a log tail, say) in
    /// the sentence.
    public func waitUntil(_ what: String, timeout: Duration, detail: () -> String = { "" }, _ ready: () -> Bool) throws(HarnessError) {
        let deadline = ContinuousClock.now + timeout
        while !ready() {
            if let t = termination {
                throw HarnessError("\(command) ended (\(t)) before \(what)\(Self.suffix(detail()))")
            }
            if ContinuousClock.now >= deadline {
                throw HarnessError("\(command): not \(what) within \(timeout)\(Self.suffix(detail()))")
            }
            readLines(timeout: .milliseconds(10))
        }
    }

    private static func suffix(_ detail: String) -> String { detail.isEmpty ? "" : ": \(detail)" }

    /// The output lines of a command run to its end (see `run`); a failure only when it
    /// cannot start or does not finish.
    public static func outputLines(_ executable: String, _ arguments: [String] = [], timeout: Duration = .seconds(20)) throws(HarnessError) -> [String] {
        try run(executable, arguments, timeout: timeout).lines
    }

    /// Runs a command to its end; how it ended and its output lines (standard error
    /// with them when `mergeErrors`). Killed and reported when it takes longer than
    /// `timeout`.
    public static func run(
        _ executable: String, _ arguments: [String] = [], environment: [String: String] = [:],
        mergeErrors: Bool = true, timeout: Duration = .seconds(20)
    ) throws(HarnessError) -> (termination: Termination, lines: [String]) {
        let child = try ChildProcess(executable, arguments, environment: environment, error: mergeErrors ? .standardOutput : .discarded)
        let deadline = ContinuousClock.now + timeout
        while child.isRunning {
            guard ContinuousClock.now < deadline else {
                child.kill()
                throw HarnessError("\(child.command) did not finish within \(timeout)")
            }
            child.readLines(timeout: .milliseconds(20))
        }
        while !child.readLines(timeout: .milliseconds(1)).isEmpty {}
        return (child.termination!, child.lines)
    }

    /// Everything one start hands to swift-subprocess.
    private struct LaunchRequest: Sendable {
        var executable: FilePath
        var arguments: Arguments
        var environment: Environment
        var workingDirectory: FilePath?
        var options: PlatformOptions
        var input, output, error: FileDescriptor
    }

    /// Starts `launch` on the harness's executor.
    private static func start(_ request: LaunchRequest, _ shared: Shared) {
        Task(executorPreference: HarnessExecutor.shared) { await launch(request, shared) }
    }

    /// Runs the child through swift-subprocess and reports to `shared`: started, exited,
    /// or why it could not start.
    private static func launch(_ r: LaunchRequest, _ shared: Shared) async {
        do {
            let result = try await Subprocess.run(
                .path(r.executable), arguments: r.arguments, environment: r.environment,
                workingDirectory: r.workingDirectory, platformOptions: r.options,
                input: .fileDescriptor(r.input, closeAfterSpawningProcess: true),
                output: .fileDescriptor(r.output, closeAfterSpawningProcess: true),
                error: .fileDescriptor(r.error, closeAfterSpawningProcess: true)
            ) { execution in
                shared.started(execution)
                // Hold the execution (and its process descriptor) until the child has
                // exited; it is reaped only after this returns. How it ended is known
                // here already: a caller waiting for it needs nothing more to run (the
                // rest of `run` needs Swift's shared pool, which such a caller may block).
                shared.exited(await exit(of: execution.processIdentifier.value))
            }
            shared.exited(Termination(result.terminationStatus))
        } catch {
            shared.failed("\(error)")
        }
    }

    /// How the child ended, once it has: waited for on a thread of its own, without
    /// reaping it (swift-subprocess reaps it after the body returns), so nothing wakes
    /// while the child runs. The corresponding C function is `waitid` (WNOWAIT).
    private static func exit(of pid: pid_t) async -> Termination {
        await withCheckedContinuation { (done: CheckedContinuation<Termination, Never>) in
            DetachedThread.start {
                done.resume(returning: ExitStatus.wait(for: pid))
            }
        }
    }
}

/// What the launching task and the child's owner share.
private final class Shared: Sendable {
    enum Launch { case pending, running(pid_t), failed(String) }
    typealias Running = Execution<FileDescriptorInput, FileDescriptorOutput, FileDescriptorOutput>
    private struct State {
        var launch = Launch.pending
        var execution: Running?
        var termination: Termination?
    }
    private let state = Mutex(State())

    var launch: Launch { state.withLock { $0.launch } }
    var termination: Termination? { state.withLock { $0.termination } }

    func started(_ execution: Running) {
        state.withLock {
            $0.execution = execution
            $0.launch = .running(execution.processIdentifier.value)
        }
    }

    /// The child exited (the first report counts): no signal may go through its
    /// execution any more.
    func exited(_ t: Termination) {
        state.withLock {
            $0.execution = nil
            if $0.termination == nil { $0.termination = t }
        }
    }

    func failed(_ why: String) {
        state.withLock {
            $0.execution = nil
            if case .pending = $0.launch {
                $0.launch = .failed(why)
            } else if $0.termination == nil {
                $0.termination = .exited(-1)
            }
        }
    }

    func send(_ signal: Signal, toGroup: Bool) {
        state.withLock { s in try? s.execution?.send(signal: signal, toProcessGroup: toGroup) }
    }
}
