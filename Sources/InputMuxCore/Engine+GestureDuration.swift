/// A gesture's duration is bounded (issue 15, seat hogging): one 8 KB drag compiled to
/// tens of thousands of frames would keep the seat, and every other agent off it, for
/// minutes. The bound is checked on the compiled frames, at the configured pacing, when
/// the gesture is accepted (nothing is sent) and again when it starts.
extension Engine {
    /// The refusal for frames that would keep the seat longer than
    /// `EngineConfig.maximumGestureDuration`, or nil.
    func durationRefusal(_ g: Gesture, _ frames: [TimedFrame]) -> Rejection? {
        guard let last = frames.last?.offset, last > config.maximumGestureDuration else { return nil }
        let ms = last.nanosecondCount / 1_000_000
        let max = config.maximumGestureDuration.nanosecondCount / 1_000_000
        return Rejection(.tooLarge, "\(g.kind) too long: it would keep the seat for \(ms) ms at the configured pacing, "
            + "the maximum gesture duration is \(max) ms (max_gesture_ms); split it into shorter gestures")
    }
}
