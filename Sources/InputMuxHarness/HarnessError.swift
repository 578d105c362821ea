/// Why a child process or a connection of a test or benchmark did not do what it should,
/// in a sentence that says what to check.
public struct HarnessError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
