import ArgumentParser
import InputMuxCLI
import InputMuxClient
import InputMuxRelay
import InputMuxWire

/// The options of `muxctl agent screenshot` and `muxctl screenshot`: where the image
/// goes and what the capture asks for (docs/PROTOCOL.md, capture).
struct CaptureArguments: ParsableArguments {
    @Option(name: [.customShort("o"), .customLong("output")], help: ArgumentHelp("Where to write the image (- for standard output).", valueName: "file"))
    var output: String

    @Option(help: ArgumentHelp("A part of the lease in desktop pixels, x,y,WxH or x,y,w,h (default: all of it; outside the lease is refused).", valueName: "x,y,WxH"))
    var rect: String?

    @Option(help: ArgumentHelp("Fit the image into this box keeping the aspect ratio: WxH, xga, wxga, fwxga, or desktop (one image pixel a desktop pixel, the default).", valueName: "size"))
    var size: String?

    @Option(help: ArgumentHelp("png (default), jpeg or raw (8-bit RGBA rows).", valueName: "format"))
    var format = "png"

    @Option(help: ArgumentHelp("JPEG quality 1-100 (default 80).", valueName: "n"))
    var quality: Int?

    @Flag(name: .customLong("fd"), help: "Have the daemon pass the image as a sealed memfd instead of base64 (no copy).")
    var byDescriptor = false

    @Flag(help: "Draw this agent's own pointer into the image.")
    var cursor = false

    @Flag(help: "Wait until the area has settled (repainted after the last action, then quiet) before capturing.")
    var settle = false

    @Option(name: .customLong("settle-quiet-ms"), help: ArgumentHelp("With --settle: how long the area must stay quiet, 10-5000 (default 100).", valueName: "ms"))
    var settleQuietMs: Int?

    @Option(name: .customLong("settle-max-ms"), help: ArgumentHelp("With --settle: the longest wait, 0-30000 (default 2000).", valueName: "ms"))
    var settleMaxMs: Int?

    @OptionGroup var json: JSONFlag

    func validate() throws {
        do { _ = try options() } catch { throw ValidationError(error.message) }
    }

    /// The capture's options, checked (what the daemon would refuse as malformed is bad input here).
    func options() throws(CLIError) -> CaptureOptions {
        guard !output.isEmpty else { throw CLIError(.badInput, "-o: give a file, or - for standard output") }
        guard let format = ImageFormat(rawValue: format.lowercased()) else {
            throw CLIError(.badInput, "--format: png, jpeg or raw (got \"\(self.format)\")")
        }
        if quality != nil && format != .jpeg { throw CLIError(.badInput, "--quality: only with --format jpeg") }
        if (settleQuietMs != nil || settleMaxMs != nil) && !settle {
            throw CLIError(.badInput, "--settle-quiet-ms and --settle-max-ms go with --settle")
        }
        do throws(InputMuxError) {
            let options = CaptureOptions(
                rect: try rect.map { s throws(InputMuxError) in
                    do throws(CLIError) { return try RegionArgument.parse(s) } catch { throw InputMuxError(.badInput, "--rect: " + error.message) }
                },
                size: try size.map { s throws(InputMuxError) in try CaptureSize(parsing: s) } ?? .actual,
                format: format, quality: quality, delivery: byDescriptor ? .fd : .inline, cursor: cursor,
                settle: settle ? CaptureSettle(quiet: .milliseconds(settleQuietMs ?? 100), maximum: .milliseconds(settleMaxMs ?? 2000)) : nil)
            return try options.validated()
        } catch {
            throw CLIError(.badInput, error.message)
        }
    }

    /// Writes the image and prints the facts (to standard error when the image went to
    /// standard output).
    func deliver(_ shot: Screenshot) throws(CLIError) {
        let (text, toStderr) = try ScreenshotOutput.write(shot, to: output, json: json.enabled)
        if toStderr { Console.error(text) } else { print(text) }
    }
}
