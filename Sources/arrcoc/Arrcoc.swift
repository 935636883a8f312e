import ArgumentParser

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
}
