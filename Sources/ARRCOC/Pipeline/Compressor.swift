import Foundation

/// The compression pipeline's core (no FFmpeg): score → allocate → plan the pixels; then, with
/// the decoded pixels, emit the sequence and the manifest.
public enum Compressor {
    /// Scores, allocates and plans the frames to decode. `progress` gets a note before the
    /// scoring, which takes seconds on a long video with an image query (every cell against
    /// every query vector).
    public static func plan(
        features: FeatureSet, query: Query, config: CompressionConfig, budget: Int, progress: @escaping ProgressHandler = { _ in }
    ) throws -> CompressionPlan {
        progress(.note("scoring \(features.frameCount) candidate frames against \(query.count) query vectors"))
        let scores = try OpponentProcessingScorer(config: config.scoring).score(features, query: query)
        return try plan(features: features, scores: scores, config: config, budget: budget)
    }

    /// Allocates from existing scores (a sweep scores a video once for all budgets and strategies).
    public static func plan(features: FeatureSet, scores: RelevanceScores, config: CompressionConfig, budget: Int) throws -> CompressionPlan {
        let analysisGrid = THW(t: 1, h: features.rows, w: features.cols)
        let source = features.info.source
        var levels = TokenGrid.levels(width: source.width, height: source.height,
                                      minimum: config.allocation.minTokens, maximum: config.allocation.maxTokens)
        // Resize mode decodes each block afresh at its own grid: the features' grid (external
        // features may be coarse, even one cell per frame) does not limit it. Select mode keeps
        // cells of the analysis grid, so a block cannot hold more than it has.
        if config.emission.mode == .select {
            levels = levels.filter { $0.h <= analysisGrid.h && $0.w <= analysisGrid.w }
            if levels.isEmpty { levels = [analysisGrid] }
        }
        let strategy = try StrategyRegistry.allocator(named: config.strategy, parameters: config.strategyParams)
        // Zoom blocks are whole Qwen3-VL blocks of a region, decoded afresh: resize mode only.
        let cellMap = config.emission.mode == .resize && config.allocation.zoom != .off
            ? CellMap(rows: features.rows, cols: features.cols, values: scores.cells, sourceWidth: source.width, sourceHeight: source.height)
            : nil
        var input = AllocationInput(times: features.times, relevance: scores.frames, levels: levels, budget: budget,
                                    format: config.emission.format, config: config.allocation,
                                    exploit: config.allocation.followExploit ? scores.exploit : 1, peaked: scores.exploit, cellMap: cellMap)
        input.timeWeights = features.timeWeights
        var allocation = try strategy.allocate(input)
        var grids: [THW] = []
        var cells: [[Int]] = []
        for (i, b) in allocation.blocks.enumerated() {
            switch config.emission.mode {
            case .resize:
                grids.append(b.grid)
                cells.append(Array(0..<b.grid.product))
            case .select:
                // Keep the block's best cells (max over its two frames) at full resolution.
                let per = features.cellsPerFrame
                let kept = min(b.tokens, per)
                let value = (0..<per).map { c in b.frames.map { scores.cells[$0 * per + c] }.max() ?? 0 }
                let best = (0..<per).sorted { (value[$0], -$0) > (value[$1], -$1) }.prefix(kept).sorted()
                grids.append(analysisGrid)
                cells.append(Array(best))
                allocation.blocks[i].tokens = kept
            }
        }
        var plan = CompressionPlan(allocation: allocation, scores: scores, strategy: strategy, pixelGrids: grids, cells: cells, requests: [])
        var requests = Set<PixelRequest>()
        for i in allocation.blocks.indices {
            let (a, b) = plan.requests(ofBlock: i, features: features)
            requests.insert(a)
            requests.insert(b)
        }
        plan.requests = requests.sorted()
        return plan
    }

    /// The whole compression after analysis, in one place: score → allocate → decode the chosen
    /// frames (one targeted pass over `source`) → emit.
    public static func compress(
        features: FeatureSet, query: QueryInput, config: CompressionConfig, budget: Int, source: some FrameSource,
        progress: @escaping ProgressHandler = { _ in }
    ) throws -> CompressionResult {
        let plan = try plan(features: features, query: query.query, config: config, budget: budget, progress: progress)
        var (sequence, manifest) = try layout(plan: plan, features: features, config: config, budget: budget, query: query.info)
        // Each block's rows appended as soon as its frames are decoded: the pixel values are held
        // once, the decoded frames only while a later block still needs them.
        sequence.pixelValues.reserveCapacity(SequenceEmitter.pixelRowCount(cells: plan.cells) * QwenPatchLayout.rowLength)
        try pixelRows(plan: plan, features: features, source: source, progress: progress) { _, rows in
            sequence.pixelValues += rows
        }
        return CompressionResult(sequence: sequence, manifest: manifest, scores: plan.scores)
    }

