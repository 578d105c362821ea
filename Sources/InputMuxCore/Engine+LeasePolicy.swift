/// What policy lets a session hold: the one check an acquire and a reassign both make,
/// so that handing a lease to a session never gives it more than it could ask for itself.
extension Engine {
    /// Why `s` may not hold `resources` (the verb names the request in the sentence), or
    /// `nil` when its policy allows them: the `agent` right, a region inside the desktop,
    /// and inside one of the session's allowed regions. Names were checked when the
    /// session said hello, and its policy is the rule that admitted that name.
    func leasePolicyRefusal(for s: SessionID, _ resources: LeaseResources, verb: String) -> Rejection? {
        guard let state = profiles[s] else {
            return Rejection(.unknownSession, "\(verb) refused: session #\(s) is not connected")
        }
        let r = resources.region
        if !resources.pointer && !resources.keyboard {
            return Rejection(.invalidRegion, "\(verb) refused: the request asks for neither pointer nor keyboard")
        }
        if !state.policy.rights.contains(.agent) {
            return Rejection(.notAllowed, "\(verb) refused: policy does not give \(state.identity) the `agent` right, "
                + "so it may hold no lease; add \"agent\" to its rule's rights")
        }
        if r.isEmpty || !desktop.contains(r) {
            return Rejection(.invalidRegion, "\(verb) refused: \(resources.area) is empty or not inside the desktop "
                + "\(desktop); ask for a region inside it")
        }
        if let allowed = state.policy.allowedRegions, !allowed.contains(where: { $0.contains(r) }) {
            return Rejection(.notAllowed, "\(verb) refused: policy allows \(state.identity) only "
                + allowed.map(\.description).joined(separator: " or ") + "; ask for a region inside one of them")
        }
        return nil
    }

    /// Why holding `resources` needs an operator's approval first (a sensitive region it
    /// overlaps, or the policy layer's flag), or `nil` when it does not.
    func approvalReason(for resources: LeaseResources, flagged: Bool) -> String? {
        if let sensitive = config.sensitiveRegions.first(where: { $0.overlaps(resources.region) }) {
            return "overlaps sensitive region \(sensitive)"
        }
        return flagged ? "is marked sensitive by policy" : nil
    }
}
