import InputMuxCore
import InputMuxDaemon
import InputMuxKeymap
import InputMuxWire

/// The daemon's decoder, on the same bytes as a line from an agent and from an operator.
/// A request it accepts must carry sane numbers: a finite, in-range point, a positive
/// duration bounded by the protocol's limits (a wrapped duration would be a trap later).
enum RequestDecoderTarget {
    static let decoder: WireDecoder = {
        guard let keymap = try? XKBKeymap(layout: "us") else {
            fatalError("the fuzz target needs xkb-data (the us layout) installed")
        }
        return WireDecoder(keyNames: KeyNames(keymap: keymap, linuxName: { _ in nil }))
    }()

    static func run(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let value = JSON.parse(bytes) else { return }
        _ = WireDecoder.id(in: value)
        for control in [false, true] {
            guard let request = try? decoder.decode(value, controlSocket: control) else { continue }
            if case .agent(.acquire(let lease)) = request.body {
                if case .wait(let timeout?) = lease.mode, timeout < .zero {
                    fatalError("an accepted acquire waits a negative time: \(timeout)")
                }
                if let ttl = lease.ttl, ttl < .zero { fatalError("an accepted acquire has a negative TTL: \(ttl)") }
            }
        }
    }
}
