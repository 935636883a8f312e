import Foundation

/// Builds a `FeatureSet` from candidate frames handed in one at a time (in time order), with the
/// built-in descriptor embedder: raw descriptors and cues per cell as frames arrive, then the
/// PCA whitening fitted on a bounded sample of the video's frames, then the embeddings.
///
/// Describing a frame allocates nothing per cell (`DescriptorWorkspace`); the totals (R + G + B)
/// of this frame and the previous one are two buffers reused in turn.
///
/// Memory does not grow with the video: each frame's 28 raw values and 3 cues per cell go to
/// anonymous scratch files (`SpillFile`) as it is described; the fit reads back at most
/// `fitSampleCells` cells (`fitSample`); the embeddings are made chunk by chunk, either into the
/// `FeatureSet` (`finish(source:candidateFPS:)`, which holds the features once) or straight into
/// the features file (`finish(source:candidateFPS:writingTo:)`, which holds none of them).
public final class FeatureAnalyzer {
    public let rows: Int
    public let cols: Int
    public let dimension: Int
    private var times: [Double] = []
    private let spillDirectory: String?
    private var spill: (descriptors: SpillFile, information: SpillFile, edges: SpillFile, change: SpillFile)? = nil
    private var frameDescriptors: [Float]
    private var frameInformation: [Float]
    private var frameEdges: [Float]
    private var frameChange: [Float]
    private var totals: [UInt16] = []
    private var previousTotals: [UInt16] = []
    private let workspace = DescriptorWorkspace()
    /// Cells embedded per product (whole frames; at least one). Each row of the product is
    /// summed on its own (`OrderedProducts.product`), so the chunk size changes no bit.
    private let chunkCells: Int

    /// The fit's sample bound, in cells: a video of at most this many cells (candidate frames ×
    /// cells per frame; 1,800 frames = 15 minutes at 2 fps on the default 400-cell grid) is fitted
    /// on all of them, exactly as before the bound existed; a longer one on `fitSample` frames.
    /// 720,000 cells × 28 floats is 80 MB.
    public static let fitSampleCells = 720_000

    /// - Parameters: rows, cols: the analysis grid (frames must be `cols·32 × rows·32`);
    ///   dimension: embedding size after whitening (at most 28); spillDirectory: where the
    ///   scratch files go (default `TMPDIR`; best on the output's file system).
    public convenience init(rows: Int, cols: Int, dimension: Int, spillDirectory: String? = nil) {
        self.init(rows: rows, cols: cols, dimension: dimension, spillDirectory: spillDirectory, chunkCells: 65_536)
    }

    /// Chunking made small in tests.
    init(rows: Int, cols: Int, dimension: Int, spillDirectory: String?, chunkCells: Int) {
        self.rows = rows
        self.cols = cols
        self.dimension = min(dimension, CellDescriptor.length)
        self.spillDirectory = spillDirectory
        self.chunkCells = chunkCells
        let cells = rows * cols
        frameDescriptors = [Float](repeating: 0, count: cells * CellDescriptor.length)
        frameInformation = [Float](repeating: 0, count: cells)
        frameEdges = frameInformation
        frameChange = frameInformation
    }

    /// The frame size the analyzer expects.
    public var frameSize: (width: Int, height: Int) { (cols * CellDescriptor.side, rows * CellDescriptor.side) }

    /// Adds the candidate frame at `time` (seconds, after the previous one).
    /// - Complexity: O(pixels), no allocation per cell.
    public func add(_ image: RGBImage, time: Double) throws {
        guard image.width == frameSize.width, image.height == frameSize.height else {
            throw FeatureError.gridMismatch(expected: "\(frameSize.width)x\(frameSize.height) px", found: "\(image.width)x\(image.height) px")
        }
        let files = try spillFiles()
        let hasPrevious = !times.isEmpty
        CellDescriptor.describe(
            image, totals: &totals, previous: hasPrevious ? previousTotals : nil, workspace: workspace, firstCell: 0,
            descriptors: &frameDescriptors, information: &frameInformation, edges: &frameEdges, change: &frameChange)
        try frameDescriptors.withUnsafeBufferPointer { try files.descriptors.append($0) }
        try frameInformation.withUnsafeBufferPointer { try files.information.append($0) }
        try frameEdges.withUnsafeBufferPointer { try files.edges.append($0) }
        try frameChange.withUnsafeBufferPointer { try files.change.append($0) }
        swap(&totals, &previousTotals)
        times.append(time)
    }

