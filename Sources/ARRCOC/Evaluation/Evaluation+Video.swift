import Foundation

/// Why a manifest cannot be scored against a truth file.
public enum EvaluationError: Error, LocalizedError, Equatable {
    /// The manifest at `manifest` is of `video` (SHA-256 `digest`), the truth file's video
    /// `truthVideo` has another (`truthDigest`).
    case manifestOfAnotherVideo(manifest: String, video: String, digest: String, truthVideo: String, truthDigest: String)

    public var errorDescription: String? {
        switch self {
        case let .manifestOfAnotherVideo(manifest, video, digest, truthVideo, truthDigest):
            return "\(ConfigError.escaped(manifest)) is of \(ConfigError.escaped(video)) (SHA-256 \(digest.prefix(16))…), "
                + "not of the truth file's video \(ConfigError.escaped(truthVideo)) (SHA-256 \(truthDigest.prefix(16))…); "
                + "expected the manifest of a run on the truth's video"
        }
    }
}

extension Evaluation {
    /// Throws `EvaluationError.manifestOfAnotherVideo` when the truth's video is a regular file
    /// here and its SHA-256 is not the one the manifest records: scores against another video's
    /// truth mean nothing. Nothing is checked when either is unknown (a moved video, a manifest
    /// without a digest).
    public static func checkSameVideo(manifest: Manifest, at manifestPath: String, truth: Truth) throws {
        guard !manifest.source.sha256.isEmpty, (try? SideFile.regularFileSize(path: truth.video)) != nil else { return }
        let digest = try SHA256.hexDigest(ofFile: truth.video)
        guard digest == manifest.source.sha256 else {
            throw EvaluationError.manifestOfAnotherVideo(
                manifest: manifestPath, video: manifest.source.path, digest: manifest.source.sha256, truthVideo: truth.video, truthDigest: digest)
        }
    }
}
