/// How fast the daemon plays a gesture (DESIGN §3, "Atomic gestures").
///
/// Real applications drop or misread input that arrives faster than a person could
/// produce it: GTK and Wayland clients need a press and its release in different frames
/// and some milliseconds apart, and a click right after a move can land before the
/// client has seen the pointer enter. Every wait here exists for one such reason.
public struct Pacing: Hashable, Sendable {
    /// Press → release of the same key or button. GTK/Wayland apps need about 10–20 ms.
    public var minimumHold: Duration
    /// Release → next press within a double or triple click. Far below any desktop's
    /// double-click time (typically 400 ms) so the clicks group.
    public var doubleClickInterval: Duration
    /// Press → release of a typed character (`type`). Keyboard clients take key events
    /// from their queue in order, so a keystroke needs only the hold DESIGN §3 names as
    /// the floor (10 ms), not the longer one clicks get.
    public var typingHold: Duration
    /// Release of one typed character → press of the next (the typing cadence). Press
    /// and release are separate frames whatever it is.
    public var typingInterval: Duration
    /// Move → press, so the client has seen the pointer at its target before the press.
    public var moveSettle: Duration
    /// Between the intermediate moves of a drag (and after its press and before its
    /// release), so drag-and-drop sources see motion as motion.
    public var dragStepInterval: Duration
    /// Longest straight step of a drag in pixels; longer segments get intermediate
    /// points (on the segment, so inside any rectangle holding both ends). 0 = no
    /// interpolation.
    public var dragStepPixels: Int32
    /// Between successive wheel frames of one scroll (one notch per frame at most).
    public var scrollStepInterval: Duration
    /// Pixels one wheel notch scrolls, for scrolls given in pixels.
    public var pixelsPerNotch: Int32

    public init(
        minimumHold: Duration = .milliseconds(15),
        doubleClickInterval: Duration = .milliseconds(60),
        typingHold: Duration = .milliseconds(10),
        typingInterval: Duration = .milliseconds(2),
        moveSettle: Duration = .milliseconds(10),
        dragStepInterval: Duration = .milliseconds(8),
        dragStepPixels: Int32 = 32,
        scrollStepInterval: Duration = .milliseconds(10),
        pixelsPerNotch: Int32 = 50
    ) {
        self.minimumHold = minimumHold
        self.doubleClickInterval = doubleClickInterval
        self.typingHold = typingHold
        self.typingInterval = typingInterval
        self.moveSettle = moveSettle
        self.dragStepInterval = dragStepInterval
        self.dragStepPixels = dragStepPixels
        self.scrollStepInterval = scrollStepInterval
        self.pixelsPerNotch = pixelsPerNotch
    }

    /// The daemon's default pacing.
    public static let standard = Pacing()

    /// No waits at all (tests, benchmarks, XTest sandboxes). Press and release still
    /// never share a frame: the compiler keeps that rule whatever the pacing.
    public static let unpaced = Pacing(
        minimumHold: .zero, doubleClickInterval: .zero, typingHold: .zero, typingInterval: .zero, moveSettle: .zero,
        dragStepInterval: .zero, dragStepPixels: 0, scrollStepInterval: .zero, pixelsPerNotch: 50)

    /// The hold configuration should stay within: shorter and GTK/Wayland apps miss
    /// clicks, longer and agents feel sluggish and clicks start to look like long-presses.
    public static let recommendedHold: ClosedRange<Duration> = .milliseconds(10) ... .milliseconds(20)

    /// Why this pacing cannot be used, or nil. Configuration calls it at start.
    public var problem: String? {
        let waits: [(String, Duration)] = [
            ("minimum_hold", minimumHold), ("double_click_interval", doubleClickInterval),
            ("typing_hold", typingHold), ("typing_interval", typingInterval), ("move_settle", moveSettle),
            ("drag_step_interval", dragStepInterval), ("scroll_step_interval", scrollStepInterval),
        ]
        for (name, d) in waits where d < .zero || d > .seconds(1) {
            return "\(name) must lie within 0 ms … 1 s (got \(d))"
        }
        if pixelsPerNotch < 1 { return "pixels_per_notch must be at least 1 (got \(pixelsPerNotch))" }
        if dragStepPixels < 0 { return "drag_step_pixels must be 0 (no interpolation) or more (got \(dragStepPixels))" }
        return nil
    }
}
