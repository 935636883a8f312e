import ArgumentParser
import Foundation
import TextEscaping

/// The `arrcoc` command line: compress video for Qwen3-VL-style models under a token budget.
@main
struct Arrcoc: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "arrcoc",
        abstract: "ARR-COC adaptive compression of video for Qwen3-VL-style vision-language models.",
        discussion: """
            Start with `arrcoc demo` (no arguments). `arrcoc probe FILE` tells what a video holds; \
            `arrcoc frames FILE` samples it to PNG files.
            """,
        subcommands: [DemoCommand.self, CompressCommand.self, AnalyzeCommand.self, HaystackCommand.self, EvalCommand.self, SweepCommand.self, BatchCommand.self, PreviewCommand.self, ProbeCommand.self, FramesCommand.self]
    )

    /// ArgumentParser's own `main`, except that an error's message is printed terminal-safe
    /// (`Escaping.terminalSafe`): a name or value with an escape sequence in it, quoted by any
    /// error, cannot steer the terminal. Help and version text go out as ArgumentParser prints
    /// them; exit codes are ArgumentParser's.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            let text = fullMessage(for: error)
            if code == .success {
                if !text.isEmpty { print(text) }
            } else if !text.isEmpty {
                FileHandle.standardError.write(Data((Escaping.terminalSafe(text) + "\n").utf8))
            }
            Foundation.exit(code.rawValue)
        }
    }
}
