import Foundation
import InputMuxHarness

/// A test failure with a sentence.
struct X11TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

extension RecordingClient {
    /// The recording X client of this test bundle (Fixtures/xclient.py) on `display`, with
    /// windows `specs` ("NAME:X,Y,WxH").
    convenience init(display: String, _ specs: [String]) throws {
        guard let script = Bundle.module.path(forResource: "xclient", ofType: "py", inDirectory: "Fixtures") else {
            throw X11TestFailure("Fixtures/xclient.py is not in the test bundle")
        }
        try self.init(script: script, display: display, specs)
    }
}
