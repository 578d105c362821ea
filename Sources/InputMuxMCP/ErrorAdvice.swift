import InputMuxClient

/// Tool error sentences: what the daemon said, then what the model can do about it.
public enum ErrorAdvice {
    public static func sentence(for error: InputMuxError, region: Region?, lease: String? = nil) -> String {
        let said = error.message.isEmpty ? error.code.rawValue : error.message
        let next: String
        switch error.code {
        case .conflict:
            next = "retry after the holder releases (lease_acquire with mode \"wait\"), choose a region that does not overlap, or ask the operator (`muxctl status`, `muxctl revoke`)"
        case .queueTimeout, .timeout:
            next = "the holder still has the region: call lease_acquire again to keep waiting, or ask the operator"
        case .outsideRegion:
            next = "act inside your lease region\(region.map { " \($0)" } ?? ""), or lease_acquire a region that covers the point"
        case .pausedHuman, .abortedByHuman:
            next = "the human is using the computer: wait a second or two, then retry"
        case .focusUnproven, .noKeyboardLease:
            next = "click inside your region first (so the focus is yours), then send keys; the lease needs the keyboard (lease_acquire with keyboard true)"
        case .frozen, .panic:
            next = "the operator pressed the panic chord: wait until they run `muxctl resume`"
        case .leaseLost, .connectionLost, .shutdown, .disconnected:
            next = "the daemon restarted or the connection dropped: call lease_acquire again"
        case .revoked, .leaseNotActive, .noLease, .ttlExpired, .maxHold, .reassigned:
            next = "call lease_acquire to get a lease again (lease_status shows who holds the region)"
        case .approvalDenied:
            next = "the operator denied this region; choose another region"
        case .unmappableText:
            next = "the keyboard layout cannot type those characters; type the rest, or use key with a keysym name"
        case .machineKey:
            next = "that key or chord acts on the whole machine, not a window, and is never sent; release any held keys (key_up) that complete it, or ask the operator"
        case .rateLimited:
            next = "slow down: wait a moment between actions"
        case .tooManyLeases:
            next = "release a lease you no longer need (lease_release), then acquire again"
        case .captureNeedsApproval:
            next = "your lease shows a sensitive region: ask the operator to run `muxctl approve \(lease ?? "LEASE") --capture`, then take the screenshot again"
        case .captureDenied:
            next = "that area is never captured; act without a screenshot there, or lease a region that does not cover it"
        case .captureNotAllowed:
            next = "policy gives this agent no capture right; ask the operator (capture = true in its [[policy]] rule)"
        case .noCaptureSource:
            next = "inputmuxd runs without a display to read; ask the operator to enable its X11 adapter ([x11] enabled = true)"
        case .captureFailed:
            next = "the window may have been unmapped or the display failed; retry, or check lease_status"
        case .daemonNotRunning, .permissionDenied:
            next = "ask the operator to fix the service; nothing was done"
        default:
            next = "check the arguments against the tool's schema, or lease_status to see the lease"
        }
        return "\(error.code.rawValue): \(said) — \(next)."
    }
}
