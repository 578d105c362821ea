import CInputMuxSys
import Foundation
import Glibc
import InputMuxCore
import InputMuxImage
import InputMuxLinux
import InputMuxSight
import InputMuxSystem
import Logging
import SystemPackage

/// Makes the captures the engine allowed (DESIGN §5b), on its own thread with its own
/// connection to the display, so reading pixels, settling, scaling and encoding never
/// hold up the engine thread, let alone the human's input.
///
/// Captures that settle wait side by side: one agent's two-second wait for a busy
/// window does not delay another's capture. Made images wait in `made` until the engine
/// thread, woken through `wake`, collects them.
final class CaptureWorker: @unchecked Sendable {
    // @unchecked: `jobs`, `made` and `stopping` are guarded by `lock`; the source and
    // the waiting list belong to the worker thread alone.

    struct Job: Sendable {
        var order: CaptureOrder
        var options: CaptureOptions
        /// When the request was decoded (a settle's maximum counts from here).
        var started: Instant
    }

    /// A made image and how it travels.
    struct Product: Sendable {
        var facts: CaptureFacts
        var transform: CaptureTransform
        var payload: Payload
    }

    enum Payload: Sendable {
        /// Base64 of the image bytes, for the reply's `data`.
        case inline(String)
        /// A sealed memfd holding the image bytes, sent with the reply.
        case descriptor(FileDescriptor)
    }

    struct Made: Sendable {
        var order: CaptureOrder
        var result: Result<Product, Rejection>
    }

    /// Fires when an image is made (the engine thread polls its fd).
    let wake: WakeSignal
    private let workerWake: WakeSignal
    private let lock = NSLock()
    private var jobs: [Job] = []
    private var made: [Made] = []
    private var stopping = false
    private var thread: Thread?
    private let openSource: @Sendable () throws(CaptureError) -> any CaptureSource
    private let logger: Logger
    /// Hashes beside delivery (`SideThread`).
    private let side: SideThread

    init(logger: Logger, openSource: @escaping @Sendable () throws(CaptureError) -> any CaptureSource) throws(DaemonError) {
        self.logger = logger
        self.openSource = openSource
        side = SideThread(logger: logger)
        wake = try WakeSignal()
        workerWake = try WakeSignal()
    }

    /// Starts the thread (and opens the source on it).
    func start() {
        let t = Thread { [self] in run() }
        t.name = "inputmuxd sight"
        thread = t
        t.start()
    }

    func submit(_ job: Job) {
        lock.lock()
        jobs.append(job)
        lock.unlock()
        workerWake.signal()
    }

    /// The images made so far (engine thread).
    func collect() -> [Made] {
        lock.lock()
        defer { lock.unlock() }
        let done = made
        made.removeAll()
        return done
    }

    func stop() {
        lock.lock()
        stopping = true
        lock.unlock()
        workerWake.signal()
    }

    // MARK: - The worker thread

