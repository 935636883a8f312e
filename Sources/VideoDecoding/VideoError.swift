import Foundation

/// Why a video could not be opened, decoded or written. Every case names the file and, where
/// FFmpeg said something, FFmpeg's own error text.
public enum VideoError: Error, Equatable, LocalizedError {
    /// No file at the path.
    case fileNotFound(path: String)
    /// FFmpeg could not recognise the file as a media container (empty, random bytes, text…).
    case notMediaFile(path: String, reason: String)
    /// The container opened but holds no video stream (an audio-only file, say).
    case noVideoStream(path: String)
    /// The video codec has no decoder (or encoder) in this FFmpeg build.
    case unsupportedCodec(path: String, codec: String)
    /// The data ended early or could not be decoded at all.
    case unreadableData(path: String, reason: String)
    /// The file is shorter than its own index says: it was cut off.
    case truncated(path: String, decodedUntil: Double, indexedBytes: Int64, fileBytes: Int64)
    /// A request that cannot be served (a non-positive size or rate, unsorted times…).
    case invalidRequest(String)
    /// Encoding or writing an output file failed.
    case writeFailed(path: String, reason: String)

    public var errorDescription: String? {
        switch self {
        case let .fileNotFound(path):
            return "\(path): no such file"
        case let .notMediaFile(path, reason):
            return "\(path): not a media file FFmpeg can read (\(reason))"
        case let .noVideoStream(path):
            return "\(path): the file has no video stream"
        case let .unsupportedCodec(path, codec):
            return "\(path): codec '\(codec)' is not supported by this FFmpeg build"
        case let .unreadableData(path, reason):
            return "\(path): unreadable video data (\(reason))"
        case let .truncated(path, until, indexed, size):
            return String(
                format: "%@: the file is truncated: its index needs %lld bytes but it has %lld; decoded up to %.2f s",
                path, indexed, size, until)
        case let .invalidRequest(message):
            return message
        case let .writeFailed(path, reason):
            return "\(path): cannot write (\(reason))"
        }
    }
}
