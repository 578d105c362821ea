import Foundation
import InputMuxClient
import InputMuxWire
import MCP

/// The MCP server of `inputmux-mcp`: tools/list and tools/call over a transport (stdio in
/// production, in-memory in tests), each call run by one `ComputerUseSession`.
public enum InputMuxMCPServer {
    public static let name = "inputmux"
    public static let version = "1.0.0"

    /// A server with the tool handlers installed (not started).
    public static func make(session: ComputerUseSession) async -> Server {
        let server = Server(
            name: name, version: version,
            instructions: "InputMux gives this agent its own leased mouse, keyboard and view on a shared Linux desktop. \(Descriptions.screenshots).",
            capabilities: .init(tools: .init(listChanged: false)))
        let tools = ToolCatalog.tools(coordinates: session.configuration.coordinates.description)
        await server.withMethodHandler(ListTools.self) { _ in .init(tools: tools) }
        await server.withMethodHandler(CallTool.self) { params in
            let arguments = JSON.object((params.arguments ?? [:]).mapValues { JSON(mcp: $0) })
            let outcome = await session.call(params.name, arguments: arguments)
            let images: [Tool.Content] = outcome.images.map { .image(data: $0.data, mimeType: $0.mimeType, annotations: nil, _meta: nil) }
            return .init(content: [.text(text: outcome.text, annotations: nil, _meta: nil)] + images, isError: outcome.isError)
        }
        return server
    }

    /// Serves on stdio until the client closes it, then ends the session.
    public static func runOnStdio(session: ComputerUseSession) async throws {
        let server = await make(session: session)
        try await server.start(transport: StdioTransport())
        await server.waitUntilCompleted()
        session.close()
    }
}

extension JSON {
    /// An MCP value as wire JSON.
    init(mcp value: MCP.Value) {
        switch value {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .int(let i): self = .int(Int64(i))
        case .double(let d): self = .double(d)
        case .string(let s): self = .string(s)
        case .array(let a): self = .array(a.map(JSON.init(mcp:)))
        case .object(let o): self = .object(o.mapValues(JSON.init(mcp:)))
        default: self = .string(value.dataValue.map { $0.1.base64EncodedString() } ?? "")
        }
    }
}
