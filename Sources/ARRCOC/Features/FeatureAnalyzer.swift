import Foundation

/// Builds a `FeatureSet` from candidate frames handed in one at a time (in time order), with the
/// built-in descriptor embedder: raw descriptors and cues per cell as frames arrive, then the
/// PCA whitening fitted on all of the video's cells, then the embeddings.
///
/// Describing a frame allocates nothing per cell (`DescriptorWorkspace`); the luminance planes
/// of this frame and the previous one are two buffers reused in turn.
///
/// Memory: 28 floats + 3 cues per cell per frame until `finish()` (≈ 45 KB per frame at 400 cells).
public final class FeatureAnalyzer {
    public let rows: Int
    public let cols: Int
    public let dimension: Int
    private var times: [Double] = []
    private var descriptors: [Float] = []
    private var information: [Float] = []
    private var edges: [Float] = []
    private var change: [Float] = []
    private var luminance: [Float] = []
    private var previousLuminance: [Float] = []
    private let workspace = DescriptorWorkspace()

    /// - Parameters: rows, cols: the analysis grid (frames must be `cols·32 × rows·32`);
    ///   dimension: embedding size after whitening (at most 28).
    public init(rows: Int, cols: Int, dimension: Int) {
        self.rows = rows
        self.cols = cols
        self.dimension = min(dimension, CellDescriptor.length)
    }

    /// The frame size the analyzer expects.
    public var frameSize: (width: Int, height: Int) { (cols * CellDescriptor.side, rows * CellDescriptor.side) }

    /// Adds the candidate frame at `time` (seconds, after the previous one).
    /// - Complexity: O(pixels), no allocation per cell.
    public func add(_ image: RGBImage, time: Double) throws {
        guard image.width == frameSize.width, image.height == frameSize.height else {
            throw FeatureError.gridMismatch(expected: "\(frameSize.width)x\(frameSize.height) px", found: "\(image.width)x\(image.height) px")
        }
        let cells = rows * cols, first = times.count * cells
        descriptors.append(contentsOf: repeatElement(0, count: cells * CellDescriptor.length))
        information.append(contentsOf: repeatElement(0, count: cells))
        edges.append(contentsOf: repeatElement(0, count: cells))
        change.append(contentsOf: repeatElement(0, count: cells))
        CellDescriptor.luminance(image, into: &luminance)
        let hasPrevious = !times.isEmpty
        CellDescriptor.describe(
            image, luminance: luminance, previous: hasPrevious ? previousLuminance : nil, workspace: workspace, firstCell: first,
            descriptors: &descriptors, information: &information, edges: &edges, change: &change)
        swap(&luminance, &previousLuminance)
        times.append(time)
    }

    /// Frames added so far.
    public var frameCount: Int { times.count }

    /// Fits the embedder on every cell and returns the features.
    public func finish(source: FeatureInfo.Source, candidateFPS: Double) throws -> FeatureSet {
        guard !times.isEmpty else { throw FeatureError.noFrames(path: source.path) }
        let embedder: DescriptorEmbedder
        do {
            embedder = try DescriptorEmbedder.fit(descriptors: descriptors, inputDimension: CellDescriptor.length, dimension: dimension)
        } catch FeatureError.noVariation {
            throw FeatureError.noVariation(path: source.path)
        }
        let embeddings = try embedder.embed(descriptors)
        let info = FeatureInfo(
            source: source, analysis: .init(candidateFPS: candidateFPS, rows: rows, cols: cols),
            embedder: .init(name: DescriptorEmbedder.name, version: DescriptorEmbedder.version, dimension: embedder.dimension))
        return FeatureSet(info: info, times: times, embeddings: embeddings, information: information, edges: edges,
                          change: change, embedder: embedder)
    }

    /// Raw descriptors of an image on its own grid (for query images), `cells × 28`.
    public static func describe(_ image: RGBImage) -> [Float] {
        var d: [Float] = []
        var cues: [CellDescriptor.Cues] = []
        CellDescriptor.describe(image, luminance: CellDescriptor.luminance(image), previousLuminance: nil, descriptors: &d, cues: &cues)
        return d
    }
}
