import InputMuxWire

/// The JSON codec every line of the protocol goes through first.
enum WireDecoderTarget {
    static func run(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let document = JSON.parse(bytes) else { return }
        var written: [UInt8] = []
        document.write(to: &written)
        guard let again = JSON.parse(written) else {
            fatalError("a parsed document was written as text its own parser refuses: \(String(decoding: written.prefix(200), as: UTF8.self))")
        }
        guard again == document else {
            fatalError("a parsed document written and parsed again differs: \(String(decoding: written.prefix(200), as: UTF8.self))")
        }
    }
}
