import Foundation

/// Coarse-to-fine analysis for long videos (Docs/coarse-to-fine.md): a query-independent coarse
/// pass over keyframes only (or, when they are too sparse, a low rate), then, per query, dense
/// analysis at the candidate rate of only the windows around the places the coarse pass finds
/// relevant, embedded with the coarse pass's fitted embedder and merged into one `FeatureSet`
/// that the normal scorer, allocator and emitter take.
///
/// ```swift
/// let coarse = try CoarseToFine.analyzeCoarse(source, config: config)          // cacheable
/// let query = try QueryInput.image(image, features: coarse, config: config)
/// let windows = try CoarseToFine.windows(coarse: coarse, query: query.query, config: config)
/// let merged = try CoarseToFine.refine(coarse: coarse, windows: windows, source: source, config: config)
/// let refitted = try QueryInput.image(image, features: merged, config: config)  // the refitted embedder's space
/// ```
public enum CoarseToFine {
    /// Describes the frames `sample` hands on (converting and describing on other threads, as a
    /// full analysis does) and returns the analyzer, not yet fitted, with the frames' times.
    private static func describe(
        grid: THW, config: CompressionConfig, progress: @escaping ProgressHandler, task: String, total: Int?,
        _ sample: ((_ time: Double, _ image: PendingImage) throws -> Void) throws -> Void
    ) throws -> (FeatureAnalyzer, [Double]) {
        let analyzer = FeatureAnalyzer(rows: grid.h, cols: grid.w, dimension: config.analysis.embeddingDim)
        var counter = ProgressCounter(progress, task: task, total: total)
        let pipeline = AnalysisPipeline(analyzer)
        var times: [Double] = []
        try sample { time, image in
            try pipeline.submit(image, time: time)
            times.append(time)
            counter.advance()
        }
        try pipeline.drain()
        counter.finish()
        return (analyzer, times)
    }

    /// The coarse pass: keyframes only when the source lists them no more than
    /// `maxKeyframeGapSeconds` apart (and the decoded ones are too), else every frame decoded
    /// and `lowRateFPS` described. The embedder is fitted on the coarse frames. The result is a
    /// normal features file (`analysis.pass = coarse`, the coarse times in `times_s`).
    /// - Parameter sha256: the source's digest when the caller already has it (saves a read).
    public static func analyzeCoarse(
        _ source: some CoarseFrameSource, config: CompressionConfig, options: Options = Options(), sha256: String? = nil,
        progress: @escaping ProgressHandler = { _ in }
    ) throws -> FeatureSet {
        try options.validate()
        let meta = try source.metadata()
        let grid = FeatureExtraction.grid(width: meta.width, height: meta.height, config: config)
        let name = URL(fileURLWithPath: meta.path).lastPathComponent
        let keyframes = try source.keyframeTimes()
        let listedGap = keyframes.map { largestGap($0, duration: meta.durationSeconds) }
        var features: FeatureSet? = nil
        if let keyframes, let listedGap, listedGap <= options.maxKeyframeGapSeconds {
            let expected = min(keyframes.count, Int(meta.durationSeconds / max(options.keyframeSpacingSeconds, 1e-3)) + 1)
            let (analyzer, times) = try describe(
                grid: grid, config: config, progress: progress, task: "coarse pass over \(name): keyframes (≤ \(format(listedGap)) s apart)",
                total: expected) { body in
                    try source.sampleKeyframes(minimumSpacing: options.keyframeSpacingSeconds, width: grid.w * 32, height: grid.h * 32, body)
                }
            let gap = largestGap(times, duration: meta.durationSeconds)
            if gap <= options.maxKeyframeGapSeconds {
                features = try finish(analyzer, source: source, meta: meta, sha256: sha256, times: times, info: .init(
                    method: .keyframes, keyframes: keyframes.count, largestKeyframeGapSeconds: listedGap,
                    maxKeyframeGapSeconds: options.maxKeyframeGapSeconds, largestGapSeconds: gap))
            } else {
                progress(.note("the decoded keyframes of \(name) lie up to \(format(gap)) s apart (the index said \(format(listedGap)) s; "
                               + "limit \(format(options.maxKeyframeGapSeconds)) s): low-rate pass instead"))
            }
        } else if let listedGap {
            progress(.note("keyframes of \(name) lie up to \(format(listedGap)) s apart, more than \(format(options.maxKeyframeGapSeconds)) s: "
                           + "an event could fall between two unseen, so the coarse pass decodes every frame and describes \(format(options.lowRateFPS)) fps"))
        } else {
            progress(.note("no keyframe list for \(name): low-rate coarse pass at \(format(options.lowRateFPS)) fps"))
        }
        if let features { return features }
        let frames = meta.durationSeconds * options.lowRateFPS
        let (analyzer, times) = try describe(
            grid: grid, config: config, progress: progress, task: "coarse pass over \(name): \(format(options.lowRateFPS)) fps, every frame decoded",
            total: frames.isFinite && frames >= 0 && frames < 1e9 ? Int(frames) + 1 : nil) { body in
                try source.sampleLowRate(fps: options.lowRateFPS, width: grid.w * 32, height: grid.h * 32, body)
            }
        return try finish(analyzer, source: source, meta: meta, sha256: sha256, times: times, info: .init(
            method: .lowRate, keyframes: keyframes?.count, largestKeyframeGapSeconds: listedGap,
            maxKeyframeGapSeconds: options.maxKeyframeGapSeconds, largestGapSeconds: largestGap(times, duration: meta.durationSeconds)))
    }

    /// Fits the embedder on the coarse frames and marks the features as a coarse pass; the
    /// candidate rate written is the coarse frames' mean rate. The raw descriptors are kept
    /// (`FeatureSet.descriptors`): the fine pass refits the embedder on them and its own frames.
    private static func finish(
        _ analyzer: FeatureAnalyzer, source: some FrameSource, meta: SourceMetadata, sha256: String?, times: [Double],
        info: FeatureInfo.CoarsePass
    ) throws -> FeatureSet {
        let digest = try sha256 ?? source.sha256()
        let described = FeatureInfo.Source(
            path: meta.path, sha256: digest, durationSeconds: meta.durationSeconds, fps: meta.fps,
            width: meta.width, height: meta.height, codec: meta.codec)
        let rate = meta.durationSeconds > 0 ? Double(max(times.count, 1)) / meta.durationSeconds : 1
        var features = try analyzer.finish(source: described, candidateFPS: (rate * 1e6).rounded() / 1e6, keepingDescriptors: true)
        features.info.analysis.pass = .coarse
        features.info.analysis.coarse = info
        return features
    }

    /// The longest stretch of a `duration`-second video between consecutive `times`, the start
    /// and the end included (the whole duration when there are none).
    public static func largestGap(_ times: [Double], duration: Double) -> Double {
        guard let first = times.first, let last = times.last else { return duration }
        var gap = max(first, duration - last)
        for i in times.indices.dropFirst() { gap = max(gap, times[i] - times[i - 1]) }
        return gap
    }

    static func format(_ x: Double) -> String { String(format: "%.3g", x) }
}
