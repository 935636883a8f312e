import Foundation

/// Analysis, features files and queries: what went wrong, with the values involved.
public enum FeatureError: Error, Equatable, LocalizedError {
    case tooFewCells(count: Int)
    case embedderState(reason: String)
    case noFrames(path: String)
    case gridMismatch(expected: String, found: String)
    /// A features file made from another video.
    case sourceMismatch(features: String, featuresSHA256: String, video: String, videoSHA256: String)
    /// Query and features have different embedding sizes.
    case dimensionMismatch(query: String, queryDimension: Int, featuresDimension: Int)
    /// A query that holds NaN, infinity, or only zeros.
    case invalidQuery(source: String, reason: String)
    /// `--query-image` needs the embedder's fitted state, which external features do not carry.
    case noEmbedderState(features: String, embedder: String)
    /// Every analysed cell looks the same (a blank or single-colour video): frames cannot be
    /// told apart. `path` is the video, when known.
    case noVariation(path: String?)

    public var errorDescription: String? {
        switch self {
        case let .tooFewCells(count):
            return "analysis needs at least 2 cells to fit the embedder, got \(count)"
        case let .embedderState(reason):
            return "embedder state: \(reason)"
        case let .noFrames(path):
            return "\(path): no frame could be analysed"
        case let .gridMismatch(expected, found):
            return "features grid \(found) does not match \(expected)"
        case let .sourceMismatch(features, fsha, video, vsha):
            return "\(features) was made from another video (sha256 \(fsha.prefix(12))…), not \(video) (sha256 \(vsha.prefix(12))…)"
        case let .dimensionMismatch(query, q, f):
            return "\(query): query embedding dimension \(q) does not match the features' dimension \(f)"
        case let .invalidQuery(source, reason):
            return "\(source): invalid query (\(reason))"
        case let .noVariation(path):
            return "\(path ?? "the video"): every analysed frame looks the same (blank or a single flat colour), so there is nothing for a query to find; check the video plays"
        case let .noEmbedderState(features, embedder):
            return "\(features) (embedder '\(embedder)') carries no fitted embedder state, so a query image cannot be embedded in its space; pass --query-embedding with a vector from the same model"
        }
    }
}
