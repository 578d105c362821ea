/// The per-session rate limit on every request, not only gestures (DESIGN §3.5, issue
/// 15): acquire, release, heartbeat, status and supervise each take a token from the
/// session's bucket, and one that finds it empty is refused with `rate_limited`. Gestures
/// pay at the gate (`check`), refused ones included.
extension Engine {
    /// Takes a token for a request that is not a gesture; refuses it when there is none.
    mutating func admit(_ s: SessionID, _ request: RequestID, _ req: AgentRequest, into out: inout some EngineOutput) -> Bool {
        guard let state = sessions[s] else { return true }
        if state.bucket.allows(at: now) {
            sessions[s]!.bucket.take(at: now)
            return true
        }
        let verb = switch req {
        case .acquire: "acquire"
        case .release: "release"
        case .heartbeat: "heartbeat"
        case .status: "status"
        case .supervise: "supervise"
        case .capture: "capture"
        case .gesture(let g): g.kind
        }
        let limit = state.bucket.limit
        let r = Rejection(.rateLimited, "rate limited: more than \(limit.perSecond) requests per second (\(limit.burst) at once); "
            + "\(verb) refused, retry in \(state.bucket.wait(at: now))")
        out.reply(.rejected(r), to: .session(s), for: request)
        auditRefusal(AuditEvent(time: now, identity: profiles[s]?.identity, lease: nil, action: verb, decision: .rejected,
                                reason: .rateLimited, message: r.message), into: &out)
        return false
    }
}
