import Foundation

extension CoarseToFine {
    /// The fine pass: decodes the candidate grid (`analysis.candidate_fps`) inside `windows`
    /// only (the source may seek to the keyframe before each window) and describes those frames.
    /// Coarse frames inside a window give way to the fine ones; the rest stay, for coverage.
    ///
    /// Fine and coarse frames are embedded in one space. With `refit` and a coarse pass that kept
    /// its raw descriptors (`FeatureSet.descriptors`), the embedder is fitted anew on the merged
    /// frames' descriptors (`refitted`): the coarse pass fitted it on keyframes alone, intra-coded
    /// pictures whose statistics differ from the predicted ones that make up the rest of a video
    /// and of the windows; the result's `embedder` is then the new one, and a query image must be
    /// embedded with it (`FeatureSet.embedder` of the result). Without (`refit` false, for a query
    /// given as an embedding in the coarse space), the coarse embedder embeds the fine frames.
    ///
    /// The result is one `FeatureSet`, times increasing (`analysis.pass = coarse-to-fine`,
    /// `analysis.windows`), for the normal scorer, allocator and emitter. A fine frame's change
    /// cue is read against the previous fine frame; the first of each window has none (0), as
    /// the first frame of a full analysis.
    /// - Throws: `CoarseToFineError` for features that are not a coarse pass or carry no
    ///   embedder state; decoding errors.
    public static func refine(
        coarse: FeatureSet, windows: [Window], source: some CoarseFrameSource, config: CompressionConfig,
        featuresPath: String? = nil, refit: Bool = true, progress: @escaping ProgressHandler = { _ in }
    ) throws -> FeatureSet {
        let path = featuresPath ?? coarse.info.source.path
        guard coarse.info.analysis.pass == .coarse else {
            throw CoarseToFineError.notCoarse(path: path, pass: coarse.info.analysis.pass?.rawValue ?? "full")
        }
        guard let embedder = coarse.embedder else { throw CoarseToFineError.noEmbedderState(path: path) }
        let fps = config.analysis.candidateFPS
        let windows = merged(windows)
        let wanted = gridTimes(in: windows, fps: fps)
        let rows = coarse.rows, cols = coarse.cols, cells = rows * cols
        let side = CellDescriptor.side
        var times: [Double] = []
        var descriptors: [Float] = [], information: [Float] = [], edges: [Float] = [], change: [Float] = []
        var totals: [UInt16] = [], previous: [UInt16] = []
        var hasPrevious = false
        let workspace = DescriptorWorkspace()
        var counter = ProgressCounter(progress, task: "fine pass: \(windows.count) windows, \(wanted.count) frames at \(format(fps)) fps",
                                      total: wanted.count)
        let fallbacks = try source.sampleTimes(wanted, width: cols * side, height: rows * side) { time, pending in
            guard times.last.map({ time > $0 }) ?? true else { return }
            let image = try pending.image()
            guard image.width == cols * side, image.height == rows * side else {
                throw FeatureError.gridMismatch(expected: "\(cols * side)x\(rows * side) px", found: "\(image.width)x\(image.height) px")
            }
            // A new window (more than one and a half candidate intervals since the last frame):
            // no previous frame for the change cue.
            if let last = times.last, time - last > 1.5 / fps { hasPrevious = false }
            let first = times.count * cells
            descriptors.append(contentsOf: repeatElement(0, count: cells * CellDescriptor.length))
            information.append(contentsOf: repeatElement(0, count: cells))
            edges.append(contentsOf: repeatElement(0, count: cells))
            change.append(contentsOf: repeatElement(0, count: cells))
            CellDescriptor.describe(image, totals: &totals, previous: hasPrevious ? previous : nil, workspace: workspace, firstCell: first,
                                    descriptors: &descriptors, information: &information, edges: &edges, change: &change)
            swap(&totals, &previous)
            hasPrevious = true
            times.append(time)
            counter.advance()
        }
        counter.finish()
        if fallbacks > 0 {
            progress(.note("fine pass: a seek into \(URL(fileURLWithPath: coarse.info.source.path).lastPathComponent) decoded with errors (its keyframe index is wrong); "
                           + "the windows from there on were decoded streaming from the start instead"))
        }
        var base = coarse
        var fineEmbedder = embedder
        if refit, let raw = coarse.descriptors, !times.isEmpty {
            fineEmbedder = try refitted(coarse: coarse, raw: raw, windows: windows, fine: (times, descriptors), fps: fps)
            base.embeddings = try fineEmbedder.embed(raw)
            base.embedder = fineEmbedder
        }
        base.descriptors = nil
        let embeddings = times.isEmpty ? [] : try fineEmbedder.embed(descriptors)
        return merge(coarse: base, windows: windows, fine: (times, embeddings, information, edges, change), fps: fps)
    }

