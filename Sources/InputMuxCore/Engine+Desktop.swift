/// The desktop's layout changes while the daemon runs (DESIGN §5: with the X11 adapter
/// the geometry comes from RandR, and a monitor can be added, removed or resized).
extension Engine {
    /// Adopts `r` as the desktop. Region leases with no pixel left on it end with
    /// `desktop_changed`; a lease partly on it stays, and the gate refuses positions off
    /// the desktop. Window leases follow their window instead (a window manager usually
    /// moves windows back onto the remaining screens right after). Gestures compiled for
    /// the old layout stop, what every session's devices hold is released, and the
    /// devices are replaced by ones whose absolute axes span the new desktop.
    mutating func desktopChanged(to r: Region, into out: inout some EngineOutput) {
        guard !isShutDown, !r.isEmpty, r != desktop else { return }
        let old = desktop
        desktop = r
        out.audit(AuditEvent(time: now, identity: nil, lease: nil, action: "desktop", points: corners(r),
                             decision: .observed, reason: .desktopChanged,
                             message: "the desktop changed from \(old) to \(r) (the display's layout changed)"))
        for l in leases.all where l.resources.area.window == nil && !l.region.overlaps(r) {
            endLease(l.id, Rejection(.desktopChanged, "lease \(l.id) ended: its region \(l.region) lies outside the new "
                + "desktop \(r) (the display's layout changed); acquire a region inside it"), into: &out)
        }
        let why = Rejection(.desktopChanged, "the desktop changed from \(old) to \(r); send the gesture again")
        for s in sessions.keys {
            cancelSeatWork(of: s, because: why, reply: true, into: &out)
            neutralize(s, pointer: true, keyboard: true, into: &out)
            // The new devices start with no position: the next positioned gesture sets it.
            sessions[s]?.absX = nil
            sessions[s]?.absY = nil
            sessions[s]?.planned = nil
            if cursorMover == .agent(s) { cursorMover = .nobody }
            if let identity = profiles[s]?.identity { out.device(.replace(identity, desktop: r)) }
        }
    }
}
