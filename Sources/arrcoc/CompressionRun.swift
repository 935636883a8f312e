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
        let reader = try VideoReader(path: path)
        let grid = TokenGrid.grid(width: reader.info.width, height: reader.info.height,
                                  target: settings.query.imageCells, maximum: settings.query.imageCells)
        var image: RGBImage? = nil
        try reader.fetch(times: [0], size: PixelSize(width: grid.w * 32, height: grid.h * 32)) {
            image = RGBImage(width: $0.size.width, height: $0.size.height, pixels: $0.rgb)
        }
        guard let image else { throw FeatureError.invalidQuery(source: path, reason: "no image could be decoded") }
        let q = try Query(imageDescriptors: FeatureAnalyzer.describe(image), grid: grid, embedder: embedder, source: path)
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
