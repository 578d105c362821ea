import Foundation
import InputMuxCLI
import InputMuxClient
import InputMuxClientTestSupport
import InputMuxRelay
import InputMuxWire
import Testing

/// `muxctl agent screenshot` through a lease holder: the image crosses the relay intact.
@Suite struct HolderCaptureTests {
    /// Runs blocking relay calls off the cooperative pool.
    func offPool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { done in Thread { done.resume(returning: work()) }.start() }
    }

    @Test("a holder captures on its lease and the bytes survive the relay (a raw image past the relay's request bound, a PNG)",
          arguments: [CaptureDelivery.fd, .inline])
    func throughTheHolder(delivery: CaptureDelivery) async throws {
        // 640x480 RGBA: 1.2 MB, 1.6 MB in base64, more than a request line may carry (1 MiB).
        let raw = (0..<(640 * 480 * 4)).map { UInt8(truncatingIfNeeded: $0 &* 2654435761 >> 7) }
        let daemon = try FakeDaemon { m, c in
            guard m["type"] == "capture" else { return FakeDaemon.standard(m, c) }
            if m["format"] == "raw" {
                c.replyCapture(m, image: raw, lease: m["lease"].string ?? "L1", rect: Region(x: 0, y: 0, width: 640, height: 480),
                               width: 640, height: 480, format: .raw)
            } else {
                FakeCapture.answer(m, c)
            }
        }
        defer { daemon.stop() }
        let client = try await AgentClient.connect(socketPath: daemon.path, name: "bot")
        defer { client.close() }
        let lease = try await client.acquire()
        let holder = AgentHolder(client: client, lease: lease)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("relay-\(UUID().uuidString.prefix(8))").path
        try AgentRelay.prepare(directory: dir)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = AgentRelay.socketPath(directory: dir, name: "bot")
        let server = try AgentRelayServer(path: path)
        let serving = Task { await server.serve { line in await holder.handle(line) } }

        let rawLine = try AgentCapture.relayLine(lease: nil, CaptureOptions(format: .raw, delivery: delivery))
        let rawReply = try #require(await offPool { try? AgentRelay.send(rawLine, to: path) })
        let shot = try AgentCapture.screenshot(fromPayload: try rawReply.get())
        #expect(shot.bytes == raw)
        #expect(shot.lease == lease.id && shot.width == 640 && shot.format == .raw)

        let pngLine = try AgentCapture.relayLine(lease: nil, CaptureOptions(size: .box(width: 960, height: 540), delivery: delivery))
        let pngReply = try #require(await offPool { try? AgentRelay.send(pngLine, to: path) })
        let png = try AgentCapture.screenshot(fromPayload: try pngReply.get())
        #expect(png.bytes == FakeCapture.png(width: 960, height: 540))
        #expect(png.transform.scaleX == 0.5)
        // The daemon was asked on the holder's session, for the holder's lease.
        let asked = daemon.received("capture")
        #expect(asked.count == 2 && asked.allSatisfy { $0["lease"] == .string(lease.id) })
        #expect(asked.map { $0["delivery"] } == [delivery == .fd ? "fd" : .null, delivery == .fd ? "fd" : .null])

        // A refusal keeps its code (and so its exit status).
        let bad = try #require(await offPool { try? AgentRelay.send("capture {\"format\":\"gif\"}", to: path) })
        #expect(throws: CLIError.self) { try bad.get() }
        if case .error(let code, _) = bad { #expect(code == "bad_input") }

        _ = await offPool { try? AgentRelay.send("release", to: path) }
        await serving.value
    }

    @Test("a holder from an older muxctl (captures unknown) is named as the cause")
    func anOlderHolder() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("relay-\(UUID().uuidString.prefix(8))").path
        try AgentRelay.prepare(directory: dir)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = AgentRelay.socketPath(directory: dir, name: "old")
        let server = try AgentRelayServer(path: path)
        // What an older holder answers: the line read as a gesture script line.
        let serving = Task {
            await server.serve { line in
                if line == "release" { return .init(.ok(nil), stop: true) }
                do throws(CLIError) {
                    _ = try GestureScript.parse(line: line)
                    return .init(.ok(nil))
                } catch {
                    return .init(.error(code: error.relayCode, message: error.message))
                }
            }
        }
        let failure = await offPool { () -> CLIError? in
            do throws(CLIError) { _ = try AgentCapture.viaHolder(at: path, lease: nil, CaptureOptions()); return nil } catch { return error }
        }
        #expect(failure?.message.contains("older muxctl") == true, "\(String(describing: failure))")
        _ = await offPool { try? AgentRelay.send("release", to: path) }
        await serving.value
    }
}
