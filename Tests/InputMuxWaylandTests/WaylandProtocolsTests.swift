import InputMuxHarness
import Testing

/// The committed protocol glue is what wayland-scanner makes of the XML today.
struct WaylandProtocolsTests {
    /// The checkout this file is in.
    static let checkout: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/")
    }()

    @Test func regeneratingTheProtocolGlueGivesTheCommittedFiles() throws {
        let (end, lines) = try ChildProcess.run("/bin/bash", [Self.checkout + "/scripts/wayland-protocols.sh", "--check"])
        #expect(end.isSuccess, "\(lines.joined(separator: "\n"))")
        #expect(lines.contains("wayland-protocols: the committed glue matches the XML"))
    }
}
