/// A configuration the daemon refuses to start with. Every problem names the file,
/// the line and the key, and says what a valid value looks like.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public struct Problem: Hashable, Sendable, Codable, CustomStringConvertible {
        public var line: Int?
        public var key: String
        public var message: String

        public init(line: Int?, key: String, message: String) {
            self.line = line
            self.key = key
            self.message = message
        }

        public var description: String {
            (line.map { "line \($0): " } ?? "") + (key.isEmpty ? "" : "\(key): ") + message
        }
    }

    public var file: String
    public var problems: [Problem]

    public var description: String {
        problems.map { "\(file):\($0.line.map(String.init) ?? "-"): \($0.key.isEmpty ? "" : "\($0.key): ")\($0.message)" }
            .joined(separator: "\n")
    }
}
