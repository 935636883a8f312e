import Foundation
import TextEscaping

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
    /// A sampling rate outside (0, 1000] frames per second.
    case sampleRateOutOfRange(fps: Double)
    /// A requested frame time that is not a finite time ≥ 0 (`position` in the request list).
    case invalidTime(seconds: Double, position: Int)
    /// Requested frame times out of order: `seconds` at `position` comes after `previous`.
    case unsortedTimes(seconds: Double, position: Int, previous: Double)
    /// A requested crop that is not a rectangle inside the frame (finite, 0…1, positive size).
    case invalidCrop(FrameCrop, position: Int)
    /// An output frame size outside 1×1 … `maximum`×`maximum`.
    case sizeOutOfRange(PixelSize, maximum: Int)
    /// Text that is not a `WxH` size with two positive integers up to `maximum`.
    case unparsableSize(text: String, maximum: Int)
    /// An encoder size with an odd or zero side (H.264 in 4:2:0 needs even sides).
    case oddEncoderSize(PixelSize)
    /// An encoder rate outside 1…`maximum` frames per second.
    case encoderRateOutOfRange(fps: Int, maximum: Int)
    /// A frame handed to the encoder whose byte count is not `expected` (packed RGB of its size).
    case frameSizeMismatch(bytes: Int, size: PixelSize, expected: Int)
    /// Encoding or writing an output file failed.
    case writeFailed(path: String, reason: String)
    /// The picture is larger than `FramePixelLimit` (checked before decoding).
    case frameTooLarge(path: String, width: Int, height: Int, limit: Int)

    public var errorDescription: String? {
        switch self {
        case let .fileNotFound(path):
            return "\(Self.shown(path)): no such file"
        case let .notMediaFile(path, reason):
            return "\(Self.shown(path)): not a media file FFmpeg can read (\(reason))"
        case let .noVideoStream(path):
            return "\(Self.shown(path)): the file has no video stream"
        case let .unsupportedCodec(path, codec):
            return "\(Self.shown(path)): codec '\(codec)' is not supported by this FFmpeg build"
        case let .unreadableData(path, reason):
            return "\(Self.shown(path)): unreadable picture data, of a video or an image (\(reason))"
        case let .truncated(path, until, indexed, size):
            return String(
                format: "%@: the file is truncated: its index needs %lld bytes but it has %lld; decoded up to %.2f s",
                Self.shown(path), indexed, size, until)
        case let .sampleRateOutOfRange(fps):
            return "sample rate \(fps) fps is not in (0, 1000]"
        case let .invalidTime(seconds, position):
            return "requested time \(seconds) s (at position \(position)) is not a finite time ≥ 0"
        case let .invalidCrop(crop, position):
            return "requested crop [\(crop.x), \(crop.y), \(crop.width), \(crop.height)] (at position \(position)) is not a rectangle inside the frame: x, y ≥ 0, width, height > 0, x + width ≤ 1, y + height ≤ 1"
        case let .unsortedTimes(seconds, position, previous):
            return "requested times must be sorted: \(seconds) s at position \(position) comes after \(previous) s"
        case let .sizeOutOfRange(size, maximum):
            return "output size \(size) is not within 1x1 … \(maximum)x\(maximum)"
        case let .unparsableSize(text, maximum):
            return "size '\(text)' is not WxH with two positive integers up to \(maximum) (e.g. 640x360)"
        case let .oddEncoderSize(size):
            return "encoder size \(size) must have even sides of at least 2 px"
        case let .encoderRateOutOfRange(fps, maximum):
            return "encoder rate \(fps) fps is not in 1…\(maximum)"
        case let .frameSizeMismatch(bytes, size, expected):
            return "frame of \(bytes) bytes does not match \(size) RGB (\(expected) bytes)"
        case let .writeFailed(path, reason):
            return "\(Self.shown(path)): cannot write (\(reason))"
        case let .frameTooLarge(path, width, height, limit):
            return "\(Self.shown(path)): picture of \(width)x\(height) pixels is larger than the limit of \(limit) pixels per frame"
                + " (raise it with \(FramePixelLimit.environmentVariable))"
        }
    }

    /// A path as a message shows it (`Escaping.escaped`): a crafted file name cannot forge or
    /// garble the lines around it.
    static func shown(_ path: String) -> String { Escaping.escaped(path) }
}
