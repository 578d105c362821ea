/// How an agent names a sway window: by con_id, or by app_id, title and pid together
/// (each optional, all given must hold).
public enum SwayWindowMatch: Hashable, Sendable, CustomStringConvertible {
    case conID(Int64)
    /// `appID`: the app_id, or an Xwayland window's class or instance, equal to this
    /// (case-insensitive), as the X11 adapter matches WM_CLASS; `title`: contained in the
    /// title; `pid`: the client's process.
    case match(appID: String?, title: String?, pid: Int32?)

    public var description: String {
        switch self {
        case .conID(let c): "con_id \(c)"
        case .match(let a, let t, let p):
            [a.map { "app_id \"\($0)\"" }, t.map { "title containing \"\($0)\"" }, p.map { "pid \($0)" }]
                .compactMap { $0 }.joined(separator: " and ")
        }
    }

    /// Whether `view` fits this match.
    public func accepts(_ view: SwayView) -> Bool {
        switch self {
        case .conID(let c): return view.conID == c
        case .match(let a, let t, let p):
            if let a {
                let wanted = a.lowercased()
                guard [view.appID, view.windowClass, view.windowInstance].contains(where: { $0?.lowercased() == wanted }) else { return false }
            }
            if let t { guard let name = view.name, name.contains(t) else { return false } }
            if let p { guard view.pid == p else { return false } }
            return true
        }
    }
}

extension SwayTree {
    /// The one window `match` names: by con_id (it must exist), or the one window that
    /// fits. None, or several, is an error that says so and what to do.
    public func find(_ match: SwayWindowMatch) throws(SwayError) -> SwayView {
        if case .conID(let c) = match {
            guard let v = view(c) else { throw .noSuchWindow(c) }
            return v
        }
        let found = views.filter(match.accepts)
        guard let first = found.first else { throw .noMatchingWindow(match.description) }
        guard found.count == 1 else { throw .ambiguousMatch(match.description, found.map(\.conID)) }
        return first
    }
}
