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
    /// grid shifted by multiples of `query.grid_shift` (8 px by default; `shiftedTemplates`,
    /// `query.shifted_grids`), so that it is found wherever it sits against the video's cells.
    /// - Throws: `FeatureError.tooManyQueryVectors` (before describing anything) when the settings
    ///   give the image more vectors than `Limit.queryVectors`.
    /// - Parameter featuresPath: names the features in the error when they carry no embedder.
    public static func image(
        _ image: some FrameSource, features: FeatureSet, featuresPath: String? = nil, config: CompressionConfig
    ) throws -> QueryInput {
        let meta = try image.metadata()
        guard let embedder = features.embedder else {
            throw FeatureError.noEmbedderState(features: featuresPath ?? "the features", embedder: features.info.embedder.name)
        }
        let grids = scaleGrids(width: meta.width, height: meta.height, imageCells: config.query.imageCells)
        // Counted before anything is described: a configuration that gives a large image more
        // vectors than the scorer takes fails at once, naming the settings.
        let count = vectorCount(grids: grids, shift: config.query.shiftedGrids ? config.query.gridShift : nil)
        guard count <= Limit.queryVectors.intValue else {
            throw FeatureError.tooManyQueryVectors(source: "\(meta.path) (query.image_cells \(config.query.imageCells), query.grid_shift \(config.query.gridShift))",
                                                   count: count, limit: Limit.queryVectors.intValue,
                                                   environmentVariable: Limit.queryVectors.environmentVariable)
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

    /// The cell grids a `width × height` query image is described on: 1, 4, 9, … cells up to
    /// `largestScale`, aspect kept, no grid twice.
    static func scaleGrids(width: Int, height: Int, imageCells: Int) -> [THW] {
        let cells = largestScale(width: width, height: height, imageCells: imageCells)
        let targets = [1, 4, 9, 16, 25, 36, 64, 100, 144, 196, 256, 324, 400].filter { $0 < cells } + [cells]
        var grids: [THW] = []
        for target in targets {
            let g = TokenGrid.grid(width: width, height: height, target: target, maximum: target)
            if !grids.contains(g) { grids.append(g) }
        }
        return grids
    }

    /// The query vectors an image described on `grids` gives (`Query(imageScales:)`: the mean
    /// vector and one per cell of every grid), with the shifted grids of `shift` pixels (nil:
    /// none), counted from the shapes alone as `shiftedTemplates` makes them.
    static func vectorCount(grids: [THW], shift: Int?) -> Int {
        let side = CellDescriptor.side
        var count = 1
        for g in grids {
            count += g.h * g.w
            guard let shift, shift > 0 else { continue }
            for dy in stride(from: 0, to: side, by: shift) {
                for dx in stride(from: 0, to: side, by: shift) where dy + dx > 0 {
                    let h = g.h - (dy > 0 ? 1 : 0), w = g.w - (dx > 0 ? 1 : 0)
                    if h > 0, w > 0, h * w >= shiftedTemplateMinimumCells { count += h * w }
                }
            }
        }
        return count
    }

    /// The most vectors any query image gives with `settings` (a square image large enough for
    /// every scale, which has the most cells per scale), for `CompressionConfig.validate()`.
    static func largestVectorCount(_ settings: CompressionConfig.QuerySettings) -> Int {
        let side = 4096
        return vectorCount(grids: scaleGrids(width: side, height: side, imageCells: settings.imageCells),
                           shift: settings.shiftedGrids ? settings.gridShift : nil)
    }

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
        precondition(step > 0, "a grid shift of \(step) px")
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
