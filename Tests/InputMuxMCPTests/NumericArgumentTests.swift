import InputMuxClient
import InputMuxWire
import MCP
import Testing

@testable import InputMuxMCP

/// Numbers from the model are checked before any conversion (issue 15, "Small traps"):
/// 1e300 once trapped `Int(_:)` and crashed the MCP server; now each gets an error that
/// names the field and its range.
@Suite struct NumericArgumentTests {
    let scaler = Scaler(space: .desktop, desktop: Region(x: 0, y: 0, width: 1920, height: 1080))

    func anthropicError(_ json: JSON) -> String? {
        do { _ = try AnthropicActions.steps(json, scaler: scaler, cursor: nil); return nil } catch { return error.message }
    }

    func openAIError(_ json: JSON) -> String? {
        do { _ = try OpenAIActions.steps(["actions": [json]], scaler: scaler); return nil } catch { return error.message }
    }

    @Test func scrollAmountOutOfRange() {
        for bad: JSON in [1e300, -1e300, 0, -3, 1001] {
            let e = anthropicError(["action": "scroll", "coordinate": [10, 10], "scroll_amount": bad])
            #expect(e?.contains("`scroll_amount` is 1–1000") == true, "\(bad): \(String(describing: e))")
        }
        #expect(anthropicError(["action": "scroll", "coordinate": [10, 10], "scroll_amount": 5]) == nil)
    }

    @Test func holdAndWaitDurationsOutOfRange() {
        #expect(anthropicError(["action": "hold_key", "text": "shift", "duration": 1e300])?.contains("0–100 seconds") == true)
        #expect(anthropicError(["action": "wait", "duration": 1e300])?.contains("0–100 seconds") == true)
        #expect(anthropicError(["action": "wait", "duration": 2]) == nil)
    }

    @Test func openAIWaitAndScrollOutOfRange() {
        #expect(openAIError(["type": "wait", "ms": 1e300])?.contains("`ms` is 0–100000") == true)
        #expect(openAIError(["type": "wait", "ms": -1])?.contains("`ms` is 0–100000") == true)
        #expect(openAIError(["type": "wait", "ms": 250]) == nil)
        for (sx, sy): (JSON, JSON) in [(1e300, 0), (0, -1e300), (200_000, 0)] {
            let e = openAIError(["type": "scroll", "x": 10, "y": 10, "scroll_x": sx, "scroll_y": sy])
            #expect(e?.contains("at most 100000 desktop pixels") == true, "\(sx),\(sy): \(String(describing: e))")
        }
        #expect(openAIError(["type": "scroll", "x": 10, "y": 10, "scroll_x": 0, "scroll_y": 300]) == nil)
    }

    @Test func hugeCoordinatesLandOnTheDesktopEdge() throws {
        let steps = try AnthropicActions.steps(["action": "mouse_move", "coordinate": [1e300, -1e300]], scaler: scaler, cursor: nil)
        #expect(steps == [.gesture(.move(to: Point(x: 1919, y: 0)))])
    }

    @Test func regionsBeyondThirtyTwoBitsDoNotParse() {
        #expect(Region(parsing: "9223372036854775807,0,10,10") == nil)
        #expect(Region(parsing: "0,0,4294967296x10") == nil)
        #expect(Region(parsing: "-5,0,10x10") == Region(x: -5, y: 0, width: 10, height: 10))
    }

    @Test func theClientLibrarysConversionsSaturate() {
        let d = Region(x: 0, y: 0, width: 1920, height: 1080)
        #expect(CoordinateSpace.desktop.scaleDistance(dx: 1e300, dy: -1e300, desktop: d) == (Int(Int32.max), -Int(Int32.max)))
        #expect(CoordinateSpace.unit.scaleDistance(dx: 1e300, dy: .nan, desktop: d) == (Int(Int32.max), 0))
        #expect(CoordinateSpace.grid(1000).toDesktop(x: .nan, y: .infinity, desktop: d) == Point(x: 0, y: 1079))
    }
}

@Suite struct LeaseAcquireTimeoutTests {
    @Test("lease_acquire: a timeout_ms past a day is an error, not a wrapped duration", arguments: [
        Value.int(9_223_372_036_855), .double(1e300), .int(-1), .int(86_400_001),
    ])
    func timeoutOutOfRange(_ timeout: Value) async throws {
        let h = try await Harness()
        defer { h.stop() }
        let r = try await h.call("lease_acquire", ["timeout_ms": timeout])
        #expect(r.isError, "\(r.text)")
        #expect(r.text.contains("`timeout_ms` is 0–86400000"), "\(r.text)")
        #expect(h.daemon.received("acquire").isEmpty)
    }
}
