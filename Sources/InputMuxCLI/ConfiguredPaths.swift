import InputMuxAudit
import InputMuxConfiguration

/// Where muxctl finds the daemon's sockets and audit log: the command-line option, else
/// the environment (`INPUTMUX_AGENT_SOCKET`, `INPUTMUX_CONTROL_SOCKET`, `INPUTMUX_AUDIT_LOG`),
/// else what the configuration file says (when muxctl may read it), else the defaults.
public struct ConfiguredPaths: Sendable, Equatable {
    public var agentSocket: String
    public var controlSocket: String
    public var auditLog: String
    /// The daemon's saved chain head (`audit.head`, root's only).
    public var auditHead: String

    public static let environmentNames = (
        config: "INPUTMUX_CONFIG", agent: "INPUTMUX_AGENT_SOCKET", control: "INPUTMUX_CONTROL_SOCKET",
        audit: "INPUTMUX_AUDIT_LOG")

    /// `configuration` is the file as loaded (nil when it cannot be read or is invalid:
    /// muxctl then falls back to the defaults, which `doctor` reports separately).
    public init(configuration: Configuration?, environment: [String: String]) {
        let c = configuration ?? Configuration()
        agentSocket = environment[Self.environmentNames.agent].nonEmpty ?? c.sockets.agentPath
        controlSocket = environment[Self.environmentNames.control].nonEmpty ?? c.sockets.controlPath
        auditLog = environment[Self.environmentNames.audit].nonEmpty ?? c.audit.path
        auditHead = AuditHeadFile.defaultPath(keyPath: c.audit.keyPath)
    }

    /// The configuration file to read: the option, `INPUTMUX_CONFIG`, or the default.
    public static func configPath(option: String?, environment: [String: String]) -> String {
        option ?? environment[environmentNames.config].nonEmpty ?? ConfigurationLoader.defaultPath
    }

    /// Reads the paths from the configuration at `path`, quietly: a configuration muxctl
    /// may not read leaves the defaults. The panic chord's key names are the daemon's
    /// business (`inputmuxd --check`), so they are not resolved here.
    public static func load(configPath: String, environment: [String: String]) -> ConfiguredPaths {
        let c = try? ConfigurationLoader.load(path: configPath, keyName: nil)
        return ConfiguredPaths(configuration: c, environment: environment)
    }
}

extension Optional where Wrapped == String {
    var nonEmpty: String? {
        if let s = self, !s.isEmpty { s } else { nil }
    }
}
