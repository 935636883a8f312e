import Foundation
import LinearAlgebra

/// ARR-COC's relevance realisation: three ways of knowing, balanced by opponent processing.
///
/// - *participatory* (coupling with the query): the best cosine between a cell and the query
///   vectors — one product of all queries × cells (`OrderedProducts`, in the reference BLAS's
///   order);
/// - *perspectival* (salience): how far a cell's embedding is from its frame's mean embedding
///   (stands out in its frame), and how much it changed since the previous candidate frame;
/// - *propositional* (information): luminance entropy and edge energy of the cell.
///
/// Each is normalised over the whole video so that scores compare across frames: salience and
/// information as `(x − median) / (max − median)` clipped to 0…1; query coupling against the
/// best match of a typical background frame (see `normalizeAgainstBackground`), so a needle reaches 1
/// and ordinary frames 0.
///
/// Opponent processing: the peakedness of the query signal (`MomentEvidence`: how far the best
/// sustained excess of the cells' similarity over their own local temporal median rises above
/// the typical frame's, in cosine units) drives a logistic switch `exploit ∈ [0, 1]`. Exploit raises the participatory weight towards
/// `participatoryWeightMax` and sharpens it (P^(1 + sharpen·exploit)); explore moves weight to
/// salience and information. Frame relevance is the mean of the frame's best cells
/// (`frameTopFraction`), so a small object counts.
public struct OpponentProcessingScorer: FrameScorer {
    public var config: ScoringConfig

    /// Similarities (query vectors × cells, with the embeddings' transposed copy) computed in one
    /// product up to this many floats (64 MB).
    static let wholeProductFloats = 16 << 20
    /// Floats per chunk of frames beyond it (16 MB).
    static let chunkFloats = 4 << 20

    public init(config: ScoringConfig = ScoringConfig()) {
        self.config = config
    }

    /// Threads that score chunks of frames at most (one per core up to this): each holds one
    /// chunk's similarities, `chunkFloats / threads` floats, and there are no more threads than
    /// `chunkFloats` holds frames, so the total stays about 16 MB (one frame when larger).
    static let maximumWorkers = 8

    public func score(_ features: FeatureSet, query: Query) throws -> RelevanceScores {
        try score(features, query: query, wholeProductFloats: Self.wholeProductFloats, chunkFloats: Self.chunkFloats,
                  workers: min(Self.maximumWorkers, ProcessInfo.processInfo.activeProcessorCount))
    }

