import Foundation

/// A query ready for scoring, with how the manifest describes it.
public struct QueryInput: Sendable {
    public var query: Query
    public var info: Manifest.QueryInfo

    public init(query: Query, info: Manifest.QueryInfo) {
        self.query = query
        self.info = info
    }

    /// Query embeddings from a `.npy` float array `[D]` or `[Q, D]` in the features' space.
    public static func embedding(path: String, features: FeatureSet) throws -> QueryInput {
        let (shape, values) = try NPY.readFloats(path: path)
        let q = try Query(vectors: values, shape: shape, source: path, featuresDimension: features.dimension)
        return QueryInput(query: q, info: .init(kind: "embedding", path: path, vectors: q.count))
    }

    /// A query image (read through `image`, a one-frame source) embedded with the video's fitted
    /// embedder, at several scales (1, 4, 9, … cells up to `query.image_cells`), so that a needle
    /// is found whether it covers one cell of the video's grid or several.
    /// - Parameter featuresPath: names the features in the error when they carry no embedder.
    public static func image(
        _ image: some FrameSource, features: FeatureSet, featuresPath: String? = nil, config: CompressionConfig
    ) throws -> QueryInput {
        let meta = try image.metadata()
        guard let embedder = features.embedder else {
            throw FeatureError.noEmbedderState(features: featuresPath ?? "the features", embedder: features.info.embedder.name)
        }
        let cells = largestScale(width: meta.width, height: meta.height, imageCells: config.query.imageCells)
        let targets = [1, 4, 9, 16, 25, 36, 64, 100, 144, 196, 256, 324, 400].filter { $0 < cells } + [cells]
        var grids: [THW] = []
        for target in targets {
            let g = TokenGrid.grid(width: meta.width, height: meta.height, target: target, maximum: target)
            if !grids.contains(g) { grids.append(g) }
        }
        var scales: [(descriptors: [Float], grid: THW)] = []
        try image.frames(grids.map { PixelRequest(time: 0, width: $0.w * 32, height: $0.h * 32, forAnalysis: true) }) { frame in
            scales.append((FeatureAnalyzer.describe(frame), THW(t: 1, h: frame.height / 32, w: frame.width / 32)))
        }
        guard scales.count == grids.count else {
            throw FeatureError.undecodableQueryImage(source: meta.path)
        }
        let q = try Query(imageScales: scales, embedder: embedder, source: meta.path)
        return QueryInput(query: q, info: .init(kind: "image", path: meta.path, vectors: q.count))
    }

    /// The most a query image's long side may exceed its short one: Qwen3-VL's processor
    /// (`smart_resize`, `MAX_RATIO`) refuses images beyond it, and libswscale cannot scale a
    /// 2×5000-px picture to a cell grid at all.
    public static let maximumAspectRatio = 200

    /// The fewest pixels a query image may have on a side. It is described on 32-px cells (16×16
    /// quadrants, 8 gradient orientations, a 16-bin luminance histogram): a picture under a quarter
    /// of a cell's side is mostly the interpolation that enlarges it (a 1×1 image is one flat
    /// colour), not the object it was cut from.
    public static let minimumSide = 8

    /// Checks that a query image is one still picture of a usable shape: `frames` is its frame
    /// count, or 0 for "more than one, not counted".
    /// - Throws: `FeatureError.queryImageIsVideo`, `.queryImageAspect` or `.queryImageTooSmall`.
    public static func checkImage(path: String, width: Int, height: Int, frames: Int) throws(FeatureError) {
        if frames != 1 { throw .queryImageIsVideo(source: path, frames: frames) }
        guard width > 0, height > 0, max(width, height) <= maximumAspectRatio * min(width, height) else {
            throw .queryImageAspect(source: path, width: width, height: height)
        }
        guard min(width, height) >= minimumSide else { throw .queryImageTooSmall(source: path, width: width, height: height) }
    }

    /// The cells of a query image's largest scale: `image_cells`, but no more than the image
    /// touches at 1.5× its own size (32-px cells, one more per side for a needle that straddles
    /// cell edges): a needle shown larger than that is not looked for, and an upscaled query only
    /// blurs. A 64-px crop is described on at most 4×4 cells, a 192-px one on 10×10.
    static func largestScale(width: Int, height: Int, imageCells: Int) -> Int {
        let side = Double(CellDescriptor.side)
        let touched = ((1.5 * Double(width) / side).rounded(.up) + 1) * ((1.5 * Double(height) / side).rounded(.up) + 1)
        return max(1, min(imageCells, Int(touched)))
    }
}
