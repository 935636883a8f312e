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
    /// is found whether it covers one cell of the video's grid or several; each scale also on its
    /// grid shifted by half a cell (`shiftedTemplates`, `query.shifted_grids`), so that it is found
    /// wherever it sits against the video's cells.
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
        var decoded = 0
        try image.frames(grids.map { PixelRequest(time: 0, width: $0.w * 32, height: $0.h * 32, forAnalysis: true) }) { frame in
            decoded += 1
            scales.append((FeatureAnalyzer.describe(frame), THW(t: 1, h: frame.height / 32, w: frame.width / 32)))
            for shifted in config.query.shiftedGrids ? shiftedTemplates(frame, step: config.query.gridShift) : [] {
                scales.append((FeatureAnalyzer.describe(shifted), THW(t: 1, h: shifted.height / 32, w: shifted.width / 32)))
            }
        }
        guard decoded == grids.count else {
            throw FeatureError.undecodableQueryImage(source: meta.path)
        }
        let q = try Query(imageScales: scales, embedder: embedder, source: meta.path)
        return QueryInput(query: q, info: .init(kind: "image", path: meta.path, vectors: q.count))
    }

    /// The fewest cells a shifted template keeps (see `shiftedTemplates`).
    static let shiftedTemplateMinimumCells = 6

    /// A query image at one scale (sides multiples of 32), on its cell grid shifted by every
    /// multiple of `step` pixels below a cell across, down and both (row-major, (0, step) first):
    /// the whole cells inside the image from the shift on (one column or row fewer), those with
    /// at least `shiftedTemplateMinimumCells` cells.
    ///
    /// A needle sits anywhere against the video's 32-px cells, and the descriptor (quadrant
    /// layout, orientation histogram) of a textured object changes a lot when its cell moves by a
    /// fraction of a cell: an exact copy of the query pasted on vtest.avi, 11 and 10 px off the
    /// grid, matched it with 0.64 while a dozen background frames matched better; on half-cell
    /// grids (`step` 16, every needle within 8 px of one) with 0.68, still at the background's
    /// level; on quarter-cell grids (`step` 8, within 4 px) with 0.75–0.77, above every
    /// background frame (Docs/engine.md). Small shifted templates are left out: a window of a few
    /// cells is matched by chance somewhere in most frames (measured on the real-needles sweeps:
    /// with 2- or 4-cell ones an event was lost).
    static func shiftedTemplates(_ image: RGBImage, step: Int = CompressionConfig.QuerySettings.defaultGridShift) -> [RGBImage] {
        let side = CellDescriptor.side
        let rows = image.height / side, cols = image.width / side
        var out: [RGBImage] = []
        for dy in stride(from: 0, to: side, by: step) {
            for dx in stride(from: 0, to: side, by: step) where dy + dx > 0 {
                let h = rows - (dy > 0 ? 1 : 0), w = cols - (dx > 0 ? 1 : 0)
                guard h > 0, w > 0, h * w >= shiftedTemplateMinimumCells else { continue }
                out.append(image.cropped(x: dx, y: dy, width: w * side, height: h * side))
            }
        }
        return out
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
