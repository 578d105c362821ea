/// Evidence that the seat's keyboard focus is inside a session's region (DESIGN §3.3).
///
/// Without a window system we cannot ask where focus is, so we reason from the actions
/// that move it: keys are allowed only while the session's most recent click inside its
/// region is newer than every focus-changing action (any human click, a human Alt/Super
/// chord, another agent's click, and any agent's Alt/Super chord, its own included).
///
/// Actions are recorded when the engine accepts them: gestures run on the seat in
/// acceptance order, so acceptance order is the order focus really changes in.
public struct FocusEvidence: Hashable, Sendable {
    /// Who moved focus last, for the rejection sentence.
    public enum Change: Hashable, Sendable {
        case humanClick
        case humanChord
        case agentClick(SessionID)
        case agentChord(SessionID)
        /// A window system (the X11 adapter) reported focus on a window away from the
        /// latest click: something we cannot see (a dialog, an app stealing focus) moved it.
        case windowSystem(WindowID?)
        /// With a window system: an agent's pointer gesture started, so focus may have
        /// followed the pointer or the click (into that agent's window, if it holds one there).
        case agentPointer(SessionID)
    }

    /// The focused window as the window system reports it, once it reported anything.
    public struct ReportedFocus: Hashable, Sendable {
        public var window: WindowID?
        public var geometry: Region?
    }

    /// The session whose own click is the latest focus change, and where it clicked.
    public private(set) var holder: SessionID?
    public private(set) var holderClick: Point?
    /// The latest focus change of any kind and when it was accepted.
    public private(set) var lastChange: Change?
    public private(set) var lastChangeAt: Instant?
    /// Set once a window system reports focus (X11 adapter); nil without one.
    public private(set) var reported: ReportedFocus?

    public init() {}

    /// A session clicked (pressed a button) at `point`.
    public mutating func agentClicked(_ session: SessionID, at point: Point, time: Instant) {
        holder = session
        holderClick = point
        lastChange = .agentClick(session)
        lastChangeAt = time
    }

    /// A session's Alt/Super chord (Alt+Tab, Super, Alt with any key) may move focus
    /// anywhere, out of its own window too: nobody's evidence survives, the sender's
    /// included, so it must click in its region again before it types.
    public mutating func agentChord(_ session: SessionID, time: Instant) {
        holder = nil
        holderClick = nil
        lastChange = .agentChord(session)
        lastChangeAt = time
    }

    /// Window-system mode: a session's Alt/Super chord started on the seat. Where focus
    /// goes is unknown until the window system reports it again, so keys queued behind
    /// the chord are dropped when they would start.
    public mutating func focusChordStarted(by session: SessionID, time: Instant) {
        guard reported != nil else { return }
        reported = ReportedFocus(window: nil, geometry: nil)
        lastChange = .agentChord(session)
        lastChangeAt = time
    }

    /// The human clicked or pressed an Alt/Super chord: nobody has evidence any more.
    public mutating func human(_ change: Change, time: Instant) {
        holder = nil
        holderClick = nil
        lastChange = change
        lastChangeAt = time
    }

    /// The window system reports which window has focus (nil: none, or unknown). A
    /// report that agrees with the latest click (the window holds the click point) keeps
    /// that evidence; any other report is a focus change nobody here made.
    public mutating func windowSystemReports(_ window: WindowID?, geometry: Region?, time: Instant) {
        let previous = reported
        reported = ReportedFocus(window: window, geometry: geometry)
        if let p = holderClick, let g = geometry, g.contains(p) { return }
        if previous == reported { return }
        holder = nil
        holderClick = nil
        lastChange = .windowSystem(window)
        lastChangeAt = time
    }

    /// True when `session`'s latest click is the latest focus change and lies in
    /// `region`, or when the window system reports a focused window lying in `region`.
    @inlinable
    public func proves(_ session: SessionID, in region: Region) -> Bool {
        if holder == session, let p = holderClick, region.contains(p) { return true }
        if let g = reported?.geometry { return region.contains(g) }
        return false
    }

    /// Window-system mode (`EngineConfig.windowSystemFocus`): an agent's pointer gesture
    /// started on the seat and leaves the pointer at a point inside `window` (the
    /// session's window lease there, with its geometry), or inside no leased window
    /// (`nil`). Under pointer-root focus keys follow the pointer, under click-to-focus
    /// they follow the click; either way the focus is now predicted to be there until
    /// the window system reports again. Without this, a key gesture queued behind another
    /// agent's click would be played into that agent's window.
    public mutating func pointerGestureStarted(by session: SessionID, window: WindowID?, geometry: Region?, time: Instant) {
        let predicted = ReportedFocus(window: window, geometry: window == nil ? nil : geometry)
        guard predicted != reported else { return }
        reported = predicted
        lastChange = .agentPointer(session)
        lastChangeAt = time
    }

    /// Window-system mode: whether keys for a lease on `area` go where they should: the
    /// focused window is the leased window (window leases), or lies inside the region.
    @inlinable
    public func windowSystemProves(_ area: LeaseArea) -> Bool {
        guard let r = reported else { return false }
        switch area {
        case .window(let w, _): return r.window == w
        case .region(let region): return r.geometry.map { region.contains($0) } ?? false
        }
    }

    /// Forgets a session (disconnect), so a new session reusing the id starts without evidence.
    public mutating func forget(_ session: SessionID) {
        if holder == session { holder = nil; holderClick = nil }
    }
}
