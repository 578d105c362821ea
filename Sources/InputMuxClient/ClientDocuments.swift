import InputMuxWire

// The client's values written back as the daemon describes them, for what muxctl passes
// on (the lease holder's status): the same keys the client reads them by.

extension Identity {
    package var json: JSON {
        ["name": .string(name), "session": .int(Int64(session)), "uid": .int(Int64(uid)), "gid": .int(Int64(gid)),
         "pid": .int(Int64(pid)), "exe": .string(exe)]
    }
}

extension Region {
    /// `{"x":…,"y":…,"width":…,"height":…}`
    package var json: JSON {
        ["x": .int(Int64(x)), "y": .int(Int64(y)), "width": .int(Int64(width)), "height": .int(Int64(height))]
    }
}

extension LeaseInfo {
    package var json: JSON {
        var o: [String: JSON] = [
            "id": .string(id), "holder": holder.json, "state": .string(state), "region": region.json,
            "pointer": .bool(pointer), "keyboard": .bool(keyboard), "requested_ms": .int(Int64(requestedMs)),
        ]
        if let window { o["window"] = .int(Int64(window)) }
        if let grantedMs { o["granted_ms"] = .int(Int64(grantedMs)) }
        if let expiresMs { o["expires_ms"] = .int(Int64(expiresMs)) }
        if let position { o["position"] = .int(Int64(position)) }
        if let endedReason { o["ended_reason"] = .string(endedReason) }
        return .object(o)
    }
}
