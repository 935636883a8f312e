import ARRCOC
import ARRCOCPipeline
import ArgumentParser
import Foundation
import VideoDecoding

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run arrcoc end to end on a built-in example (no arguments needed).",
        discussion: """
            Builds a needle-in-a-haystack clip from real sample videos (in $ARRCOC_SAMPLES, \
            default ~/.cache/arrcoc/samples): cockatoo.mp4 with the bunny of bigbuckbunny.mp4 \
            pasted in twice, once still and once moving (a generated clip and a checkerboard \
            needle when the samples are missing). Then it compresses the clip with the needle image \
            as the query at 3%, 10% and 25% of Qwen3-VL's default token count, with arrcoc and with \
            uniform sampling (what Qwen3-VL does by default), prints what each kept of the needle, \
            and writes every output with its preview.png and timeline.svg under --out.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "Background video (default: the sample cockatoo.mp4).")
    var video: String?

    @Option(name: .customLong("budget-fractions"), help: "Budgets as fractions of Qwen3-VL's default token count, comma-separated.")
    var budgetFractions: String = "0.03,0.1,0.25"

    @Option(help: "Where to write the outputs (replaced on each run; only a directory the demo wrote is replaced).")
    var out: String = "arrcoc-demo-output"

    func fractions() throws -> [Double] {
        let values = budgetFractions.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.count <= 10, values.allSatisfy({ $0 != nil && $0!.isFinite && $0! > 0 && $0! <= 1 }) else {
            throw ValidationError("--budget-fractions \(budgetFractions): expected up to 10 comma-separated fractions in (0, 1]")
        }
        return values.compactMap { $0 }
    }

    func validate() throws {
        _ = try fractions()
    }

    func run() throws {
        global.bootstrapLogging()
        let started = Date()
        let progress = TerminalProgress()
        StagingRegistry.shared.installSignalHandlers(message: "interrupted: \(out) was not written")
        let output = try StagedOutput(path: out, kind: .directory, force: true, inputs: [video].compactMap { $0 }, command: "demo")
        let background = try video ?? DemoClip.background(progress: progress.handler)
        let haystack = try DemoClip.haystack(background: background, progress: progress.handler)
        let info = try VideoProbe.probe(path: haystack.clip, countFrames: false)
        let events = haystack.truth.events.map { String(format: "%.1f–%.1f s", $0.startSeconds, $0.endSeconds) }.joined(separator: " and ")
        print("""
            haystack: \(ConfigError.escaped(URL(fileURLWithPath: background).lastPathComponent)) (\(info.width)x\(info.height), \(String(format: "%.1f", info.durationSeconds ?? 0)) s) with a needle from \(haystack.needleOrigin),
              shown \(events) (the second time moving); the query is the needle image \(ConfigError.escaped(haystack.needle))

            """)
        let (rows, reference) = try DemoStory(budgetFractions: try fractions()).run(haystack: haystack, into: output.staging, progress: progress.handler)
        try output.commit()
        print("Qwen3-VL's default for this clip: \(reference) tokens; truth in \(ConfigError.escaped(haystack.clip.replacingOccurrences(of: ".mp4", with: ".yaml")))\n")
        print("strategy  budget        used  blocks  temporal recall@1s  detail recall  tokens on needle")
        for r in rows {
            print(String(format: "%-8@  %4.0f%% %6d  %6d  %6d  %18.2f  %13.2f  %16.0f", r.strategy as NSString, r.budgetFraction * 100, r.budget,
                         r.tokensUsed, r.blocks, r.temporalRecall, r.detailRecall, r.tokensOnNeedle))
        }
        print("\ntemporal recall: share of the needle's seconds with a block within 1 s; detail recall: share of its appearances")
        print("seen by a block with at least 16 tokens on it. Open the pictures of what each kept:")
        for r in rows where r.strategy == rows.first?.strategy || r.budgetFraction == rows.first?.budgetFraction {
            print("  \(ConfigError.escaped(out))/\(r.directory)/preview.png   \(ConfigError.escaped(out))/\(r.directory)/timeline.svg")
        }
        printErr(String(format: "demo done in %.0f s", Date().timeIntervalSince(started)))
    }
}
