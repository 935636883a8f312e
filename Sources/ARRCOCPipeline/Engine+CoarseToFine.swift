import ARRCOC
import Foundation

/// Coarse-to-fine analysis for long videos (Docs/coarse-to-fine.md) as engine calls.
extension Engine {
    /// The query-independent coarse pass: keyframes only (or a low rate when they are sparse),
    /// the embedder fitted on them; what `arrcoc analyze --coarse` writes. `options` default to
    /// the config's (`coarse_to_fine` section).
    /// - Parameter sha256: the file's digest when the caller already has it (saves a read).
    public func analyzeCoarse(video: String, options: CoarseToFine.Options? = nil, sha256: String? = nil) throws -> FeatureSet {
        let source = try VideoFileSource(path: video)
        return try CoarseToFine.analyzeCoarse(sha256 == nil ? source.hashingInBackground() : source, config: config,
                                              options: options ?? config.coarseToFine, sha256: sha256, progress: progress)
    }

    /// The query-dependent fine pass over `coarse` (features of `video` from `analyzeCoarse`):
    /// the windows around the places `query` is found, analysed at the candidate rate and merged
    /// with the coarse frames. For a query image the embedder is refitted on the merged frames
    /// (`CoarseToFine.refine`), and the query returned is the image embedded with it; a query
    /// embedding (in the coarse space) keeps the coarse embedder and is returned as given.
    /// - Parameter featuresPath: names the coarse features in errors.
    public func refine(
        video: String, coarse: FeatureSet, query: QueryInput, options: CoarseToFine.Options? = nil, featuresPath: String? = nil
    ) throws -> (features: FeatureSet, query: QueryInput) {
        let windows = try CoarseToFine.windows(coarse: coarse, query: query.query, config: config, options: options ?? config.coarseToFine)
        let image = query.info.kind == "image" ? query.info.path : nil
        let merged = try CoarseToFine.refine(coarse: coarse, windows: windows, source: try VideoFileSource(path: video), config: config,
                                             featuresPath: featuresPath, refit: image != nil, progress: progress)
        guard let image, merged.embedder != coarse.embedder else { return (merged, query) }
        return (merged, try self.query(image: image, features: merged))
    }

    /// Compresses `video` from coarse-to-fine `features` (`refine`): as `compress(video:features:
    /// query:budget:)`, except that the chosen frames are fetched by seeking to the keyframe
    /// before each (`VideoFileSource.seekingToFrames()`), so no step decodes the whole video.
    public func compressRefined(video: String, features: FeatureSet, query: QueryInput, budget: Int) throws -> CompressionResult {
        try Compressor.compress(features: features, query: query, config: config, budget: budget,
                                source: try VideoFileSource(path: video).seekingToFrames(), progress: progress)
    }

    /// `compressRefined(video:features:query:budget:)` with the outputs streamed into
    /// `directory`, as `compress(video:features:query:budget:writingTo:)` does.
    public func compressRefined(video: String, features: FeatureSet, query: QueryInput, budget: Int, writingTo directory: URL) throws -> CompressionResult {
        try compress(source: try VideoFileSource(path: video).seekingToFrames(), features: features, query: query, budget: budget,
                     writingTo: directory)
    }

    /// The one-call form: coarse pass (or `coarse`, when given), query image embedded in its
    /// space, fine pass, compression under `budget`.
    public func compressCoarseToFine(
        video: String, queryImage: String, budget: Int, coarse: FeatureSet? = nil, options: CoarseToFine.Options? = nil
    ) throws -> CompressionResult {
        let coarse = try coarse ?? analyzeCoarse(video: video, options: options)
        let query = try query(image: queryImage, features: coarse)
        let (merged, refitted) = try refine(video: video, coarse: coarse, query: query, options: options)
        return try compressRefined(video: video, features: merged, query: refitted, budget: budget)
    }
}