    /// `score(_:query:)` with the similarity product's chunking and the threads over the chunks
    /// set (in tests).
    func score(_ features: FeatureSet, query: Query, wholeProductFloats: Int, chunkFloats: Int, workers: Int = 1) throws -> RelevanceScores {
        let t = features.frameCount, cells = features.cellsPerFrame, d = features.dimension
        guard query.dimension == d else {
            throw FeatureError.dimensionMismatch(query: query.source, queryDimension: query.dimension, featuresDimension: d)
        }
        let n = t * cells
        // Participatory: max cosine over the query vectors (embeddings are unit rows).
        // Template matching in embedding space, at every scale of an image query: a window of
        // the image's grid slid over each frame scores the mean cosine of corresponding cells;
        // each cell keeps the best window covering it. Layout matters, so chance look-alike
        // cells do not; several scales find the needle whatever its size in the video.
        let templates = query.templates.filter { $0.grid.h <= features.rows && $0.grid.w <= features.cols }
        var participatory = [Float](repeating: 0, count: n)
        var best = [Float](repeating: -1, count: templates.isEmpty ? 0 : n)
        // The queries × cells similarities in one product up to `wholeProductFloats` (with the
        // transposed copy of the embeddings they are computed from), else frame chunks of about
        // `chunkFloats` in all, at least one frame each: an image query has one vector per cell
        // per scale and shift, so on a long video the whole product would be many times the
        // embeddings' size. A frame of the largest query `Limit.queryVectors` allows (65,536
        // vectors, 400 cells) is about 105 MB; the defaults' largest (3,160 vectors) about 5 MB.
        // Chunks are scored on up to `workers` threads at once (chunk k by thread k mod n), each
        // chunk `chunkFloats / n`, into its own cells of `participatory` and `best`. Neither
        // the chunking nor the threads change a bit: each similarity is its own sum, and each
        // cell's window maximum is over its own frame. Each query's row runs over the chunk's
        // cells, so that the maximum and the window sums below read memory in order.
        let frameFloats = cells * (query.count + d)
        let whole = t * frameFloats <= wholeProductFloats
        // At most as many threads as chunks of `chunkFloats` hold whole frames, so the chunks in
        // memory at once stay within `chunkFloats` in all (one frame when a frame is larger).
        let threads = whole ? 1 : max(1, min(workers, chunkFloats / max(frameFloats, 1)))
        let chunkFrames = whole ? max(t, 1) : max(1, chunkFloats / threads / max(frameFloats, 1))
        let chunks = (t + chunkFrames - 1) / chunkFrames
        participatory.withUnsafeMutableBufferPointer { p in
            best.withUnsafeMutableBufferPointer { b in
                nonisolated(unsafe) let participatoryCells = p.baseAddress!, bestCells = b.baseAddress
                OrderedProducts.parallel(min(threads, chunks)) { worker in
                    for chunk in stride(from: worker, to: chunks, by: threads) {
                        let f0 = chunk * chunkFrames, f1 = min(t, f0 + chunkFrames), first = f0 * cells, count = (f1 - f0) * cells
                        // The chunk's embeddings as columns (d × count): the similarities are q · eᵀ.
                        var columns = [Float](repeating: 0, count: d * count)
                        features.embeddings.withUnsafeBufferPointer { e in
                            for i in 0..<count { for l in 0..<d { columns[l * count + i] = e[(first + i) * d + l] } }
                        }
                        let sims = query.vectors.withUnsafeBufferPointer { q in
                            columns.withUnsafeBufferPointer { OrderedProducts.product(q, rows: query.count, inner: d, $0, columns: count) }
                        }
                        let target = participatoryCells + first
                        sims.withUnsafeBufferPointer { s in
                            target.update(repeating: -Float.infinity, count: count)
                            for j in 0..<query.count {
                                Self.maximum(into: target, s.baseAddress! + j * count, count: count)
                            }
                        }
                        for template in templates {
                            let window = Self.windowMatch(sims, cells: count, frames: f1 - f0, rows: features.rows,
                                                          cols: features.cols, template: template)
                            let bestOfChunk = bestCells! + first
                            for i in 0..<count { bestOfChunk[i] = max(bestOfChunk[i], window[i]) }
                        }
                    }
                }
            }
        }
        if !templates.isEmpty {
            for i in 0..<n { participatory[i] = max(best[i], 0.5 * participatory[i]) }
        }
        let similarity = participatory
        // Frames that stand for different lengths of time (a coarse-to-fine merge) weigh by it in
        // every video-wide statistic; nil (evenly spaced frames): unweighted, as always.
        let weights = features.timeWeights
        // Peakedness is read on the raw similarities, against each cell's own temporal background:
        // a query found in a few moments reads high, one found nowhere or everywhere flat.
        let k = max(1, Int((config.frameTopFraction * Double(cells)).rounded()))
        let frameSimilarity = Self.frameAggregate(participatory, frames: t, cells: cells, top: k)
        let peakedness = MomentEvidence(similarity: similarity, times: features.times, cells: cells,
                                        window: config.evidenceWindowSeconds, top: k, weights: weights).peakedness
        Self.normalizeAgainstBackground(&participatory, frames: t, cells: cells, weights: weights)

        // Perspectival: distance from the frame's mean embedding, and change over time.
        var standout = [Float](repeating: 0, count: n)
        features.embeddings.withUnsafeBufferPointer { emb in
            for f in 0..<t {
                var mean = [Float](repeating: 0, count: d)
                for c in 0..<cells { for j in 0..<d { mean[j] += emb[(f * cells + c) * d + j] } }
                let norm = max(mean.reduce(0) { $0 + $1 * $1 }.squareRoot(), 1e-12)
                for c in 0..<cells {
                    var dot: Float = 0
                    for j in 0..<d { dot += emb[(f * cells + c) * d + j] * mean[j] }
                    standout[f * cells + c] = 1 - dot / norm
                }
            }
        }
        Self.normalize(&standout, frameWeights: weights)
        // Each map blended into a normalised copy of a cue, which then takes its place: one map
        // more per cue at most, never two.
        var perspectival = standout
        if var change = features.change {
            Self.normalize(&change, frameWeights: weights)
            for i in 0..<n { change[i] = 0.5 * standout[i] + 0.5 * change[i] }
            perspectival = change
        }
        var propositional: [Float]
        if var information = features.information, var edges = features.edges {
            Self.normalize(&information, frameWeights: weights)
            Self.normalize(&edges, frameWeights: weights)
            for i in 0..<n { information[i] = 0.5 * information[i] + 0.5 * edges[i] }
            propositional = information
        } else {
            propositional = [Float](repeating: 0, count: n)
        }

        // Opponent processing.
        let exploit = 1 / (1 + exp(-(peakedness - config.exploitThreshold) / config.exploitSoftness))
        let wP = config.participatoryWeightMin + (config.participatoryWeightMax - config.participatoryWeightMin) * exploit
        let hasCues = features.information != nil
        let wS = (1 - wP) * (hasCues ? config.perspectivalShare : 1)
        let wI = 1 - wP - wS
        let gamma = Float(1 + config.sharpen * exploit)
        var blend = [Float](repeating: 0, count: n)
        for i in 0..<n {
            blend[i] = Float(wP) * powf(participatory[i], gamma) + Float(wS) * perspectival[i] + Float(wI) * propositional[i]
        }
        var frames = Self.frameAggregate(blend, frames: t, cells: cells, top: k)
        let top = frames.max() ?? 0
        if top > 0 { frames = frames.map { $0 / top } }
        return RelevanceScores(
            similarity: similarity, participatory: participatory, perspectival: perspectival, propositional: propositional, cells: blend,
            frames: frames, frameSimilarity: frameSimilarity, peakedness: peakedness, exploit: exploit, weights: (wP, wS, wI))
    }

