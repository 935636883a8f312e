import ARRCOC
import Foundation
import VideoDecoding

/// The compression steps shared by `compress` and `demo`: query images, the targeted decode of
/// the chosen frames, emission.
enum CompressionRun {
    /// Embeds a query image with the video's fitted embedder, on a grid of about
    /// `query.image_cells` cells keeping the image's aspect ratio.
    static func queryImage(
        path: String, features: FeatureSet, featuresPath: String?, settings: CompressionConfig
    ) throws -> (Query, Manifest.QueryInfo) {
        guard let embedder = features.embedder else {
            throw FeatureError.noEmbedderState(features: featuresPath ?? "the features", embedder: features.info.embedder.name)
        }
        // The image at several scales (1, 4, 9, … cells up to query.image_cells), so that a
        // needle is found whether it covers one cell of the video's grid or several.
        let reader = try VideoReader(path: path)
        let targets = [1, 4, 9, 16, 25, 36, 64, 100, 144, 196, 256, 324, 400].filter { $0 < settings.query.imageCells } + [settings.query.imageCells]
        var grids: [THW] = []
        for target in targets {
            let g = TokenGrid.grid(width: reader.info.width, height: reader.info.height, target: target, maximum: target)
            if !grids.contains(g) { grids.append(g) }
        }
        var scales: [(descriptors: [Float], grid: THW)] = []
        try reader.fetch(grids.map { FrameRequest(time: 0, size: PixelSize(width: $0.w * 32, height: $0.h * 32)) }) { frame in
            let image = RGBImage(width: frame.size.width, height: frame.size.height, pixels: frame.rgb)
            scales.append((FeatureAnalyzer.describe(image), THW(t: 1, h: frame.size.height / 32, w: frame.size.width / 32)))
        }
        guard scales.count == grids.count else { throw FeatureError.invalidQuery(source: path, reason: "no image could be decoded") }
        let q = try Query(imageScales: scales, embedder: embedder, source: path)
        return (q, .init(kind: "image", path: path, vectors: q.count))
    }

    /// Scores, allocates, decodes the chosen frames (one targeted pass) and emits.
    static func compress(
        video: String, features: FeatureSet, query: Query, queryInfo: Manifest.QueryInfo, settings: CompressionConfig,
        budget: Int, progress: Progress
    ) throws -> (EmittedSequence, Manifest) {
        let plan = try Compressor.plan(features: features, query: query, config: settings, budget: budget)
        var pixels: [PixelRequest: RGBImage] = [:]
        let requests = plan.requests.map { FrameRequest(time: $0.time, size: PixelSize(width: $0.width, height: $0.height)) }
        progress.start("decoding \(requests.count) chosen frames", total: requests.count)
        var index = 0
        try VideoReader(path: video).fetch(requests) { frame in
            pixels[plan.requests[index]] = RGBImage(width: frame.size.width, height: frame.size.height, pixels: frame.rgb)
            index += 1
            progress.advance()
        }
        progress.finish()
        return try Compressor.emit(plan: plan, features: features, pixels: pixels, config: settings, budget: budget, query: queryInfo)
    }
}
