import InputMuxCore
import InputMuxLinux
import InputMuxSight
import InputMuxWire
import SystemPackage

/// Captures (DESIGN §5b): the engine allows and orders them, the capture worker makes
/// them off this thread, the engine checks and audits each made image, and the reply
/// carries it inline or as a sealed memfd.
extension EngineLoop {
    /// A capture request about to go to the engine: its options wait for the order.
    func asking(_ options: CaptureOptions?, from requester: Requester, id: RequestID) {
        guard let options else { return }
        captures.ask(CaptureDesk.Key(requester: requester, request: id), options, at: MonotonicClock.now())
    }

    /// After the engine handled a capture request: options it did not order go.
    func asked(from requester: Requester, id: RequestID) {
        captures.forget(CaptureDesk.Key(requester: requester, request: id))
    }

    /// The engine ordered a capture (called while it handles an input: nothing is fed
    /// back to it here).
    func ordered(_ order: CaptureOrder) {
        guard let sight, let asked = captures.take(for: order) else { return captures.cannotMake(order) }
        sight.submit(CaptureWorker.Job(order: order, options: asked.options, started: asked.at))
    }

    /// Orders that could not be made, answered now that the engine's turn is over.
    func answerUnmade() {
        for order in captures.takeUnmade() {
            handle(.captured(order, .failure(Rejection(.noCaptureSource,
                "capture refused: this daemon has no display to read; enable a window-system adapter in inputmux.toml ([x11] enabled = true, or [wayland] compositor = \"sway\")"))))
        }
    }

    /// Images the worker made: each is checked by the engine, which replies (or withholds it).
    func imagesMade() {
        guard let sight else { return }
        sight.wake.consume()
        for made in sight.collect() {
            switch made.result {
            case .success(let product):
                captures.hold(product, for: made.order)
                handle(.captured(made.order, .success(product.facts)))
                // Still here: the engine withheld it.
                captures.discard(made.order)
            case .failure(let r):
                handle(.captured(made.order, .failure(r)))
            }
        }
    }

    /// The engine's `captured` reply: the facts, the transform, and the image.
    func sendCaptured(_ order: CaptureOrder, _ facts: CaptureFacts, id: RequestID, to c: Connection) {
        guard let product = captures.product(for: order) else {
            return send(WireEncoding.reply(.rejected(Rejection(.captureFailed, "capture failed: the image was lost")), id: id), to: c)
        }
        let t = product.transform
        var passing: FileDescriptor?
        let payload: WireEncoding.CapturePayload
        switch product.payload {
        case .inline(let base64): payload = .inline(base64: base64)
        case .descriptor(let fd): payload = .descriptor; passing = fd
        }
        let message = WireEncoding.captured(order.lease, facts, origin: t.origin, scaleX: t.scaleX, scaleY: t.scaleY,
                                            payload: payload, id: id)
        connections.markQueued(c)
        closeIfSlow(c, accepted: c.sendCapture(message, passing: passing, maximumPending: limits.maximumOutboundBytes))
    }
}
