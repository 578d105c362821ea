import InputMuxWire
import MCP

/// Sentences shared by the tool descriptions and errors.
enum Descriptions {
    static let screenshots = "A screenshot shows your lease only (never other agents' regions), settled after your last action; after one, coordinates are that screenshot's pixels"

    static func coordinates(_ space: CoordinateSpaceText) -> String {
        "Before your first screenshot, coordinates are in \(space.text) over the whole desktop; after one, they are pixels of your latest screenshot (or fractions of it, for a grid or unit space). InputMux maps them to desktop pixels and then checks them against your lease region."
    }
}

/// How the configured coordinate space reads in a tool description.
struct CoordinateSpaceText {
    let text: String
}

/// The tools `inputmux-mcp` offers, with their JSON schemas.
public enum ToolCatalog {
    public static let computer = "computer"
    public static let computerActions = "computer_actions"
    public static let cursorPosition = "cursor_position"
    public static let leaseAcquire = "lease_acquire"
    public static let leaseRelease = "lease_release"
    public static let leaseStatus = "lease_status"

    static func schema(_ properties: [String: Value], required: [String] = []) -> Value {
        var o: [String: Value] = ["type": "object", "properties": .object(properties), "additionalProperties": false]
        if !required.isEmpty { o["required"] = .array(required.map { .string($0) }) }
        return .object(o)
    }

    static let pair: Value = ["type": "array", "items": ["type": "number"], "minItems": 2, "maxItems": 2]

    public static func tools(coordinates: String) -> [Tool] {
        let where_ = Descriptions.coordinates(CoordinateSpaceText(text: coordinates))
        let lease = "Each action runs under this session's InputMux lease (acquired on first use, or with lease_acquire) and is refused outside its region."
        return [
            Tool(
                name: computer,
                description: """
                    Mouse and keyboard on the shared Linux desktop, with Anthropic's computer-use actions: \
                    \(AnthropicActions.names.joined(separator: ", ")). \(where_) \(lease) \
                    Key names use xdotool syntax ("ctrl+s", "Return", "KP_0"). \(Descriptions.screenshots).
                    """,
                inputSchema: schema([
                    "action": ["type": "string", "enum": .array(AnthropicActions.names.map { .string($0) })],
                    "coordinate": pair,
                    "start_coordinate": pair,
                    "text": ["type": "string", "description": "keys for key/hold_key, text for type, modifiers held during clicks and scrolls"],
                    "duration": ["type": "number", "description": "seconds, for hold_key and wait"],
                    "scroll_direction": ["type": "string", "enum": ["up", "down", "left", "right"]],
                    "scroll_amount": ["type": "integer", "minimum": 1, "description": "wheel notches"],
                ], required: ["action"]),
                annotations: .init(title: "Computer (Anthropic actions)", readOnlyHint: false, destructiveHint: true, openWorldHint: false)
            ),
            Tool(
                name: computerActions,
                description: """
                    A batch of OpenAI computer-use actions (\(OpenAIActions.names.joined(separator: ", "))), run in order; \
                    the batch stops at the first error and releases any key or button it left down. \(where_) \(lease) \
                    Points of the whole batch refer to the screenshot taken before it. \(Descriptions.screenshots).
                    """,
                inputSchema: schema([
                    "actions": [
                        "type": "array", "minItems": 1,
                        "items": [
                            "type": "object",
                            "properties": [
                                "type": ["type": "string", "enum": .array(OpenAIActions.names.map { .string($0) })],
                                "x": ["type": "number"], "y": ["type": "number"],
                                "button": ["type": "string", "enum": ["left", "right", "wheel", "back", "forward"]],
                                "path": ["type": "array", "items": ["type": "object", "properties": ["x": ["type": "number"], "y": ["type": "number"]]]],
                                "keys": ["type": "array", "items": ["type": "string"]],
                                "scroll_x": ["type": "number"], "scroll_y": ["type": "number"],
                                "text": ["type": "string"],
                                "ms": ["type": "integer", "minimum": 0],
                            ],
                            "required": ["type"],
                        ],
                    ],
                ], required: ["actions"]),
                annotations: .init(title: "Computer (OpenAI action batch)", readOnlyHint: false, destructiveHint: true, openWorldHint: false)
            ),
            Tool(
                name: cursorPosition,
                description: "Where this session's own gestures last left the pointer, in the tool coordinates (X=…,Y=…). It does not read the screen or other agents' pointers.",
                inputSchema: schema([:]),
                annotations: .init(title: "Cursor position", readOnlyHint: true, openWorldHint: false)
            ),
            Tool(
                name: leaseAcquire,
                description: """
                    Lease a region of the desktop (and the keyboard) for this session. mode "wait" queues behind \
                    the current holder up to timeout_ms; "try" answers at once. A queued answer names the holder \
                    and the queue position. The region is "x,y,w,h" in desktop pixels (default: the server's --region, else the whole desktop).
                    """,
                inputSchema: schema([
                    "region": ["type": "string", "description": "x,y,w,h in desktop pixels"],
                    "keyboard": ["type": "boolean", "description": "also lease the keyboard (default true)"],
                    "mode": ["type": "string", "enum": ["wait", "try"]],
                    "timeout_ms": ["type": "integer", "minimum": 0],
                ]),
                annotations: .init(title: "Acquire a lease", readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false)
            ),
            Tool(
                name: leaseRelease,
                description: "Release this session's lease (anything still pressed is released first), so queued agents can go.",
                inputSchema: schema([:]),
                annotations: .init(title: "Release the lease", readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false)
            ),
            Tool(
                name: leaseStatus,
                description: "This session's lease (state, region, queue position, holder in the way) and the seat's leases and queue. Never takes, extends or disturbs a lease.",
                inputSchema: schema([:]),
                annotations: .init(title: "Lease status", readOnlyHint: true, openWorldHint: false)
            ),
        ]
    }
}