    private func run() {
        AgentWork.lowerThisThread(logger: logger, thread: "inputmuxd sight")
        _ = inputmux_name_this_thread("inputmuxd sight")
        let source: (any CaptureSource)?
        var openFailure: CaptureError?
        do throws(CaptureError) {
            source = try openSource()
        } catch {
            source = nil
            openFailure = error
            logger.error("the capture source could not be opened: captures are refused", metadata: ["error": "\(error)"])
        }
        var waiting: [Job] = []
        while true {
            // Consumed before the jobs are taken: a job submitted after this point has
            // signalled again, so the poll below wakes for it.
            workerWake.consume()
            lock.lock()
            let stop = stopping
            let new = jobs
            jobs.removeAll()
            lock.unlock()
            if stop { break }
            for job in new {
                guard let source else {
                    finish(job.order, .failure(Rejection(.noCaptureSource,
                        "capture failed: the display cannot be read (\(openFailure?.description ?? "no source")); check [x11] or [wayland] in inputmux.toml and `muxctl doctor`")))
                    continue
                }
                if job.options.settle != nil {
                    do throws(CaptureError) { try source.watch(Self.target(job.order)) } catch {
                        finish(job.order, .failure(Rejection(.captureFailed, error.description)))
                        continue
                    }
                }
                waiting.append(job)
            }
            guard let source else { continue }
            let now = MonotonicClock.now()
            source.service(now: now)
            var next: Instant?
            waiting.removeAll { job in
                let target = Self.target(job.order)
                var settled: Bool?
                if let rule = job.options.settle {
                    let s = Settle(rule: rule, started: job.started, lastAction: job.order.lastAction)
                    switch s.decide(now: now, lastChange: source.lastChange(in: target)) {
                    case .wait(let until):
                        next = next.map { min($0, until) } ?? until
                        return false
                    case .capture(let ok):
                        settled = ok
                    }
                }
                if let failed = make(job, target: target, source: source, settled: settled, waited: now - job.started) {
                    finish(job.order, failed)
                }
                return true
            }
            var fds = [pollfd(fd: workerWake.fd, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: source.fileDescriptor, events: Int16(POLLIN), revents: 0)]
            if source.hasUnreadReports { continue }
            let timeout: Int32 = next.map { Int32(clamping: max(0, ($0.nanoseconds - MonotonicClock.now().nanoseconds + 999_999) / 1_000_000)) } ?? -1
            _ = try? pollRetryingOnInterrupt(&fds, timeoutMilliseconds: timeout)
        }
        side.stop()
        // Stopping: what still waits is answered, so no request stays unanswered.
        for job in waiting {
            finish(job.order, .failure(Rejection(.shutdown, "capture abandoned: the daemon is shutting down")))
        }
    }

    /// What the source shows for an order: a rectangle of the screen, or of a window's
    /// own contents (in the window's coordinates).
    static func target(_ order: CaptureOrder) -> CaptureTarget {
        switch order.area {
        case .region: return .screen(order.rect)
        case .window(let w, let g):
            return .window(w, rect: Region(x: order.rect.x - g.x, y: order.rect.y - g.y, width: order.rect.width, height: order.rect.height))
        }
    }

    /// Makes the image; a failure is returned, a success handed over by the side thread
    /// once hashed (nil here).
    private func make(_ job: Job, target: CaptureTarget, source: any CaptureSource, settled: Bool?,
                      waited: Duration) -> Result<Product, Rejection>? {
        let pixels: PixelImage
        do throws(CaptureError) {
            pixels = try source.capture(target)
        } catch {
            return .failure(Rejection(.captureFailed, error.description))
        }
        let cursor = job.order.cursor.flatMap { p in source.cursorImage().map { ($0, p) } }
        let image: RenderedImage
        do {
            image = try CaptureRenderer.render(pixels: pixels, rect: job.order.rect, box: job.options.box.map { ($0.width, $0.height) },
                                               format: job.options.format, quality: job.options.quality, cursor: cursor,
                                               hashing: false)
        } catch {
            return .failure(Rejection(.captureFailed, "capture failed: \(error)"))
        }
        // Made ready to travel here; hashed on the side thread, which then hands it over,
        // while this thread goes on to the next capture.
        let bytes = image.bytes
        let payload: Payload
        switch job.options.delivery {
        case .inline:
            payload = .inline(Data(bytes).base64EncodedString())
        case .fd:
            do throws(SealedMemory.Failure) {
                payload = .descriptor(try SealedMemory.make(name: "inputmux-capture", bytes: bytes))
            } catch {
                return .failure(Rejection(.captureFailed, "capture failed: \(error.description)"))
            }
        }
        let order = job.order, transform = image.transform, format = image.format.rawValue
        side.submit { [self] in
            let facts = CaptureFacts(rect: order.rect, width: transform.width, height: transform.height, format: format,
                                     bytes: bytes.count, sha256: RenderedImage.sha256(of: bytes), waited: waited, settled: settled)
            finish(order, .success(Product(facts: facts, transform: transform, payload: payload)))
        }
        return nil
    }

    private func finish(_ order: CaptureOrder, _ result: Result<Product, Rejection>) {
        lock.lock()
        made.append(Made(order: order, result: result))
        lock.unlock()
        wake.signal()
    }

    deinit {
        for m in made { if case .success(let p) = m.result, case .descriptor(let fd) = p.payload { try? fd.close() } }
    }
}
