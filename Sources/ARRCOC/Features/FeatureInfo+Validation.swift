import Foundation

extension FeatureInfo {
    /// Checks every number of the metadata before anything is computed from it: sizes positive
    /// and within `Limit`s, rates and durations finite and positive. Another tool may have written
    /// the file, so nothing is taken on trust.
    /// - Throws: `FormatError.malformed` naming the file, the key and the value, `LimitError`, or
    ///   `FeatureError.embedderVersion` for the built-in embedder's features of another version.
    public func validate(path: String) throws {
        func bad(_ key: String, _ value: String, _ expected: String) -> FormatError {
            .malformed(path: path, format: "features", reason: "\(key) = \(value); expected \(expected)")
        }
        let s = source
        guard s.width > 0 else { throw bad("source.width", "\(s.width)", "a positive number of pixels") }
        guard s.height > 0 else { throw bad("source.height", "\(s.height)", "a positive number of pixels") }
        try Limit.frameSide.check(s.width, in: path, what: "source.width")
        try Limit.frameSide.check(s.height, in: path, what: "source.height")
        try Limit.framePixels.check(s.width * s.height, in: path, what: "source.width × source.height")
        guard s.fps.isFinite, s.fps > 0 else { throw bad("source.fps", "\(s.fps)", "a positive frame rate") }
        try Limit.sourceFPS.check(s.fps, in: path, what: "source.fps")
        guard s.durationSeconds.isFinite, s.durationSeconds > 0 else {
            throw bad("source.duration_s", "\(s.durationSeconds)", "a positive number of seconds")
        }
        try Limit.durationSeconds.check(s.durationSeconds, in: path, what: "source.duration_s")

        let a = analysis
        guard a.candidateFPS.isFinite, a.candidateFPS > 0 else {
            throw bad("analysis.candidate_fps", "\(a.candidateFPS)", "a positive rate")
        }
        try Limit.sourceFPS.check(a.candidateFPS, in: path, what: "analysis.candidate_fps")
        guard a.rows > 0, a.cols > 0 else { throw bad("analysis.rows × cols", "\(a.rows) × \(a.cols)", "a grid of at least 1 × 1") }
        guard let cells = CheckedMath.product([a.rows, a.cols]) else {
            throw bad("analysis.rows × cols", "\(a.rows) × \(a.cols)", "a grid whose cell count fits in memory")
        }
        try Limit.cellsPerFrame.check(cells, in: path, what: "analysis grid \(a.rows)×\(a.cols)")
        guard a.cellPixels > 0, a.cellPixels <= 4096 else { throw bad("analysis.cell_px", "\(a.cellPixels)", "1…4096") }

        if embedder.name == DescriptorEmbedder.name, embedder.version != DescriptorEmbedder.version {
            throw FeatureError.embedderVersion(path: path, found: embedder.version, expected: DescriptorEmbedder.version)
        }
        guard embedder.dimension > 0 else { throw bad("embedder.dimension", "\(embedder.dimension)", "a positive dimension") }
        try Limit.embeddingDimension.check(embedder.dimension, in: path, what: "embedder.dimension")
    }

    /// How far candidate times may lie outside 0…duration: containers' durations and start
    /// offsets disagree by a frame or two, sometimes by more, so 10% of the duration or 10 s.
    public var timeSlack: Double { max(10, 0.1 * source.durationSeconds) }

    /// Checks candidate times: finite, increasing, within the duration (± `timeSlack`), and no
    /// more of them than `Limit.candidateFrames`.
    public func validate(times: [Double], path: String) throws {
        try Limit.candidateFrames.check(times.count, in: path, what: "times_s length")
        let slack = timeSlack
        let range = -slack...(source.durationSeconds + slack)
        for (i, t) in times.enumerated() {
            guard t.isFinite, range.contains(t) else {
                throw FormatError.malformed(
                    path: path, format: "features",
                    reason: "times_s[\(i)] = \(t) lies outside the video (duration_s \(source.durationSeconds), ± \(slack) s)")
            }
            if i > 0, !(t > times[i - 1]) {
                throw FormatError.malformed(path: path, format: "features", reason: "times_s must increase: \(t) after \(times[i - 1]) at \(i)")
            }
        }
    }
}
