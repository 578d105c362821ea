import Foundation
import InputMuxClient
import InputMuxRelay
import InputMuxWire

/// `muxctl agent screenshot` through a lease holder: the command sends `capture <json>`
/// (the capture request's fields), the holder captures on its session, in turn with the
/// gestures it plays, and answers `ok <json>`: the reply's facts with the image in
/// base64 under `data`, which the command checks against the SHA-256 again.
public enum AgentCapture {
    /// The relay verb.
    static let verb = "capture"

    /// The request line for the holder.
    public static func relayLine(lease: String?, _ options: CaptureOptions) throws(CLIError) -> String {
        do throws(InputMuxError) {
            return verb + " " + (try options.request(lease: lease)).serialized
        } catch {
            throw AgentSession.failure(error)
        }
    }

    /// The capture request in a relay line; nil for any other line.
    static func request(inLine line: String) -> String? {
        line.hasPrefix(verb + " ") ? String(line.dropFirst(verb.count + 1)) : nil
    }

    /// The holder's answer to a `capture <json>` line: the capture on its lease (or the
    /// one the request names), the facts and the image in one line.
    static func answer(_ json: String, client: AgentClient, lease: Lease) async -> AgentRelay.Reply {
        do throws(InputMuxError) {
            guard let request = JSON.parse(Array(json.utf8)) else {
                throw InputMuxError(.badInput, "capture: the request is not a JSON object")
            }
            let options = try CaptureOptions(request: request)
            let named = request["lease"].string
            let shot = try await (named == nil || named == lease.id ? lease.capture(options) : client.capture(lease: named, options))
            return .ok(shot.document.with("data", .string(shot.base64)).serialized)
        } catch {
            return .error(code: AgentSession.failure(error).relayCode, message: error.message)
        }
    }

    /// Sends the capture to the holder at `path` and returns the screenshot it relays. A
    /// holder started by a muxctl without captures reads the line as an unknown gesture:
    /// that is said as such.
    public static func viaHolder(at path: String, lease: String?, _ options: CaptureOptions) throws(CLIError) -> Screenshot {
        let reply = try AgentRelay.send(try relayLine(lease: lease, options), to: path)
        if case .error(_, let message) = reply, message.hasPrefix(AgentRelay.unknownGesturePrefix + "\"\(verb)\"") {
            throw CLIError(.failure, "this agent's lease holder was started by an older muxctl that cannot capture; run `lease release` and `lease acquire` again")
        }
        return try screenshot(fromPayload: try reply.get())
    }

    /// The screenshot in a holder's `ok` payload, its bytes checked against its SHA-256.
    public static func screenshot(fromPayload payload: String?) throws(CLIError) -> Screenshot {
        guard let payload, let result = JSON.parse(Array(payload.utf8)) else {
            throw CLIError(.failure, "the lease holder answered a capture without its image; run the command again")
        }
        do throws(InputMuxError) {
            return try Screenshot(reply: DaemonReply(result: result))
        } catch {
            throw AgentSession.failure(error)
        }
    }
}

/// Where `muxctl … screenshot -o FILE` puts the image, and what it prints.
public enum ScreenshotOutput {
    /// Writes the image to `path` (`-`: standard output) and returns what to print (on
    /// standard error when the image went to standard output).
    public static func write(_ shot: Screenshot, to path: String, json: Bool) throws(CLIError) -> (text: String, toStderr: Bool) {
        let data = Data(shot.bytes)
        if path == "-" {
            FileHandle.standardOutput.write(data)
        } else {
            do { try data.write(to: URL(fileURLWithPath: path)) } catch {
                throw CLIError(.failure, "cannot write \(path): \(error.localizedDescription); choose a writable path with -o")
            }
        }
        let text = json ? JSONOutput.render(shot.document) : "wrote \(path == "-" ? "standard output" : path)\n" + shot.summary
        return (text, path == "-")
    }
}