    /// Frames added so far.
    public var frameCount: Int { times.count }

    /// The frames (indices) the embedder is fitted on: all of them when `frames × cellsPerFrame`
    /// is within `fitSampleCells`, else `fitSampleCells / cellsPerFrame` (at least 2) evenly
    /// spaced ones, the first and the last included. Deterministic: it depends on the counts only.
    public static func fitSample(frames: Int, cellsPerFrame: Int) -> [Int] {
        let bound = max(2, fitSampleCells / max(cellsPerFrame, 1))
        guard frames > bound else { return Array(0..<frames) }
        return (0..<bound).map { k in k * (frames - 1) / (bound - 1) }
    }

    /// Fits the embedder on the sample and returns the features, held once in memory; with
    /// `keepingDescriptors`, the raw descriptors too (`FeatureSet.descriptors`, for coarse passes).
    public func finish(source: FeatureInfo.Source, candidateFPS: Double, keepingDescriptors: Bool = false) throws -> FeatureSet {
        // The fit's centred sample is let go here: held beside `embeddings` it would add up to
        // `fitSampleCells × 28` floats (80 MB) to the peak.
        let (embedder, info, files, _) = try fit(source: source, candidateFPS: candidateFPS)
        let cells = times.count * rows * cols
        var embeddings = [Float](repeating: 0, count: cells * embedder.dimension)
        try embeddings.withUnsafeMutableBufferPointer { out in
            try embedChunks(embedder, files.descriptors, centred: nil) { first, chunk in
                chunk.withUnsafeBufferPointer { c in
                    (out.baseAddress! + first * embedder.dimension).update(from: c.baseAddress!, count: c.count)
                }
            }
        }
        var features = FeatureSet(info: info, times: times, embeddings: embeddings, information: try files.information.read(0..<cells),
                                  edges: try files.edges.read(0..<cells), change: try files.change.read(0..<cells), embedder: embedder)
        if keepingDescriptors { features.descriptors = try files.descriptors.read(0..<(cells * CellDescriptor.length)) }
        return features
    }

    /// What `finish(source:candidateFPS:writingTo:)` wrote.
    public struct Written: Sendable {
        public var info: FeatureInfo
        public var frameCount: Int
    }

    /// Fits the embedder on the sample and streams the features file to `path` (atomically:
    /// temporary name, then rename): the bytes `finish(source:candidateFPS:).write(to:)` gives,
    /// without the features ever being in memory.
    public func finish(source: FeatureInfo.Source, candidateFPS: Double, writingTo path: String) throws -> Written {
        let (embedder, info, files, centred) = try fit(source: source, candidateFPS: candidateFPS)
        let layout = try FeatureSet.fileLayout(info: info, frames: times.count, cues: true, embedder: embedder)
        let cells = times.count * rows * cols
        try AtomicWrite.write(to: path) { temporary in
            let stream = try SafetensorsStream(path: temporary, entries: layout.entries, metadata: layout.metadata)
            func copy(_ file: SpillFile) throws {
                var first = 0
                while first < cells {
                    let end = min(cells, first + chunkCells)
                    try stream.append(try file.read(first..<end))
                    first = end
                }
            }
            for entry in stream.entries {
                switch entry.name {
                case "cue_change": try copy(files.change)
                case "cue_edges": try copy(files.edges)
                case "cue_information": try copy(files.information)
                case "embedder_mean": try stream.append(embedder.mean)
                case "embedder_projection": try stream.append(embedder.projection)
                case "embeddings": try embedChunks(embedder, files.descriptors, centred: centred) { _, chunk in try stream.append(chunk) }
                case "times_s": try stream.append(times)
                default: throw FormatError.unwritable(path: path, reason: "no values for tensor '\(entry.name)'")
                }
            }
            try stream.finish()
        }
        return Written(info: info, frameCount: times.count)
    }

