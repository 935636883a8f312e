import ARRCOC
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
        let background = try video ?? DemoVideo.locate()
        let (clip, needle, interval) = try DemoVideo.haystack(background: background)
        let info = try VideoProbe.probe(path: clip)
        print("haystack: \(clip)\n  \(info.width)x\(info.height), \(String(format: "%.1f", info.durationSeconds ?? 0)) s; needle \(needle) shown \(String(format: "%.1f–%.1f s", interval.lowerBound, interval.upperBound))")

        var settings = CompressionConfig()
        let progress = Progress(enabled: true)
        let features = try VideoAnalysis.analyze(path: clip, config: settings, progress: progress)
        let (query, queryInfo) = try CompressionRun.queryImage(path: needle, features: features, featuresPath: nil, settings: settings)
        let source = features.info.source
        let reference = QwenVideoDefaults.plan(totalFrames: max(2, Int((source.durationSeconds * source.fps).rounded())),
                                               videoFPS: source.fps, width: source.width, height: source.height)
        let budget = max(1, Int(Double(reference.totalTokens) * budgetFraction))
        print("Qwen3-VL default: \(reference.blocks) blocks × \(reference.height / 32)×\(reference.width / 32) tokens = \(reference.totalTokens) tokens with timestamps; budget \(budget)\n")

        let output = try OutputDirectory(path: out, force: true)
        var summaries: [String] = []
        for strategy in ["arrcoc", "uniform"] {
            settings.strategy = strategy
            let (sequence, manifest) = try CompressionRun.compress(
                video: clip, features: features, query: query, queryInfo: queryInfo, settings: settings, budget: budget, progress: Progress(enabled: false))
            let dir = output.staging.appendingPathComponent(strategy)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try OutputWriter.write(sequence: sequence, manifest: manifest, to: dir)
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

/// Where the demo's video comes from: the sample cache, or a clip generated on the spot; and
/// the haystack built from it.
enum DemoVideo {
    static var cacheRoot: URL {
        if let dir = ProcessInfo.processInfo.environment["ARRCOC_SAMPLES"], !dir.isEmpty {
            return URL(fileURLWithPath: dir)
        }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/arrcoc/samples")
    }

    static var generatedDirectory: URL { cacheRoot.deletingLastPathComponent().appendingPathComponent("generated") }

    /// The cached cockatoo.mp4, or a generated clip when it is missing.
    static func locate() throws -> String {
        let sample = cacheRoot.appendingPathComponent("cockatoo.mp4").path
        if FileManager.default.fileExists(atPath: sample) { return sample }
        let generated = generatedDirectory.appendingPathComponent("demo-v1.mp4").path
        if FileManager.default.fileExists(atPath: generated) { return generated }
        printErr("cockatoo.mp4 is not in \(cacheRoot.path); generating a demo clip with arrcoc's encoder")
        do {
            try FileManager.default.createDirectory(at: generatedDirectory, withIntermediateDirectories: true)
            try SyntheticClip.write(to: generated, size: PixelSize(width: 640, height: 360), fps: 25, seconds: 12)
        } catch {
            throw CLIError.noDemoVideo(reason: error.localizedDescription)
        }
        return generated
    }

    /// The needle: a 4×4 checkerboard of saturated colours with a diagonal, `side` px square.
    static func needle(side: Int) -> [UInt8] {
        let colours: [(UInt8, UInt8, UInt8)] = [(230, 30, 40), (250, 210, 20), (30, 90, 230), (20, 200, 90)]
        var rgb = [UInt8](repeating: 0, count: side * side * 3)
        for y in 0..<side {
            for x in 0..<side {
                let c = colours[((x * 4 / side) + (y * 4 / side) * 3) % 4]
                let o = (y * side + x) * 3
                let onDiagonal = abs(x - y) < max(2, side / 24)
                rgb[o] = onDiagonal ? 255 : c.0
                rgb[o + 1] = onDiagonal ? 255 : c.1
                rgb[o + 2] = onDiagonal ? 255 : c.2
            }
        }
        return rgb
    }

    /// Builds (once, cached) the background with the needle pasted from 40% to 60% of its length
    /// at the upper right, re-encoded with `VideoEncoder`; returns the clip, the needle's PNG and
    /// the needle's interval in seconds.
    static func haystack(background: String) throws -> (String, String, ClosedRange<Double>) {
        try FileManager.default.createDirectory(at: generatedDirectory, withIntermediateDirectories: true)
        let key = String(try SHA256.hexDigest(ofFile: background).prefix(12))
        let clip = generatedDirectory.appendingPathComponent("demo-haystack-\(key)-v1.mp4").path
        let needlePath = generatedDirectory.appendingPathComponent("demo-needle-v1.png").path
        let info = try VideoProbe.probe(path: background)
        let duration = info.durationSeconds ?? 10
        let interval = (duration * 0.4)...(duration * 0.6)
        let side = max(32, (min(info.width, info.height) / 5) & ~1)
        let needle = needle(side: side)
        if !FileManager.default.fileExists(atPath: needlePath) {
            try PNGWriter.write(VideoFrame(time: 0, target: 0, sourceIndex: 0, size: PixelSize(width: side, height: side), rgb: needle), to: needlePath)
        }
        if FileManager.default.fileExists(atPath: clip) { return (clip, needlePath, interval) }
        printErr("building the demo haystack from \(URL(fileURLWithPath: background).lastPathComponent) (once; cached in \(generatedDirectory.path))")
        let size = PixelSize(width: info.width & ~1, height: info.height & ~1)
        let fps = max(1, Int(info.fps.rounded()))
        let encoder = try VideoEncoder(path: clip, size: size, fps: fps)
        let x0 = size.width - side - size.width / 10, y0 = size.height / 8
        try VideoReader(path: background).sample(fps: Double(fps), size: size) { frame in
            var rgb = frame.rgb
            if interval.contains(frame.time) {
                for y in 0..<side {
                    let dst = ((y0 + y) * size.width + x0) * 3
                    rgb.replaceSubrange(dst..<(dst + side * 3), with: needle[(y * side * 3)..<((y + 1) * side * 3)])
                }
            }
            try encoder.append(rgb: rgb)
        }
        try encoder.finish()
        return (clip, needlePath, interval)
    }
}
