import ARRCOC
import Foundation

/// Why `arrcoc preview` cannot draw or write its pictures.
public enum PreviewError: Error, LocalizedError, Equatable {
    /// `path` (a picture's name in the output folder) exists, and the folder's marker does not
    /// list it as arrcoc's.
    case foreignFile(path: String)
    /// The video to score again is not at `path` (the manifest's `manifestVideo`, or `--video`).
    case videoNotFound(path: String, manifestVideo: String)
    /// The video at `path` is not the one the manifest was made from.
    case anotherVideo(path: String, digest: String, manifestVideo: String, manifestDigest: String)

    public var errorDescription: String? {
        switch self {
        case let .foreignFile(path):
            return "\(ConfigError.escaped(path)) exists and arrcoc did not write it (the folder's \(StagedOutput.markerName) does not list it); "
                + "arrcoc never replaces it: move it away, then run preview again"
        case let .videoNotFound(path, manifestVideo):
            return "\(ConfigError.escaped(path)): no such file; --heat scores the manifest's video \(ConfigError.escaped(manifestVideo)) again "
                + "(a path relative to where compress ran): run from there, or pass --video PATH"
        case let .anotherVideo(path, digest, manifestVideo, manifestDigest):
            return "\(ConfigError.escaped(path)) (SHA-256 \(digest.prefix(16))…) is not the video the manifest was made from, "
                + "\(ConfigError.escaped(manifestVideo)) (SHA-256 \(manifestDigest.prefix(16))…); pass that video with --video PATH"
        }
    }
}
