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
            Builds a visual needle-in-a-haystack clip: the sample video cockatoo.mp4 (from \
            $ARRCOC_SAMPLES, default ~/.cache/arrcoc/samples; or a clip generated with arrcoc's \
            own encoder when no sample is there) with a patterned needle pasted in from 40% to 60% \
            of its length, encoded with arrcoc's encoder. Then it compresses the clip with the \
            needle image as the query at 10% of Qwen3-VL's default token count, with arrcoc and \
            with the uniform baseline, writes both outputs under --out, and shows where the tokens went.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "Background video (default: the sample cockatoo.mp4).")
    var video: String?

    @Option(help: "Budget as a fraction of Qwen3-VL's default token count for the clip.")
    var budgetFraction: Double = 0.1

    @Option(help: "Where to write the outputs (replaced on each run).")
    var out: String = "arrcoc-demo-output"

    func validate() throws {
        guard budgetFraction.isFinite, budgetFraction > 0, budgetFraction <= 1 else {
            throw ValidationError("--budget-fraction \(budgetFraction): expected a fraction in (0, 1]")
        }
    }

    func run() throws {
        global.bootstrapLogging()
        let progress = TerminalProgress()
        StagingRegistry.shared.installSignalHandlers(message: "interrupted: \(out) was not written")
        let output = try StagedOutput(path: out, kind: .directory, force: true, inputs: [video].compactMap { $0 }, command: "demo")
        let background = try video ?? DemoClip.background(progress: progress.handler)
        let haystack = try DemoClip.haystack(background: background, progress: progress.handler)
        let (clip, needle, interval) = (haystack.clip, haystack.needle, haystack.interval)
        let info = try VideoProbe.probe(path: clip)
        print("haystack: \(clip)\n  \(info.width)x\(info.height), \(String(format: "%.1f", info.durationSeconds ?? 0)) s; needle \(needle) shown \(String(format: "%.1f–%.1f s", interval.lowerBound, interval.upperBound))")

        var settings = CompressionConfig()
        let engine = try Engine(config: settings, progress: progress.handler)
        let features = try engine.analyze(video: clip)
        let query = try engine.query(image: needle, features: features)
        let source = features.info.source
        let reference = QwenVideoDefaults.plan(totalFrames: max(2, Int((source.durationSeconds * source.fps).rounded())),
                                               videoFPS: source.fps, width: source.width, height: source.height)
        let budget = max(1, Int(Double(reference.totalTokens) * budgetFraction))
        print("Qwen3-VL default: \(reference.blocks) blocks × \(reference.height / 32)×\(reference.width / 32) tokens = \(reference.totalTokens) tokens with timestamps; budget \(budget)\n")

        var summaries: [String] = []
        for strategy in ["arrcoc", "uniform"] {
            settings.strategy = strategy
            let result = try Engine(config: settings).compress(video: clip, features: features, query: query, budget: budget)
            let manifest = result.manifest
            let dir = output.staging.appendingPathComponent(strategy)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try OutputWriter.write(result, to: dir)
            // A block sees the needle when one of its two frames shows it.
            let sees = { (b: Manifest.ManifestBlock) in b.frameTimes.contains { interval.contains($0) } }
            let inside = manifest.blocks.filter(sees)
            summaries.append(String(format: "%-8@ %3d blocks, %5d tokens used; %2d blocks show the needle, with %5d vision tokens (%.0f%%)",
                                    strategy as NSString, manifest.blocks.count, manifest.totals.sequenceLength, inside.count,
                                    inside.reduce(0) { $0 + $1.tokens }, 100 * Double(inside.reduce(0) { $0 + $1.tokens }) / Double(max(manifest.totals.visionTokens, 1))))
            if strategy == "arrcoc" {
                print("arrcoc blocks (peakedness \(manifest.scoring.map { String(format: "%.1f", $0.peakedness) } ?? "?"), exploit \(manifest.scoring.map { String(format: "%.2f", $0.exploit) } ?? "?")):")
                print("    time  density  grid    tokens  relevance")
                for b in manifest.blocks {
                    print(String(format: "%8.2f  %-7@  %2d×%-3d  %6d  %9.3f%@", b.timeSeconds, b.density.rawValue as NSString, b.grid.h, b.grid.w,
                                 b.tokens, b.relevance, sees(b) ? "  ← needle" as NSString : "" as NSString))
                }
                print("")
            }
        }
        try output.commit()
        for s in summaries { print(s) }
        print("\noutputs (manifest.json, prompt.txt, tensors.safetensors) in \(out)/arrcoc and \(out)/uniform")
    }
}
