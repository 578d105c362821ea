import InputMuxWire

extension JSON {
    /// Reads this document, a reply's `result` or an event, as `T` through the wire
    /// codec's `JSONFields`; what this client cannot read is a `protocol_violation` that
    /// names the field.
    public func decode<T: WireDecodable>(_ type: T.Type) throws(InputMuxError) -> T {
        do throws(WireError) {
            return try T(wire: self, path: "")
        } catch {
            throw InputMuxError(unreadable: "\(T.self)", error)
        }
    }
}
