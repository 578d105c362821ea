import enum InputMuxWire.PrintableText

extension CLIError {
    /// The line muxctl prints on standard error for this failure.
    /// Its sentence may quote the daemon, which quotes clients: characters that are not
    /// printable are escaped (`PrintableText`), so no client drives the terminal.
    public var line: String { "muxctl: " + PrintableText.escaped(message) }
}
