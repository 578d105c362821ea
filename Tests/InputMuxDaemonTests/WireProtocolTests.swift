import InputMuxCore
import InputMuxKeymap
import InputMuxWire
import Testing

@testable import InputMuxDaemon

private let decoder: WireDecoder = {
    let keymap = try? XKBKeymap(layout: "us")
    return WireDecoder(keyNames: KeyNames(keymap: keymap, linuxName: { $0 == "KEY_ESC" ? .esc : nil }))
}()

private func decode(_ line: String, control: Bool = false) throws(WireError) -> WireRequest {
    try decoder.decode(try JSONValue.wireLine(Array(line.utf8)), controlSocket: control)
}

private func wireError(_ line: String, control: Bool = false) -> WireError? {
    do { _ = try decode(line, control: control); return nil } catch { return error }
}

private func gesture(_ line: String) throws -> Gesture {
    guard case .agent(.gesture(let g)) = try decode(line).body else { throw WireError(.malformed, "not a gesture") }
    return g
}

@Suite struct WireProtocolTests {
    @Test func hello() throws {
        let r = try decode(#"{"type":"hello","id":1,"protocol":1,"name":"agent-a"}"#)
        guard case .hello(let v, let name) = r.body else { Issue.record("not hello"); return }
        #expect(v == 1 && name == "agent-a" && r.id == RequestID(1))
    }

    @Test func acquireInEveryRegionSpelling() throws {
        for spelling in [#""0,0,960x1080""#, "[0,0,960,1080]", #"{"x":0,"y":0,"width":960,"height":1080}"#] {
            let r = try decode(#"{"type":"acquire","id":2,"region":\#(spelling),"mode":"try","keyboard":true}"#)
            guard case .agent(.acquire(let req)) = r.body else { Issue.record("not acquire"); continue }
            #expect(req.resources.region == Region(x: 0, y: 0, width: 960, height: 1080))
            #expect(req.resources.keyboard && req.resources.pointer)
            #expect(req.mode == .try)
        }
        let w = try decode(#"{"type":"acquire","id":3,"region":"0,0,10x10","timeout_ms":2500,"ttl_ms":9000}"#)
        guard case .agent(.acquire(let req)) = w.body else { Issue.record("not acquire"); return }
        #expect(req.mode == .wait(timeout: .milliseconds(2500)))
        #expect(req.ttl == .milliseconds(9000))
    }

    @Test func windowLeasesNameTheirWindow() throws {
        #expect(try decode(#"{"type":"acquire","id":1,"window":44040199}"#).window == .id(44040199))
        #expect(try decode(#"{"type":"acquire","id":1,"window_class":"foot","window_title":"build"}"#).window
            == .match(className: "foot", title: "build", pid: nil))
        #expect(try decode(#"{"type":"acquire","id":1,"window_pid":4242}"#).window == .match(className: nil, title: nil, pid: 4242))
        #expect(try decode(#"{"type":"acquire","id":1,"region":"0,0,5x5"}"#).window == nil)
        #expect(wireError(#"{"type":"acquire","id":1,"window_pid":0}"#)?.message.hasPrefix("window_pid:") == true)
        #expect(wireError(#"{"type":"acquire","id":1,"window_class":""}"#)?.message.hasPrefix("window_class") == true)
    }

    @Test func gesturesDecode() throws {
        #expect(try gesture(#"{"type":"gesture","id":1,"action":"click","x":5,"y":6,"button":"right","count":2,"modifiers":"ctrl+shift"}"#)
            == .click(at: Point(x: 5, y: 6), button: .right, count: 2, modifiers: [.leftCtrl, .leftShift]))
        #expect(try gesture(#"{"type":"gesture","id":1,"action":"click"}"#)
            == .click(at: nil, button: .left, count: 1, modifiers: []))
        #expect(try gesture(#"{"type":"gesture","id":1,"action":"drag","path":[[1,2],{"x":3,"y":4}]}"#)
            == .drag(path: [Point(x: 1, y: 2), Point(x: 3, y: 4)], button: .left, modifiers: []))
        #expect(try gesture(#"{"type":"gesture","id":1,"action":"scroll","dy":-3,"unit":"pixels"}"#)
            == .scroll(at: nil, dx: 0, dy: -3, unit: .pixels))
        #expect(try gesture(#"{"type":"gesture","id":1,"action":"key","keys":"ctrl+s","repeat":2}"#)
            == .keyChord(keys: [.leftCtrl, KeyCode(31)], repeat: 2))
        #expect(try gesture(#"{"type":"gesture","id":1,"action":"key","keys":["CTRL","ENTER"]}"#)
            == .keyChord(keys: [.leftCtrl, .enter], repeat: 1))
        #expect(try gesture(#"{"type":"gesture","id":1,"action":"key","keys":"KEY_ESC"}"#)
            == .keyChord(keys: [.esc], repeat: 1))
        #expect(try gesture(#"{"type":"gesture","id":1,"action":"key_down","key":"shift"}"#) == .keyDown(.leftShift))
        #expect(try gesture(#"{"type":"gesture","id":1,"action":"hold","keys":"alt","duration_ms":40}"#)
            == .hold(keys: [.leftAlt], duration: .milliseconds(40)))
        #expect(try gesture(#"{"type":"gesture","id":1,"action":"type","text":"hé"}"#) == .type(text: "hé"))
        #expect(try gesture(#"{"type":"gesture","id":1,"action":"raw","device":"keyboard","frames":[[[1,30,1]],[[1,30,0]]]}"#)
            == .raw(device: .keyboard, frames: [Frame([EvdevEvent(type: 1, code: 30, value: 1)]),
                                                 Frame([EvdevEvent(type: 1, code: 30, value: 0)])]))
    }

    /// Every spelling the client library writes (and an agent may send itself) is a key
    /// the daemon reads: the same shared table, not two that drift apart.
    @Test func everyKeySpellingIsAKeyTheDaemonReads() throws {
        let names = KeyNames(keymap: try XKBKeymap(layout: "us"), linuxName: { _ in nil })
        for (spelling, word) in KeySpellings.modifiers {
            let keys = names.keys(for: spelling.uppercased())
            #expect(keys != nil && keys == names.keys(for: word), "\(spelling)")
        }
        for (spelling, keysym) in KeySpellings.words {
            let keys = names.keys(for: spelling.uppercased())
            #expect(keys != nil && keys == names.keys(for: keysym), "\(spelling) → \(keysym)")
        }
        // Spellings the daemon once refused though the client library wrote them.
        #expect(try gesture(#"{"type":"gesture","id":1,"action":"key","keys":"ctl+PGDN"}"#)
            == .keyChord(keys: [.leftCtrl, KeyCode(109)], repeat: 1))
        #expect(try gesture(#"{"type":"gesture","id":1,"action":"key_down","key":"windows"}"#) == .keyDown(.leftMeta))
    }

    @Test func malformedInputGetsAnErrorThatNamesTheField() {
        #expect(wireError("not json")?.code == .malformed)
        #expect(wireError("[1,2]")?.message.contains("JSON object") == true)
        #expect(wireError(#"{"id":1}"#)?.message.hasPrefix("type:") == true)
        #expect(wireError(#"{"type":"acquire"}"#)?.message.hasPrefix("id:") == true)
        #expect(wireError(#"{"type":"acquire","id":1,"region":"0,0,0x5"}"#)?.message.hasPrefix("region:") == true)
        #expect(wireError(#"{"type":"gesture","id":1,"action":"click","x":1}"#)?.message.hasPrefix("x/y:") == true)
        #expect(wireError(#"{"type":"gesture","id":1,"action":"click","x":"1","y":2}"#)?.message == "x: must be an integer")
        #expect(wireError(#"{"type":"gesture","id":1,"action":"key","keys":"ctrl+nokey"}"#)?.message.contains("nokey") == true)
        #expect(wireError(#"{"type":"gesture","id":1,"action":"fly"}"#)?.message.hasPrefix("action:") == true)
        #expect(wireError(#"{"type":"gesture","id":1,"action":"click","x":1,"y":99999999999}"#)?.message.contains("out of range") == true)
        #expect(wireError(#"{"type":"launch","id":1}"#)?.code == .unknownType)
        #expect(wireError(#"{"type":"acquire","id":1,"region":"0,0,5x5"}"#, control: true)?.code == .unknownType)
        #expect(wireError(#"{"type":"supervise","id":1,"command":"approve","lease":"L1"}"#)?.code == .malformed)
    }

    @Test func controlVerbs() throws {
        guard case .control(.revoke(let l)) = try decode(#"{"type":"revoke","id":1,"lease":"L12"}"#, control: true).body else {
            Issue.record("not revoke"); return
        }
        #expect(l == LeaseID(12))
        guard case .control(.reassign(let l2, let to)) = try decode(#"{"type":"reassign","id":1,"lease":3,"to":7}"#, control: true).body else {
            Issue.record("not reassign"); return
        }
        #expect(l2 == LeaseID(3) && to == SessionID(7))
    }

    @Test func repliesAndEventsEncode() {
        let rej = Rejection(.outsideRegion, "click at 5000,5 lies outside your region")
        let line = String(decoding: WireEncoding.reply(.rejected(rej), id: RequestID(9)).serializedBytes, as: UTF8.self)
        #expect(line == #"{"error":{"code":"outside_region","message":"click at 5000,5 lies outside your region"},"id":9,"ok":false,"type":"reply"}"#)
        let done = String(decoding: WireEncoding.reply(.done, id: RequestID(4)).serializedBytes, as: UTF8.self)
        #expect(done == #"{"id":4,"ok":true,"result":{"done":true},"type":"reply"}"#)
        let ev = String(decoding: WireEncoding.event(.humanQuiet).serializedBytes, as: UTF8.self)
        #expect(ev == #"{"event":"resumed","type":"event"}"#)
        let err = String(decoding: WireEncoding.error(WireError(.tooLarge, "too big"), id: nil).serializedBytes, as: UTF8.self)
        #expect(err == #"{"error":{"code":"too_large","message":"too big"},"id":null,"ok":false,"type":"reply"}"#)
    }
}
