import ARRCOC
import ARRCOCPipeline
import ArgumentParser
import Foundation

struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Decode a video once and write its features file (cell embeddings and cues).",
        discussion: """
            Candidate frames (default 2 fps) are decoded at the analysis grid (the frame's aspect \
            ratio, sides multiples of 32 px, at most max_tokens cells of 32 px) and described by \
            arrcoc's model-free embedder. The features file (safetensors, see Docs/features.md) is \
            reused by `compress --features` and by sweeps, so a video is analysed once.

            With --coarse, only keyframes are decoded (or, when they lie more than 6 s apart, \
            every frame is decoded and 0.5 fps described): a query-independent coarse features \
            file (analysis.pass = coarse) for `compress --coarse-to-fine` on long videos \
            (Docs/coarse-to-fine.md).

            Examples:
              arrcoc analyze clip.mp4 --out clip.features.safetensors
              arrcoc analyze long.mp4 --coarse --out long.coarse.safetensors
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The video to analyse.")
    var video: String

    @Option(help: "The features file to write (safetensors).")
    var out: String

    @Option(help: "A YAML config (analysis and allocation.max_tokens are used).")
    var config: String?

    @Option(name: .customLong("candidate-fps"), help: "Candidate frames per second (overrides the config).")
    var candidateFPS: Double?

    @Flag(help: "Coarse pass only: keyframes (or a low rate when they are sparse), for compress --coarse-to-fine.")
    var coarse = false

    @Flag(help: "Replace FILE if it exists and is a features file arrcoc wrote.")
    var force = false

    func validate() throws {
        if let candidateFPS, !(candidateFPS.isFinite && (0.01...60).contains(candidateFPS)) {
            throw ValidationError("--candidate-fps \(candidateFPS): expected a rate in 0.01…60 frames per second")
        }
    }

    func run() throws {
        global.bootstrapLogging()
        var settings = try config.map { try CompressionConfig.load(path: $0) } ?? CompressionConfig()
        if let candidateFPS { settings.analysis.candidateFPS = candidateFPS }
        let engine = try Engine(config: settings, progress: TerminalProgress().handler)
        StagingRegistry.shared.installSignalHandlers(message: "interrupted: \(out) was not written")
        let output = try StagedOutput(path: out, kind: .featuresFile, force: force, inputs: [video] + (config.map { [$0] } ?? []))
        if coarse {
            // Keyframes only: a small file, built in memory.
            let features = try engine.analyzeCoarse(video: video)
            try features.write(to: output.staging.path)
            try output.commit()
            let how = features.info.analysis.coarse.map { " (coarse: \($0.method.rawValue), at most \(String(format: "%.1f", $0.largestGapSeconds)) s apart)" } ?? ""
            printErr("wrote \(ConfigError.escaped(out)): \(features.frameCount) frames × \(features.rows)×\(features.cols) cells × \(features.dimension) dims\(how)")
            return
        }
        let written = try engine.analyze(video: video, to: output.staging.path)
        try output.commit()
        let a = written.info.analysis
        printErr("wrote \(ConfigError.escaped(out)): \(written.frameCount) frames × \(a.rows)×\(a.cols) cells × \(written.info.embedder.dimension) dims")
    }
}
