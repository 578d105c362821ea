import Foundation
import InputMuxHarness
import Testing

/// inputmuxd in XTest mode on Xvfb while the display's layout changes (RandR): the
/// desktop, the gate and the hello follow the layout. And windows of ended leases are
/// no longer followed.
@Suite(.serialized) struct DaemonDesktopTests {
    func desktopText(_ status: [String: Any]) -> String? {
        ((status["result"] as? [String: Any])?["desktop"] as? [String: Any])?["text"] as? String
    }

    @Test func theDesktopAndTheGateFollowTheDisplaysLayout() throws {
        let x = try XvfbServer(width: 1280, height: 800)
        let client = try RecordingClient(display: x.display, ["w:950,100,300x150"])
        try client.command("screen 1024 768")          // the daemon starts on the smaller layout
        let mux = try MuxDaemon(display: x.display)
        let op = try WireClient(socket: mux.controlSocket, name: "op")
        #expect(desktopText(try op.request(["type": "status"])) == "0,0,1024x768")
        let a = try WireClient(socket: mux.agentSocket, name: "wide")
        let b = try WireClient(socket: mux.agentSocket, name: "right-edge")
        #expect(try a.request(["type": "acquire", "region": "1000,0,280x400"]).errorCode == "invalid_region")

        try client.command("screen 1280 800")
        let grown = a.waitForEvent { $0["event"] as? String == "desktop" }
        #expect((grown?["desktop"] as? [String: Any])?["text"] as? String == "0,0,1280x800")
        #expect((grown?["devices"] as? [String: String])?["pointer"] == "xtest:\(x.display)")
        #expect(desktopText(try op.request(["type": "status"])) == "0,0,1280x800")
        // Valid only in the new layout: granted, and the click lands in the window there.
        #expect(try a.request(["type": "acquire", "region": "1000,0,280x400"]).ok)
        #expect(try a.request(["type": "gesture", "action": "click", "x": 1100, "y": 200]).ok)
        let lone = try b.request(["type": "acquire", "region": "1100,500,180x300"])
        #expect(lone.ok)

        try client.command("screen 1024 768")
        #expect(a.waitForEvent { $0["event"] as? String == "desktop" && ($0["desktop"] as? [String: Any])?["text"] as? String == "0,0,1024x768" } != nil)
        #expect(desktopText(try op.request(["type": "status"])) == "0,0,1024x768")
        // A lease with nothing left on the desktop ends with the reason; one partly on it stays.
        let ended = b.waitForEvent { $0["event"] as? String == "ended" }
        #expect((ended?["reason"] as? [String: Any])?["code"] as? String == "desktop_changed")
        let off = try a.request(["type": "gesture", "action": "click", "x": 1100, "y": 200])
        #expect(off.errorCode == "outside_region")
        #expect(off.errorMessage?.contains("outside the desktop 0,0,1024x768") == true)
        #expect(try a.request(["type": "gesture", "action": "click", "x": 1010, "y": 200]).ok)
        client.pump(timeout: 0.5)
        #expect(client.received("press", in: "w").map { "\($0["x"]!),\($0["y"]!)" } == ["150,100", "60,100"])
        let records = mux.audit(after: { $0["reason"] as? String == "desktop_changed" && ($0["session"] as? [String: Any])?["name"] as? String == "right-edge" })
        #expect(records.contains { $0["reason"] as? String == "desktop_changed" && ($0["session"] as? [String: Any])?["name"] as? String == "right-edge" })
        #expect(records.contains { $0["action"] as? String == "desktop" && ($0["message"] as? String)?.contains("to 0,0,1024x768") == true })
        // A session connecting now is told the current layout in its hello.
        let newcomer = try WireClient(socket: mux.agentSocket, name: "newcomer")
        #expect((newcomer.hello["desktop"] as? [String: Any])?["text"] as? String == "0,0,1024x768")
    }

    /// A window of an ended lease must not stay "leased" for the focus check: with a lease
    /// on a child window left behind, the focus inside that child would be reported as the
    /// child, and a later lease on its top-level would be refused its keys. (The shared
    /// seat's focus check; a seat of its own has its focus put on the lease instead.)
    @Test func windowsOfEndedLeasesAreNoLongerFollowed() throws {
        let x = try XvfbServer()
        let client = try RecordingClient(display: x.display, ["top:10,10,400x300", "field:40,40,200x100@top"])
        let mux = try MuxDaemon(display: x.display, seats: false)
        let op = try WireClient(socket: mux.controlSocket, name: "op")
        let typist = try WireClient(socket: mux.agentSocket, name: "typist")
        let field = client.windows["field"]!.id, top = client.windows["top"]!.id
        try client.command("focus field")
        var typed = 0
        for path in ["release", "revoke", "expiry", "disconnect", "refused"] {
            var first: WireClient? = try WireClient(socket: mux.agentSocket, name: "first-\(path)")
            if path == "refused" {
                // The typist holds the keyboard, so a try for field with the keyboard is refused.
                #expect(try typist.request(["type": "acquire", "window": top, "keyboard": true]).ok)
                #expect(try first!.request(["type": "acquire", "window": field, "keyboard": true, "mode": "try"]).errorCode == "conflict")
            } else {
                let lease = try first!.request(["type": "acquire", "window": field, "ttl_ms": path == "expiry" ? 300 : 30_000])
                let id = try #require((lease["result"] as? [String: Any])?["lease"] as? [String: Any])["id"] as! String
                switch path {
                case "release": #expect(try first!.request(["type": "release", "lease": id]).ok)
                case "revoke": #expect(try op.request(["type": "revoke", "lease": id]).ok)
                case "expiry": #expect(first!.waitForEvent { $0["event"] as? String == "ended" } != nil)
                default:
                    first = nil     // closes the connection
                    let deadline = Date().addingTimeInterval(10)
                    while Date() < deadline {
                        let s = try op.request(["type": "status"])
                        let names = ((s["result"] as? [String: Any])?["sessions"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
                        if names?.contains("first-disconnect") == false { break }
                        usleep(20_000)
                    }
                }
                #expect(try typist.request(["type": "acquire", "window": top, "keyboard": true]).ok)
            }
            _ = first
            // Focus is in the field, inside the typist's top-level: keys are allowed.
            let r = try typist.request(["type": "gesture", "action": "type", "text": "a"])
            #expect(r.ok, "after the first lease ended by \(path): \(r)")
            if r.ok { typed += 1 }
            let held = try typist.request(["type": "status"])
            for l in ((held["result"] as? [String: Any])?["held"] as? [[String: Any]]) ?? [] where (l["holder"] as? [String: Any])?["name"] as? String == "typist" {
                _ = try typist.request(["type": "release", "lease": l["id"] as! String])
            }
        }
        client.pump(timeout: 0.5)
        #expect(client.received("key", in: "field").count == typed)
        #expect(typed == 5)
    }
}
