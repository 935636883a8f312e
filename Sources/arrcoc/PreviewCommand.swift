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
            400-token block sharp, labelled with its timestamp text, tokens, grid and kind (at \
            most 48 tiles: beyond, zoom and dense blocks first, the rest sampled evenly). With \
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

    @Option(help: "The video (for --heat; default: the manifest's source path, relative to the working directory). Must be the video the manifest was made from.")
    var video: String?

    func run() throws {
        global.bootstrapLogging()
        let dir = URL(fileURLWithPath: directory)
        let (manifest, pixels) = try Preview.load(directory: dir)
        let overlay = heat ? try Preview.heat(for: manifest, video: video, featuresPath: features, progress: TerminalProgress().handler) : nil
        try Preview.add(manifest: manifest, pixelValues: pixels, heat: overlay, to: dir)
        print("\(ConfigError.escaped(dir.appendingPathComponent(Preview.sheetName).path))\n\(ConfigError.escaped(dir.appendingPathComponent(Preview.timelineName).path))")
    }
}
