import ArgumentParser
import Foundation
import InputMuxCLI
import InputMuxWire

/// `--config`: the configuration muxctl reads the daemon's paths from.
struct ConfigOption: ParsableArguments {
    @Option(name: .customLong("config"), help: ArgumentHelp(
        "The daemon's configuration (env INPUTMUX_CONFIG; default /etc/inputmux/inputmux.toml).", valueName: "path"))
    var path: String?

    var resolvedPath: String { ConfiguredPaths.configPath(option: path, environment: ProcessInfo.processInfo.environment) }

    var paths: ConfiguredPaths { ConfiguredPaths.load(configPath: resolvedPath, environment: ProcessInfo.processInfo.environment) }
}

/// `--json`, taken by every read-only verb.
struct JSONFlag: ParsableArguments {
    @Flag(name: .customLong("json"), help: "Print JSON instead of text.")
    var enabled = false
}