    /// Raw descriptors of an image on its own grid (for query images), `cells × 28`.
    public static func describe(_ image: RGBImage) -> [Float] {
        var d: [Float] = []
        var cues: [CellDescriptor.Cues] = []
        CellDescriptor.describe(image, previousTotals: nil, descriptors: &d, cues: &cues)
        return d
    }

    private func spillFiles() throws -> (descriptors: SpillFile, information: SpillFile, edges: SpillFile, change: SpillFile) {
        if let spill { return spill }
        let made = (try SpillFile(directory: spillDirectory), try SpillFile(directory: spillDirectory),
                    try SpillFile(directory: spillDirectory), try SpillFile(directory: spillDirectory))
        spill = made
        return made
    }

    /// The embedder fitted on `fitSample` frames, read back from the scratch file, and the
    /// sample centred on the fit's mean when it is every frame (the embedding's input then).
    private func fit(source: FeatureInfo.Source, candidateFPS: Double)
        throws -> (DescriptorEmbedder, FeatureInfo, (descriptors: SpillFile, information: SpillFile, edges: SpillFile, change: SpillFile),
                   centred: [Float]?)
    {
        guard !times.isEmpty, let files = spill else { throw FeatureError.noFrames(path: source.path) }
        let cells = rows * cols, d0 = CellDescriptor.length, perFrame = cells * d0
        let sample = Self.fitSample(frames: times.count, cellsPerFrame: cells)
        var x = [Float](repeating: 0, count: sample.count * perFrame)
        try x.withUnsafeMutableBufferPointer { out in
            if sample.count == times.count {
                try files.descriptors.read(0..<(times.count * perFrame), into: out)
            } else {
                for (k, f) in sample.enumerated() {
                    try files.descriptors.read((f * perFrame)..<((f + 1) * perFrame),
                                               into: UnsafeMutableBufferPointer(rebasing: out[(k * perFrame)..<((k + 1) * perFrame)]))
                }
            }
        }
        let embedder: DescriptorEmbedder
        do {
            embedder = try DescriptorEmbedder.fit(centring: &x, inputDimension: d0, dimension: dimension)
        } catch FeatureError.noVariation {
            throw FeatureError.noVariation(path: source.path)
        }
        let info = FeatureInfo(
            source: source, analysis: .init(candidateFPS: candidateFPS, rows: rows, cols: cols),
            embedder: .init(name: DescriptorEmbedder.name, version: DescriptorEmbedder.version, dimension: embedder.dimension))
        return (embedder, info, files, sample.count == times.count ? x : nil)
    }

    /// Embeds every cell, `chunkCells` (whole frames) at a time, handing on each chunk's
    /// embeddings with the index of its first cell: from `centred` (every cell, centred by the
    /// fit) when given, else read back from the scratch file and centred chunk by chunk.
    private func embedChunks(_ embedder: DescriptorEmbedder, _ descriptors: SpillFile, centred: [Float]?,
                             _ body: (_ firstCell: Int, _ embeddings: [Float]) throws -> Void) throws {
        let cells = rows * cols, total = times.count * cells, d0 = CellDescriptor.length
        let step = max(1, chunkCells / cells) * cells
        var first = 0
        while first < total {
            let end = min(total, first + step)
            if let centred {
                let chunk = centred.withUnsafeBufferPointer { all in
                    embedder.embed(centred: UnsafeBufferPointer(rebasing: all[(first * d0)..<(end * d0)]))
                }
                try body(first, chunk)
            } else {
                var chunk = try descriptors.read((first * d0)..<(end * d0))
                try body(first, try embedder.embed(centring: &chunk))
            }
            first = end
        }
    }
}
