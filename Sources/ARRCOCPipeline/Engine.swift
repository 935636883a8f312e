import ARRCOC
import Foundation
import VideoDecoding

/// arrcoc as a library: configured once, then called per video. Decoding (FFmpeg) and the core
/// (scoring, allocation, emission) joined, so that a Swift user compresses a video in one call:
///
/// ```swift
/// let engine = Engine(config: CompressionConfig())
/// let result = try engine.compress(video: "clip.mp4", queryImage: "needle.png", budget: 2000)
/// try result.write(to: "out")
/// ```
///
/// The engine never prints: long steps report through `progress`.
public struct Engine: Sendable {
    public var config: CompressionConfig
    public var progress: ProgressHandler

    /// - Parameters:
    ///   - config: every knob (`Configs/default.yaml`); validated here.
    ///   - progress: receives progress events, from any thread; ignored by default.
    public init(config: CompressionConfig = CompressionConfig(), progress: @escaping ProgressHandler = { _ in }) throws {
        try config.validate()
        self.config = config
        self.progress = progress
    }

    /// Decodes `video` once at the candidate rate and returns its features (what `arrcoc analyze`
    /// writes).
    /// - Parameter sha256: the file's digest when the caller already has it (saves a read).
    public func analyze(video: String, sha256: String? = nil) throws -> FeatureSet {
        let source = try VideoFileSource(path: video)
        return try FeatureExtraction.analyze(sha256 == nil ? source.hashingInBackground() : source, config: config, sha256: sha256,
                                             progress: progress)
    }

    /// Decodes `video` once at the candidate rate and streams its features file to `path`
    /// (atomically): what `arrcoc analyze` writes, with memory flat in the video's length.
    /// - Parameter sha256: the file's digest when the caller already has it (saves a read).
    public func analyze(video: String, to path: String, sha256: String? = nil) throws -> FeatureAnalyzer.Written {
        let source = try VideoFileSource(path: video)
        return try FeatureExtraction.analyze(sha256 == nil ? source.hashingInBackground() : source, config: config, sha256: sha256,
                                             writingTo: path, progress: progress)
    }

    /// Loads a features file and checks, by SHA-256, that it was made from `video`.
    public func features(at path: String, for video: String) throws -> FeatureSet {
        let features = try FeatureSet(contentsOf: path)
        let sha = try SHA256.hexDigest(ofFile: video)
        guard features.info.source.sha256 == sha else {
            throw FeatureError.sourceMismatch(features: path, featuresSHA256: features.info.source.sha256, video: video, videoSHA256: sha)
        }
        return features
    }

    /// A query image embedded in the features' space.
    /// - Parameter featuresPath: names the features in errors.
    public func query(image: String, features: FeatureSet, featuresPath: String? = nil) throws -> QueryInput {
        try Self.checkQueryImage(image)
        return try QueryInput.image(try VideoFileSource(path: image), features: features, featuresPath: featuresPath, config: config)
    }

    /// Probes a query image before any work: a readable still picture of a usable shape
    /// (`QueryInput.checkImage`), not a video.
    public static func checkQueryImage(_ path: String) throws {
        let info = try VideoProbe.probe(path: path, countFrames: false)
        // The header's count when it has one; otherwise (raw H.264, an animated PNG) at most two
        // packets are read: a video given by mistake is refused at once, however long.
        let several = try info.frameCountHeader.map { $0 > 1 } ?? VideoProbe.holdsSeveralFrames(path: path)
        try QueryInput.checkImage(path: path, width: info.width, height: info.height,
                                  frames: several ? (info.frameCountHeader ?? 0) : 1)
    }

    /// Query embeddings from a `.npy` float array `[D]` or `[Q, D]`.
    public func query(embedding: String, features: FeatureSet) throws -> QueryInput {
        try QueryInput.embedding(path: embedding, features: features)
    }

    /// Compresses `video` (already analysed into `features`) for `query` under `budget` tokens:
    /// score, allocate, decode only the chosen frames, emit.
    public func compress(video: String, features: FeatureSet, query: QueryInput, budget: Int) throws -> CompressionResult {
        try Compressor.compress(features: features, query: query, config: config, budget: budget,
                                source: try VideoFileSource(path: video), progress: progress)
    }

    /// `compress(video:features:query:budget:)` with the outputs written into `directory` (an
    /// existing, staged directory; see `OutputWriter`) as the frames are decoded:
    /// `pixel_values_videos` goes to `tensors.safetensors` block by block and is never held whole,
    /// so memory does not grow with the budget. The result's `sequence.pixelValues` is empty (the
    /// pixels are in the file; `Preview.load(directory:)` reads them back).
    public func compress(video: String, features: FeatureSet, query: QueryInput, budget: Int, writingTo directory: URL) throws -> CompressionResult {
        try compress(source: try VideoFileSource(path: video), features: features, query: query, budget: budget, writingTo: directory)
    }

    /// The streaming compression from `source` (`compress(video:…writingTo:)`, `compressRefined`).
    func compress(source: VideoFileSource, features: FeatureSet, query: QueryInput, budget: Int, writingTo directory: URL) throws -> CompressionResult {
        let plan = try Compressor.plan(features: features, query: query.query, config: config, budget: budget, progress: progress)
        let (sequence, manifest) = try Compressor.layout(plan: plan, features: features, config: config, budget: budget, query: query.info)
        let result = CompressionResult(sequence: sequence, manifest: manifest, scores: plan.scores)
        try OutputWriter.write(result, pixelRows: SequenceEmitter.pixelRowCount(cells: plan.cells), to: directory) { append in
            try Compressor.pixelRows(plan: plan, features: features, source: source, progress: progress) { _, rows in try append(rows) }
        }
        return result
    }

    /// The one-call form: analyse `video`, embed `queryImage`, compress under `budget`.
    public func compress(video: String, queryImage: String, budget: Int) throws -> CompressionResult {
        let features = try analyze(video: video)
        return try compress(video: video, features: features, query: try query(image: queryImage, features: features), budget: budget)
    }
}
