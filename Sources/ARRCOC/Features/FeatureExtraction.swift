import Foundation

/// Analysis of a frame source: candidate frames at the analysis grid, described by the built-in
/// embedder (`FeatureAnalyzer`), decoding, RGB conversion and describing overlapped on three
/// threads (`AnalysisPipeline`).
public enum FeatureExtraction {
    /// The analysis grid of a `width × height` video: the largest token level (aspect kept)
    /// within `allocation.max_tokens`.
    public static func grid(width: Int, height: Int, config: CompressionConfig) -> THW {
        TokenGrid.levels(width: width, height: height, minimum: config.allocation.minTokens,
                         maximum: config.allocation.maxTokens).last ?? THW(t: 1, h: 1, w: 1)
    }

    /// Samples `source` once at `analysis.candidate_fps` and returns its features.
    /// - Parameter sha256: the source's digest when the caller already has it (saves a read).
    public static func analyze(
        _ source: some FrameSource, config: CompressionConfig, sha256: String? = nil, progress: @escaping ProgressHandler = { _ in }
    ) throws -> FeatureSet {
        let (analyzer, described) = try describe(source, config: config, sha256: sha256, spillDirectory: nil, progress: progress)
        return try analyzer.finish(source: described, candidateFPS: config.analysis.candidateFPS)
    }

    /// Samples `source` once and streams its features file to `path` (atomically), holding
    /// neither the descriptors nor the embeddings: memory does not grow with the video.
    /// - Parameter spillDirectory: where the scratch files go (default: the directory of `path`).
    public static func analyze(
        _ source: some FrameSource, config: CompressionConfig, sha256: String? = nil, writingTo path: String,
        spillDirectory: String? = nil, progress: @escaping ProgressHandler = { _ in }
    ) throws -> FeatureAnalyzer.Written {
        let folder = spillDirectory ?? URL(fileURLWithPath: path).deletingLastPathComponent().path
        let (analyzer, described) = try describe(source, config: config, sha256: sha256, spillDirectory: folder, progress: progress)
        return try analyzer.finish(source: described, candidateFPS: config.analysis.candidateFPS, writingTo: path)
    }

    /// Decodes and describes every candidate frame (not yet embedded).
    private static func describe(
        _ source: some FrameSource, config: CompressionConfig, sha256: String?, spillDirectory: String?,
        progress: @escaping ProgressHandler
    ) throws -> (FeatureAnalyzer, FeatureInfo.Source) {
        let plan = try source.plannedMetadata()
        let grid = grid(width: plan.width, height: plan.height, config: config)
        let fps = config.analysis.candidateFPS
        let analyzer = FeatureAnalyzer(rows: grid.h, cols: grid.w, dimension: config.analysis.embeddingDim, spillDirectory: spillDirectory)
        let frames = plan.durationSeconds * fps
        let expected = frames.isFinite && frames >= 0 && frames < 1e9 ? Int(frames) + 1 : nil
        let name = URL(fileURLWithPath: plan.path).lastPathComponent
        var counter = ProgressCounter(progress, task: "analysing \(name) (\(grid.h)×\(grid.w) cells, \(fps) fps)", total: expected)
        // Convert and describe frames on other threads while the source decodes the next ones.
        let pipeline = AnalysisPipeline(analyzer)
        try source.samplePending(fps: fps, width: grid.w * 32, height: grid.h * 32) { time, image in
            try pipeline.submit(image, time: time)
            counter.advance()
        }
        try pipeline.drain()
        counter.finish()
        // The recorded metadata (a packet count may have run meanwhile); the grid came from the same header.
        let meta = try source.metadata()
        guard meta.width == plan.width, meta.height == plan.height else {
            throw FeatureError.gridMismatch(expected: "\(plan.width)x\(plan.height) px (the header)", found: "\(meta.width)x\(meta.height) px")
        }
        let digest = try sha256 ?? source.sha256()
        let described = FeatureInfo.Source(
            path: meta.path, sha256: digest, durationSeconds: meta.durationSeconds, fps: meta.fps,
            width: meta.width, height: meta.height, codec: meta.codec)
        return (analyzer, described)
    }
}
