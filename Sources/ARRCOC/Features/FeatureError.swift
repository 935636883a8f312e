import Foundation

/// Analysis, features files and queries: what went wrong, with the values involved.
public enum FeatureError: Error, Equatable, LocalizedError {
    case tooFewCells(count: Int)
    /// An embedder state whose mean and projection do not fit `inputDimension`→`dimension`.
    case embedderStateShape(meanCount: Int, projectionCount: Int, inputDimension: Int, dimension: Int)
    /// An embedder state holding NaN or infinity.
    case embedderStateNotFinite
    case noFrames(path: String)
    case gridMismatch(expected: String, found: String)
    /// A features file made from another video.
    case sourceMismatch(features: String, featuresSHA256: String, video: String, videoSHA256: String)
    /// A sweep's cached features file that is not the analysis its name stands for (another
    /// video, a coarse pass, another rate or size): `found` and `expected` describe both.
    case cachedFeaturesMismatch(path: String, found: String, expected: String)
    /// Query and features have different embedding sizes.
    case dimensionMismatch(query: String, queryDimension: Int, featuresDimension: Int)
    /// A query embedding whose shape is not [D] or [Q, D].
    case queryShape(source: String, shape: [Int])
    /// A query embedding whose shape does not match its number of values.
    case queryValueCount(source: String, shape: [Int], count: Int)
    /// More query vectors than `Limit.queryVectors` allows.
    case tooManyQueryVectors(source: String, count: Int, limit: Int, environmentVariable: String)
    /// A query element that is NaN or infinite (`index` into the flat values).
    case nonFiniteQuery(source: String, index: Int, value: Float)
    /// A query vector of zeros only (it has no direction).
    case zeroQueryVector(source: String, vector: Int)
    /// A query image none of whose scales could be decoded.
    case undecodableQueryImage(source: String)
    /// A "query image" that holds more than one frame (a video); `frames` 0 when not counted.
    case queryImageIsVideo(source: String, frames: Int)
    /// A query image whose long side is more than `QueryInput.maximumAspectRatio` times its short one.
    case queryImageAspect(source: String, width: Int, height: Int)
    /// A query image under `QueryInput.minimumSide` pixels on a side.
    case queryImageTooSmall(source: String, width: Int, height: Int)
    /// `--query-image` needs the embedder's fitted state, which external features do not carry.
    case noEmbedderState(features: String, embedder: String)
    /// Every analysed cell looks the same (a blank or single-colour video): frames cannot be
    /// told apart. `path` is the video, when known.
    case noVariation(path: String?)
    /// A features file of the built-in embedder made by another version of it (`found`), whose
    /// cells a query embedded now would not match.
    case embedderVersion(path: String, found: Int, expected: Int)

    public var errorDescription: String? {
        switch self {
        case let .tooFewCells(count):
            return "analysis needs at least 2 cells to fit the embedder, got \(count)"
        case let .embedderStateShape(meanCount, projectionCount, inputDimension, dimension):
            return "embedder state: mean of \(meanCount) and projection of \(projectionCount) values do not fit \(inputDimension)→\(dimension)"
        case .embedderStateNotFinite:
            return "embedder state: the fitted state holds NaN or infinity"
        case let .noFrames(path):
            return "\(path): no frame could be analysed"
        case let .gridMismatch(expected, found):
            return "features grid \(found) does not match \(expected)"
        case let .sourceMismatch(features, fsha, video, vsha):
            return "\(features) was made from another video (sha256 \(fsha.prefix(12))…), not \(video) (sha256 \(vsha.prefix(12))…)"
        case let .cachedFeaturesMismatch(path, found, expected):
            return "\(path): a cached features file holding \(found), expected \(expected); it is not the analysis its name stands for, so delete it (or the cache) to analyse again"
        case let .dimensionMismatch(query, q, f):
            return "\(query): query embedding dimension \(q) does not match the features' dimension \(f)"
        case let .queryShape(source, shape):
            return "\(source): invalid query (shape \(shape): expected [D] or [Q, D] with at least one vector of at least one value)"
        case let .queryValueCount(source, shape, count):
            return "\(source): invalid query (shape \(shape) does not match \(count) values)"
        case let .tooManyQueryVectors(source, count, limit, variable):
            return "\(source): invalid query (\(count) query vectors is beyond the limit of \(limit); set \(variable) to raise it if this is intended)"
        case let .nonFiniteQuery(source, index, value):
            return "\(source): invalid query (element \(index) is \(value); expected finite numbers)"
        case let .zeroQueryVector(source, vector):
            return "\(source): invalid query (query vector \(vector) is all zeros)"
        case let .undecodableQueryImage(source):
            return "\(source): invalid query (no image could be decoded)"
        case let .queryImageIsVideo(source, frames):
            return "\(source): invalid query image (it holds \(frames > 1 ? "\(frames) frames" : "more than one frame"), a video; "
                + "expected a still image such as a PNG or JPEG — "
                + "`arrcoc frames` cuts one out of a video)"
        case let .queryImageAspect(source, width, height):
            return "\(source): invalid query image (\(width)x\(height) px; expected a long side at most \(QueryInput.maximumAspectRatio) times "
                + "the short one, as Qwen3-VL's processor requires)"
        case let .queryImageTooSmall(source, width, height):
            return "\(source): query image too small (\(width)x\(height) px; expected at least \(QueryInput.minimumSide) px on each side: "
                + "crop the object with some margin, or give a larger picture of it)"
        case let .noVariation(path):
            return "\(path ?? "the video"): every analysed frame looks the same (blank or a single flat colour), so there is nothing for a query to find; check the video plays"
        case let .embedderVersion(path, found, expected):
            return "\(path): features of \(DescriptorEmbedder.name) version \(found), expected version \(expected) (the analysis changed its pixels); re-run `arrcoc analyze` on the video to make them again"
        case let .noEmbedderState(features, embedder):
            return "\(features) (embedder '\(embedder)') carries no fitted embedder state, so a query image cannot be embedded in its space; pass --query-embedding with a vector from the same model"
        }
    }
}