    /// The embedder fitted on the frames a merge keeps: the coarse frames outside `windows` and
    /// the fine frames, in time order, at most `FeatureAnalyzer.fitSample` of them (evenly
    /// spaced), as a full analysis fits on its candidate frames.
    /// - Parameters: raw: the coarse frames' raw descriptors; fine: the fine frames' times and
    ///   raw descriptors.
    static func refitted(
        coarse: FeatureSet, raw: [Float], windows: [Window], fine: (times: [Double], descriptors: [Float]), fps: Double
    ) throws -> DescriptorEmbedder {
        let cells = coarse.cellsPerFrame, d0 = CellDescriptor.length, perFrame = cells * d0
        let margin = 0.5 / fps
        func inWindow(_ t: Double) -> Bool { windows.contains { t >= $0.start - margin && t <= $0.end + margin } }
        // (time, fine?, index) of every frame the merge keeps, in time order.
        var frames: [(time: Double, fine: Bool, index: Int)] = coarse.times.enumerated().compactMap { inWindow($1) ? nil : ($1, false, $0) }
        frames += fine.times.enumerated().map { ($1, true, $0) }
        frames.sort { ($0.time, $0.fine ? 1 : 0) < ($1.time, $1.fine ? 1 : 0) }
        let sample = FeatureAnalyzer.fitSample(frames: frames.count, cellsPerFrame: cells)
        var x = [Float](repeating: 0, count: sample.count * perFrame)
        x.withUnsafeMutableBufferPointer { out in
            for (k, i) in sample.enumerated() {
                let frame = frames[i]
                let from = frame.fine ? fine.descriptors : raw
                from.withUnsafeBufferPointer { src in
                    (out.baseAddress! + k * perFrame).update(from: src.baseAddress! + frame.index * perFrame, count: perFrame)
                }
            }
        }
        do {
            return try DescriptorEmbedder.fit(centring: &x, inputDimension: d0, dimension: coarse.dimension)
        } catch FeatureError.noVariation {
            throw FeatureError.noVariation(path: coarse.info.source.path)
        }
    }

    /// Coarse frames outside the windows (half a candidate interval of margin) and the fine
    /// frames, interleaved by time. Each window's first fine frame takes an even position (the
    /// coarse frame just before it gives way when needed), so the allocator pairs the window's
    /// frames as a full analysis pairs the same times (`gridTimes`). The coarse frames' change
    /// cue is put on the fine frames' scale (`changeOnFineScale`).
    static func merge(
        coarse: FeatureSet, windows: [Window], fine: (times: [Double], embeddings: [Float], information: [Float], edges: [Float], change: [Float]),
        fps: Double
    ) -> FeatureSet {
        let cells = coarse.cellsPerFrame, d = coarse.dimension
        // A fine frame opens a window when none came within 1.5 candidate intervals before it.
        let opens = fine.times.indices.map { $0 == 0 || fine.times[$0] - fine.times[$0 - 1] > 1.5 / fps }
        var coarse = coarse
        if let change = coarse.change {
            coarse.change = changeOnFineScale(change, fine: fine.change, firsts: opens, cells: cells)
        }
        let margin = 0.5 / fps
        func inWindow(_ t: Double) -> Bool { windows.contains { t >= $0.start - margin && t <= $0.end + margin } }
        var out = FeatureSet(info: coarse.info, times: [], embeddings: [], information: coarse.information == nil ? nil : [],
                             edges: coarse.edges == nil ? nil : [], change: coarse.change == nil ? nil : [], embedder: coarse.embedder)
        out.info.analysis.pass = .coarseToFine
        out.info.analysis.candidateFPS = fps
        out.info.analysis.windows = windows.map { [$0.start, $0.end] }
        var c = 0, f = 0
        let coarseTimes = coarse.times
        while c < coarseTimes.count || f < fine.times.count {
            if c < coarseTimes.count, inWindow(coarseTimes[c]) {
                c += 1
                continue
            }
            let takeCoarse = f >= fine.times.count || (c < coarseTimes.count && coarseTimes[c] < fine.times[f])
            // Times must increase: a frame at or before the last one taken is dropped.
            if let last = out.times.last, (takeCoarse ? coarseTimes[c] : fine.times[f]) <= last {
                if takeCoarse { c += 1 } else { f += 1 }
                continue
            }
            if takeCoarse {
                out.times.append(coarseTimes[c])
                out.embeddings.append(contentsOf: coarse.embeddings[(c * cells * d)..<((c + 1) * cells * d)])
                if let x = coarse.information { out.information?.append(contentsOf: x[(c * cells)..<((c + 1) * cells)]) }
                if let x = coarse.edges { out.edges?.append(contentsOf: x[(c * cells)..<((c + 1) * cells)]) }
                if let x = coarse.change { out.change?.append(contentsOf: x[(c * cells)..<((c + 1) * cells)]) }
                c += 1
            } else {
                // A window's first frame (none before it, or more than 1.5 candidate intervals
                // since the previous fine frame) at an odd position: drop the coarse frame before.
                if opens[f], out.times.count % 2 == 1, let last = out.times.last, !fine.times[..<f].contains(last) {
                    out.times.removeLast()
                    out.embeddings.removeLast(cells * d)
                    out.information?.removeLast(cells)
                    out.edges?.removeLast(cells)
                    out.change?.removeLast(cells)
                }
                out.times.append(fine.times[f])
                out.embeddings.append(contentsOf: fine.embeddings[(f * cells * d)..<((f + 1) * cells * d)])
                out.information?.append(contentsOf: fine.information[(f * cells)..<((f + 1) * cells)])
                out.edges?.append(contentsOf: fine.edges[(f * cells)..<((f + 1) * cells)])
                out.change?.append(contentsOf: fine.change[(f * cells)..<((f + 1) * cells)])
                f += 1
            }
        }
        return out
    }
}
