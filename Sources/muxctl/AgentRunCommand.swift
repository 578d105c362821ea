import ArgumentParser
import Foundation
import InputMuxCLI
import InputMuxRelay

/// `muxctl agent run < script`
struct AgentRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Play gestures read from stdin, one per line.",
        discussion: """
        The whole script is read and checked before anything is played; a bad line is named \
        (exit 2). Playing stops at the first refusal, with its exit status. Syntax:
          move X Y
          click [X Y] [button=left|right|middle|back|forward] [count=1|2|3] [modifiers=ctrl+shift]
          down [X Y] [button=B]        up [X Y] [button=B]
          drag X1 Y1 X2 Y2 [X3 Y3 …] [button=B] [modifiers=M]
          scroll [X Y] [dx=N] [dy=N] [unit=notches|pixels]
          key CHORD [repeat=N]         keydown KEY        keyup KEY
          hold KEYS MILLISECONDS       wait MILLISECONDS
          type TEXT                    (the rest of the line; \\n \\t \\\\ are escapes)
          # comment
        """)

    @OptionGroup var agent: AgentOptions

    func validate() throws { try agent.requireName() }

    func run() async throws {
        let input = FileHandle.standardInput.readDataToEndOfFile()
        let script = try GestureScript.parse(script: String(decoding: input, as: UTF8.self))
        guard !script.isEmpty else { throw CLIError(.badInput, "stdin holds no gesture (see `muxctl agent run --help` for the syntax)") }
        try await agent.play(script.map(\.action), lines: script.map(\.line))
    }
}
