import InputMuxCLI
import InputMuxClient
import InputMuxRelay
import Testing

@Suite struct RegionArgumentTests {
    @Test func commaSeparatedAndDaemonForms() throws {
        #expect(try RegionArgument.parse("0,0,960,1080") == Region(x: 0, y: 0, width: 960, height: 1080))
        #expect(try RegionArgument.parse("960,0,960x1080") == Region(x: 960, y: 0, width: 960, height: 1080))
        #expect(try RegionArgument.parse(" 10, 20 , 30 ,40") == Region(x: 10, y: 20, width: 30, height: 40))
        #expect(try RegionArgument.parse("-100,5,10,10") == Region(x: -100, y: 5, width: 10, height: 10))
    }

    @Test(arguments: ["", "1,2,3", "1,2,3,4,5", "a,0,10,10", "0,0,0,10", "0,0,10,-1", "0,0,10x", "0,0,10y10"])
    func refusedWithTheSyntax(_ text: String) {
        #expect {
            try RegionArgument.parse(text)
        } throws: { error in
            guard let e = error as? CLIError else { return false }
            return e.status == .badInput && e.message.contains("region")
        }
    }
}
