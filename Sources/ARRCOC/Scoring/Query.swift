import Foundation

/// What the user is looking for, as unit vectors in the features' embedding space: one or more
/// query embeddings (`--query-embedding`), or the cells of a query image and their mean
/// (`--query-image`, embedded with the video's fitted embedder).
public struct Query: Sendable, Equatable {
    /// `count × dimension`, row-major, unit rows.
    public let vectors: [Float]
    public let count: Int
    public let dimension: Int
    /// Where the query came from (a path), for messages and the manifest.
    public let source: String
    /// An image query described on one grid: its cells are vectors `first ..< first + h·w`,
    /// row-major, which lets the scorer match the image's layout, not just its cells.
    public struct Template: Sendable, Equatable {
        public var grid: THW
        public var first: Int
    }

    /// For an image query: the image at one or more scales (vector 0 is the mean of all cells).
    public private(set) var templates: [Template] = []

    /// Validates and normalises query vectors against the features' dimension.
    /// - Throws: `.dimensionMismatch` naming both sizes, `.queryShape`, `.queryValueCount`, `.tooManyQueryVectors`, `.nonFiniteQuery`, `.zeroQueryVector`.
    public init(vectors: [Float], shape: [Int], source: String, featuresDimension: Int) throws(FeatureError) {
        guard shape.count == 1 || shape.count == 2, let d = shape.last, d > 0 else {
            throw .queryShape(source: source, shape: shape)
        }
        let q = shape.count == 2 ? shape[0] : 1
        guard q > 0 else { throw .queryShape(source: source, shape: shape) }
        guard vectors.count == q * d else {
            throw .queryValueCount(source: source, shape: shape, count: vectors.count)
        }
        guard q <= Limit.queryVectors.intValue else {
            throw .tooManyQueryVectors(source: source, count: q, limit: Limit.queryVectors.intValue,
                                       environmentVariable: Limit.queryVectors.environmentVariable)
        }
        guard d == featuresDimension else {
            throw .dimensionMismatch(query: source, queryDimension: d, featuresDimension: featuresDimension)
        }
        if let bad = vectors.firstIndex(where: { !$0.isFinite }) {
            throw .nonFiniteQuery(source: source, index: bad, value: vectors[bad])
        }
        for r in 0..<q where vectors[(r * d)..<((r + 1) * d)].allSatisfy({ $0 == 0 }) {
            throw .zeroQueryVector(source: source, vector: r)
        }
        var v = vectors
        DescriptorEmbedder.normalizeRows(&v, dimension: d)
        self.vectors = v
        self.count = q
        self.dimension = d
        self.source = source
    }

    /// A query image described at one or more scales — raw descriptors (`cells × 28`) on each
    /// grid — embedded with the video's embedder; the query is every cell plus their mean.
    public init(imageScales: [(descriptors: [Float], grid: THW)], embedder: DescriptorEmbedder, source: String) throws {
        let d = embedder.dimension
        var cells: [Float] = []
        var templates: [Template] = []
        for scale in imageScales {
            templates.append(Template(grid: scale.grid, first: 1 + cells.count / d))
            cells += try embedder.embed(scale.descriptors)
        }
        let n = cells.count / d
        var mean = [Float](repeating: 0, count: d)
        for c in 0..<n { for j in 0..<d { mean[j] += cells[c * d + j] / Float(n) } }
        try self.init(vectors: mean + cells, shape: [n + 1, d], source: source, featuresDimension: d)
        self.templates = templates.filter { $0.grid.h * $0.grid.w > 0 }
    }
}
