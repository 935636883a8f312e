import ARRCOC
import ARRCOCPipeline
import ArgumentParser
import Foundation
import VideoDecoding

struct CompressCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compress",
        abstract: "Compress a video for Qwen3-VL under a token budget, guided by a query.",
        discussion: """
            Scores every candidate frame against the query (ARR-COC: query coupling, salience, \
            information, balanced by opponent processing), allocates the budget (dense, detailed \
            blocks where the query is; a sparse, coarse floor elsewhere), decodes only the chosen \
            frames at their chosen sizes (seeking to them when the file's index shows that \
            decodes at most a third of what reading up to the last of them would), and writes \
            to DIR:
              manifest.json        blocks, timestamps, tokens, totals (schema arrcoc.manifest/1)
              prompt.txt           the segment as text that tokenises to exactly input_ids
              prompt-compact.txt   the same for people (<|video_pad|>×N)
              tensors.safetensors  pixel_values_videos, video_grid_thw, position_ids, input_ids
            The budget counts the whole video part of the sequence: vision tokens plus each \
            block's timestamp text, vision_start and vision_end. DIR appears only on success.

            Examples:
              arrcoc compress clip.mp4 --query-image needle.png --budget 4096 --out out/
              arrcoc compress clip.mp4 --query-embedding q.npy --budget 2000 --features clip.features.safetensors --out out/
              arrcoc compress clip.mp4 --query-image needle.png --budget 4096 --strategy uniform --out ref/
              arrcoc compress long.mp4 --query-image needle.png --budget 4096 --coarse-to-fine --out out/

            With --coarse-to-fine (or --features naming a file from `analyze --coarse`), only \
            keyframes are analysed first, then the candidate rate only in windows around the \
            places the query is found (Docs/coarse-to-fine.md); --save-features then writes the \
            coarse, query-independent features.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The video to compress.")
    var video: String

    @Option(name: .customLong("query-image"), help: "An image of what to look for (embedded in the video's feature space).")
    var queryImage: String?

    @Option(name: .customLong("query-embedding"), help: "A .npy float array [D] or [Q, D] in the features' embedding space.")
    var queryEmbedding: String?

    @Option(help: "Token budget for the video part of the sequence (overhead included).")
    var budget: Int?

    @Option(help: "Output directory (created; must not exist unless --force).")
    var out: String

    @Flag(help: "Replace DIR (and the --save-features file) if it exists and arrcoc wrote it (only once everything succeeded).")
    var force = false

    @Option(help: "Reuse a features file from `arrcoc analyze` (must come from this video).")
    var features: String?

    @Option(name: .customLong("save-features"), help: "Also write the features computed here to this file.")
    var saveFeatures: String?

    @Flag(name: .customLong("coarse-to-fine"), help: "Analyse keyframes first, then densely only around the places the query is found (long videos; needs --query-image or a coarse --features file).")
    var coarseToFine = false

    @Option(help: "Allocation strategy: \(CompressionConfig.strategies.joined(separator: ", ")) (default arrcoc).")
    var strategy: String?

    @Option(help: "Timestamp format: qwen3vl (<12.5 seconds> text, default) or seed (<t12>).")
    var format: String?

    @Option(help: "How a block spends tokens: resize (whole frame, coarser grid; default) or select (best cells, full resolution).")
    var mode: String?

    @Option(help: "A YAML config (see Configs/default.yaml); flags override it.")
    var config: String?

    @Flag(help: "Also draw preview.png (the chosen blocks) and timeline.svg (relevance and tokens over time) into DIR.")
    var preview = false

    @Flag(help: "With --preview: tint the cells of high relevance.")
    var heat = false

    @Flag(help: "Also write scores.safetensors into DIR: per-cell maps [T, rows, cols] of the raw query similarity, the three ways of knowing and their blend, and per-frame relevance (why a moment was or was not found).")
    var scores = false

    func validate() throws {
        guard (queryImage == nil) != (queryEmbedding == nil) else {
            throw ValidationError("give exactly one of --query-image and --query-embedding")
        }
        if let budget, budget <= 0 || budget > Limit.budgetTokens.intValue {
            throw ValidationError("--budget \(budget): expected a positive number of tokens up to \(Limit.budgetTokens.intValue) "
                                  + "(\(Limit.budgetTokens.environmentVariable) raises it)")
        }
        if let format, SequenceFormat(rawValue: format) == nil {
            throw ValidationError("--format \(format): expected qwen3vl or seed")
        }
        if let mode, SpendMode(rawValue: mode) == nil {
            throw ValidationError("--mode \(mode): expected resize or select")
        }
        if let features, let saveFeatures {
            throw ValidationError("--save-features \(saveFeatures) with --features \(features): the features are read, not computed, so there is nothing to save; drop one of them")
        }
        if let strategy, !CompressionConfig.strategies.contains(strategy) {
            throw ValidationError("--strategy \(strategy): expected one of \(CompressionConfig.strategies.joined(separator: ", "))")
        }
    }

    func run() throws {
        global.bootstrapLogging()
        var settings = try config.map { try CompressionConfig.load(path: $0) } ?? CompressionConfig()
        if let strategy { settings.strategy = strategy }
        if let format { settings.emission.format = SequenceFormat(rawValue: format) ?? .qwen3vl }
        if let mode { settings.emission.mode = SpendMode(rawValue: mode) ?? .resize }
        if let budget { settings.budget = budget }
        try settings.validate()
        guard let budget = settings.budget else {
            throw ValidationError("no budget: pass --budget N or set `budget` in the config")
        }
        // A query image that cannot be read is found now, not after the video's analysis.
        if let queryImage { try Engine.checkQueryImage(queryImage) }
        let engine = try Engine(config: settings, progress: TerminalProgress().handler)
        StagingRegistry.shared.installSignalHandlers(message: "interrupted: \(out) was not written")
        let inputs = [video, queryImage, queryEmbedding, features, config].compactMap { $0 }
        // Inside DIR, the features file would vanish when DIR is renamed into place.
        if let saveFeatures { try StagedOutput.checkSeparate((saveFeatures, "--save-features \(saveFeatures)"), from: (out, "--out \(out)"), otherIsDirectory: true) }
        let output = try StagedOutput(path: out, kind: .directory, force: force, inputs: inputs, command: "compress")
        let savedFeatures = try saveFeatures.map { try StagedOutput(path: $0, kind: .featuresFile, force: force, inputs: inputs) }

        // Features: reused (same video, checked by SHA-256) or computed now.
        var featureSet: FeatureSet
        if let features {
            featureSet = try engine.features(at: features, for: video)
        } else {
            featureSet = try coarseToFine ? engine.analyzeCoarse(video: video) : engine.analyze(video: video)
            if let savedFeatures { try featureSet.write(to: savedFeatures.staging.path) }
        }
        var query = try queryEmbedding.map { try engine.query(embedding: $0, features: featureSet) }
            ?? engine.query(image: queryImage ?? "", features: featureSet, featuresPath: features)
        let refined = coarseToFine || featureSet.info.analysis.pass == .coarse
        if refined {
            // The fine pass: the query's windows at the candidate rate, merged with the coarse frames.
            // A query image is embedded again with the embedder refitted on the merged frames.
            (featureSet, query) = try engine.refine(video: video, coarse: featureSet, query: query, featuresPath: features)
            let windows = featureSet.info.analysis.windows ?? []
            let spans = windows.map { String(format: "%.0f–%.0f s", $0[0], $0[1]) }.joined(separator: ", ")
            printErr("coarse-to-fine: \(windows.count) windows analysed densely (\(spans)), \(featureSet.frameCount) candidate frames")
        }
        // pixel_values_videos streamed into the staged directory block by block.
        let result = try refined
            ? engine.compressRefined(video: video, features: featureSet, query: query, budget: budget, writingTo: output.staging)
            : engine.compress(video: video, features: featureSet, query: query, budget: budget, writingTo: output.staging)
        if preview {
            // The contact sheet draws from the pixel values: read back from the file just written.
            let pixels = try Preview.load(directory: output.staging).pixelValues
            let overlay = heat ? result.scores.map { Preview.heat(features: featureSet, scores: $0, manifest: result.manifest) } : nil
            try Preview.write(manifest: result.manifest, pixelValues: pixels, heat: overlay, to: output.staging)
        }
        if scores, let relevance = result.scores {
            try ScoresFile.write(relevance, features: featureSet, to: output.staging.appendingPathComponent("scores.safetensors").path)
        }
        try savedFeatures?.commit()
        try output.commit()
        let manifest = result.manifest
        let t = manifest.totals
        print("""
            \(ConfigError.escaped(out)): \(t.blocks) blocks (\(manifest.blocks.filter { $0.density == .dense }.count) dense), \
            \(t.sequenceLength) of \(budget) tokens (vision \(t.visionTokens), text \(t.textTokens)); \
            Qwen3-VL default \(t.qwen3vlDefaultTokens) → \(Manifest.Totals.ratioPhrase(t.compressionRatio))
            """)
    }
}
