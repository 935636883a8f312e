import ARRCOC
import ARRCOCPipeline
import ArgumentParser
import Foundation

struct PreviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview",
        abstract: "Draw what a compression kept: preview.png and timeline.svg in its output directory.",
        discussion: """
            preview.png is a contact sheet of the chosen blocks in time order, each drawn from the \
            pixels the model is given (pixel_values_videos), so a 64-token block looks coarse and a \
            400-token block sharp, labelled with its timestamp text, tokens, grid and kind. With \
            --heat, cells of high relevance are tinted red (the query is scored again on the \
            video's features: --features, or the video is analysed). timeline.svg shows the \
            relevance over the whole video, one bar per block (height = tokens), dense windows \
            shaded, the query and the budget. `compress --preview` writes both directly.

            Example:
              arrcoc preview out/ --heat --features clip.features.safetensors
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "An output directory of `arrcoc compress`.")
    var directory: String

    @Flag(help: "Tint cells of high relevance (scores the query again).")
    var heat = false

    @Option(help: "The video's features file (for --heat; default: analyse the video again).")
    var features: String?

    func run() throws {
        global.bootstrapLogging()
        let dir = URL(fileURLWithPath: directory)
        let manifestPath = dir.appendingPathComponent("manifest.json").path
        guard let data = FileManager.default.contents(atPath: manifestPath) else {
            throw ConfigError.unreadable(path: manifestPath, reason: "no such file: \(directory) is not an output directory of arrcoc compress")
        }
        let manifest: Manifest
        do { manifest = try JSONDecoder().decode(Manifest.self, from: data) } catch {
            throw ConfigError.unreadable(path: manifestPath, reason: "not an arrcoc.manifest/1 file: \(error.localizedDescription)")
        }
        let tensorsPath = dir.appendingPathComponent("tensors.safetensors").path
        guard let pixels = try Safetensors(contentsOf: tensorsPath).tensors["pixel_values_videos"]?.floats else {
            throw FormatError.missingTensor(path: tensorsPath, name: "pixel_values_videos")
        }
        var overlay: ContactSheet.Heat? = nil
        if heat {
            var config = CompressionConfig()
            config.emission.mode = manifest.mode
            let engine = try Engine(config: config, progress: TerminalProgress().handler)
            let video = manifest.source.path
            let featureSet = try features.map { try engine.features(at: $0, for: video) } ?? engine.analyze(video: video)
            let query = manifest.query.kind == "image"
                ? try engine.query(image: manifest.query.path, features: featureSet, featuresPath: features)
                : try engine.query(embedding: manifest.query.path, features: featureSet)
            let scores = try OpponentProcessingScorer(config: config.scoring).score(featureSet, query: query.query)
            overlay = Preview.heat(features: featureSet, scores: scores, manifest: manifest)
        }
        try Preview.write(manifest: manifest, pixelValues: pixels, heat: overlay, to: dir)
        print("\(dir.appendingPathComponent(Preview.sheetName).path)\n\(dir.appendingPathComponent(Preview.timelineName).path)")
    }
}