    /// Decodes the plan's frames in one targeted pass over `source` and hands on each block's
    /// rows of `pixel_values_videos` (`QwenPatchLayout.rows`), in block order, as soon as both of
    /// its frames are decoded. A decoded frame is dropped once no later block needs it, so only
    /// the frames of blocks not yet complete are held (requests and blocks are both in time order).
    public static func pixelRows(
        plan: CompressionPlan, features: FeatureSet, source: some FrameSource, progress: @escaping ProgressHandler = { _ in },
        _ body: (_ block: Int, _ rows: [Float]) throws -> Void
    ) throws {
        let pairs = plan.allocation.blocks.indices.map { plan.requests(ofBlock: $0, features: features) }
        var uses: [PixelRequest: Int] = [:]
        for (a, b) in pairs {
            uses[a, default: 0] += 1
            uses[b, default: 0] += 1
        }
        var held: [PixelRequest: RGBImage] = [:]
        var next = 0
        var counter = ProgressCounter(progress, task: "decoding \(plan.requests.count) chosen frames", total: plan.requests.count)
        try source.frames(plan.requests) { image in
            held[plan.requests[counter.done]] = image
            counter.advance()
            while next < pairs.count, let fa = held[pairs[next].0], let fb = held[pairs[next].1] {
                try body(next, QwenPatchLayout.rows(frames: (fa, fb), grid: plan.pixelGrids[next], cells: plan.cells[next]))
                for r in [pairs[next].0, pairs[next].1] {
                    uses[r, default: 1] -= 1
                    if uses[r] == 0 { held[r] = nil }
                }
                next += 1
            }
        }
        counter.finish()
        guard next == pairs.count else { throw FeatureError.noFrames(path: features.info.source.path) }
    }

    /// Emits the sequence and the manifest, given the decoded pixels of every request.
    public static func emit(
        plan: CompressionPlan, features: FeatureSet, pixels: [PixelRequest: RGBImage], config: CompressionConfig,
        budget: Int, query: Manifest.QueryInfo
    ) throws -> (EmittedSequence, Manifest) {
        var blocks: [EmissionBlock] = []
        for (i, b) in plan.allocation.blocks.enumerated() {
            let (ra, rb) = plan.requests(ofBlock: i, features: features)
            guard let fa = pixels[ra], let fb = pixels[rb] else {
                throw FeatureError.noFrames(path: features.info.source.path)
            }
            blocks.append(EmissionBlock(block: b, pixelGrid: plan.pixelGrids[i], cells: plan.cells[i], frames: (fa, fb)))
        }
        var (sequence, manifest) = try layout(plan: plan, features: features, config: config, budget: budget, query: query)
        sequence.pixelValues = SequenceEmitter(format: config.emission.format).emit(blocks).pixelValues
        return (sequence, manifest)
    }

    /// The sequence without its pixels (`SequenceEmitter.emitLayout`) and the manifest: all that
    /// the plan decides, known before any frame is decoded.
    public static func layout(
        plan: CompressionPlan, features: FeatureSet, config: CompressionConfig, budget: Int, query: Manifest.QueryInfo
    ) throws -> (EmittedSequence, Manifest) {
        let format = config.emission.format
        let sequence = SequenceEmitter(format: format).emitLayout(blocks: plan.allocation.blocks, pixelGrids: plan.pixelGrids, cells: plan.cells)
        let source = features.info.source
        let totalFrames = max(2, Int((source.durationSeconds * source.fps).rounded()))
        let reference = QwenVideoDefaults.plan(totalFrames: totalFrames, videoFPS: source.fps, width: source.width, height: source.height)
        let manifestBlocks = plan.allocation.blocks.enumerated().map { i, b in
            Manifest.ManifestBlock(
                index: i, timeSeconds: b.time, timestamp: TimestampCost.text(seconds: b.time, format: format),
                timestampTokens: TimestampCost.tokens(seconds: b.time, format: format), tokens: b.tokens,
                grid: plan.pixelGrids[i], relevance: (b.relevance * 1e6).rounded() / 1e6, density: b.density,
                frameTimes: b.frames.map { features.times[$0] },
                keptCells: config.emission.mode == .select ? plan.cells[i] : nil, region: b.region?.array)
        }
        let vision = plan.allocation.blocks.reduce(0) { $0 + $1.tokens }
        let text = sequence.length - vision
        var parameters = plan.strategy.parameters
        parameters["mode"] = config.emission.mode.rawValue
        parameters["sparse_interval_s"] = "\(config.allocation.sparseIntervalSeconds)"
        parameters["dense_window_s"] = "\(config.allocation.denseWindowSeconds)"
        parameters["min_tokens"] = "\(config.allocation.minTokens)"
        parameters["max_tokens"] = "\(config.allocation.maxTokens)"
        let w = plan.scores.weights
        let manifest = Manifest(
            source: source, query: query, format: format, mode: config.emission.mode,
            strategy: .init(name: plan.strategy.name, parameters: parameters),
            budget: .init(tokens: budget, used: sequence.length), blocks: manifestBlocks,
            totals: .init(blocks: manifestBlocks.count, visionTokens: vision, textTokens: text, sequenceLength: sequence.length,
                          qwen3vlDefaultTokens: reference.totalTokens, qwen3vlDefault: reference,
                          compressionRatio: (Double(reference.totalTokens) / Double(max(sequence.length, 1)) * 1000).rounded() / 1000),
            scoring: .init(peakedness: (plan.scores.peakedness * 1000).rounded() / 1000, exploit: (plan.scores.exploit * 1000).rounded() / 1000,
                           weights: ["participatory": (w.participatory * 1000).rounded() / 1000,
                                     "perspectival": (w.perspectival * 1000).rounded() / 1000,
                                     "propositional": (w.propositional * 1000).rounded() / 1000],
                           candidates: features.times.indices.map {
                               Manifest.Candidate(timeSeconds: features.times[$0], relevance: (plan.scores.frames[$0] * 1e4).rounded() / 1e4,
                                                  similarity: (plan.scores.frameSimilarity[$0] * 1e4).rounded() / 1e4)
                           }))
        return (sequence, manifest)
    }
}