    /// Per cell, the best mean cosine over the template-shaped windows covering it, where window
    /// cell (i, j) is compared with query vector `first + i·w + j` (`sims` holds queries × cells,
    /// `cells` a row: `frames` frames of `rows × cols`).
    ///
    /// Each window's sum adds its cells in row-major order from zero; all windows of a frame are
    /// summed together, one template cell at a time, so that each pass reads a query's row in
    /// order.
    static func windowMatch(_ sims: [Float], cells stride: Int, frames: Int, rows: Int, cols: Int, template: Query.Template) -> [Float] {
        let grid = template.grid
        let cells = rows * cols
        var out = [Float](repeating: -1, count: frames * cells)
        let area = Float(grid.h * grid.w)
        let positionRows = rows - grid.h + 1, positionCols = cols - grid.w + 1
        var sums = [Float](repeating: 0, count: positionRows * positionCols)
        var across = [Float](repeating: 0, count: positionRows * cols)
        sims.withUnsafeBufferPointer { s in
            sums.withUnsafeMutableBufferPointer { sum in
                for f in 0..<frames {
                    for k in sum.indices { sum[k] = 0 }
                    for i in 0..<grid.h {
                        for j in 0..<grid.w {
                            let row = (template.first + i * grid.w + j) * stride + f * cells
                            for r0 in 0..<positionRows {
                                Self.add(into: sum.baseAddress! + r0 * positionCols, s.baseAddress! + row + (r0 + i) * cols + j,
                                         count: positionCols)
                            }
                        }
                    }
                    // Each cell takes the best window covering it: the maximum over the window
                    // positions within `grid.w` columns to its left, then within `grid.h` rows
                    // above (separable; the same maximum as window by window, and exact). Each
                    // window's mean is taken first, as before, so that even a sum that divides to
                    // −0 ties as it did.
                    for k in sum.indices { sum[k] = sum[k] / area }
                    for r0 in 0..<positionRows {
                        let from = r0 * positionCols, to = r0 * cols
                        for c in 0..<cols {
                            var m = -Float.infinity
                            for c0 in max(0, c - grid.w + 1)...min(c, positionCols - 1) { m = max(m, sum[from + c0]) }
                            across[to + c] = m
                        }
                    }
                    across.withUnsafeBufferPointer { a in
                        out.withUnsafeMutableBufferPointer { o in
                            for r in 0..<rows {
                                for r0 in max(0, r - grid.h + 1)...min(r, positionRows - 1) {
                                    Self.maximum(into: o.baseAddress! + f * cells + r * cols, a.baseAddress! + r0 * cols, count: cols)
                                }
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// `target[i] = max(target[i], source[i])` for `i < count`, as `Swift.max` picks (the
    /// source's value when it is at least the target's), eight at a time.
    @inline(__always)
    static func maximum(into target: UnsafeMutablePointer<Float>, _ source: UnsafePointer<Float>, count: Int) {
        typealias V = SIMD8<Float>
        var i = 0
        while i &+ V.scalarCount <= count {
            let t = UnsafeRawPointer(target + i).loadUnaligned(as: V.self), v = UnsafeRawPointer(source + i).loadUnaligned(as: V.self)
            UnsafeMutableRawPointer(target + i).storeBytes(of: t.replacing(with: v, where: t .<= v), as: V.self)
            i &+= V.scalarCount
        }
        while i < count {
            target[i] = max(target[i], source[i])
            i &+= 1
        }
    }

    /// `target[i] += source[i]` for `i < count`, eight at a time (each element one rounded addition,
    /// as before).
    @inline(__always)
    static func add(into target: UnsafeMutablePointer<Float>, _ source: UnsafePointer<Float>, count: Int) {
        typealias V = SIMD8<Float>
        var i = 0
        while i &+ V.scalarCount <= count {
            let t = UnsafeRawPointer(target + i).loadUnaligned(as: V.self), v = UnsafeRawPointer(source + i).loadUnaligned(as: V.self)
            UnsafeMutableRawPointer(target + i).storeBytes(of: t + v, as: V.self)
            i &+= V.scalarCount
        }
        while i < count {
            target[i] += source[i]
            i &+= 1
        }
    }

    /// Participatory normalisation: `(x − b) / (max − b)` clipped to 0…1, where the baseline b is
    /// the best similarity of a typical *background* frame: frames' best similarities are split in
    /// two classes (Otsu), b is the lower class's mean. Every frame has some cell that resembles
    /// the query a little; only cells beating the background's best are evidence of it — whether
    /// the query is in 5% or 60% of the frames. With `weights` (the time each frame stands for)
    /// the split weighs frames by them.
    static func normalizeAgainstBackground(_ x: inout [Float], frames: Int, cells: Int, weights: [Double]? = nil) {
        guard frames > 0, cells > 0 else { return }
        let best = (0..<frames).map { f in Double(x[(f * cells)..<((f + 1) * cells)].max() ?? 0) }
        let split = weights.map { TwoClassSplit(best, weights: $0) } ?? TwoClassSplit(best)
        let baseline = Float(split.lowMean)
        let top = Float(best.max() ?? 0)
        let span = top - baseline
        guard span > 1e-6 else {
            for i in x.indices { x[i] = 0 }
            return
        }
        for i in x.indices { x[i] = min(1, max(0, (x[i] - baseline) / span)) }
    }

    /// `(x − median) / (max − median)`, clipped to 0…1 (all zeros when flat). With `frameWeights`
    /// (per frame, the time it stands for; `x` holds equal rows of cells per frame) the median
    /// weighs each cell by its frame's weight.
    static func normalize(_ x: inout [Float], frameWeights: [Double]? = nil) {
        guard !x.isEmpty else { return }
        let median: Float
        if let w = frameWeights, !w.isEmpty {
            let per = x.count / w.count
            median = WeightedStatistics.median(x, weights: x.indices.map { w[min($0 / max(per, 1), w.count - 1)] })
        } else {
            median = Self.median(x)
        }
        let top = x.max() ?? median
        let span = top - median
        guard span > 1e-9 else {
            for i in x.indices { x[i] = 0 }
            return
        }
        for i in x.indices { x[i] = min(1, max(0, (x[i] - median) / span)) }
    }

    static func median(_ x: [Float]) -> Float {
        var s = x
        let mid = s.count / 2
        s.withUnsafeMutableBufferPointer { buffer in
            // Quickselect-free: sorting 10⁵–10⁶ floats is milliseconds.
            buffer.sort()
        }
        return s.count % 2 == 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2
    }

    /// Mean of each frame's `top` largest cell values.
    static func frameAggregate(_ x: [Float], frames: Int, cells: Int, top: Int) -> [Double] {
        (0..<frames).map { f in
            let row = x[(f * cells)..<((f + 1) * cells)].sorted(by: >)
            return Double(row.prefix(top).reduce(0, +)) / Double(min(top, row.count))
        }
    }

}
