import CFFmpeg
import Foundation

/// A decoded frame not yet converted to RGB: a reference to FFmpeg's frame (its buffers are
/// shared, not copied), from `VideoReader.sampleDecoded`. Converting it on another thread lets
/// the decoder run on meanwhile; the pixels are those `VideoReader.sample` would give.
///
/// `@unchecked Sendable`: the frame is touched only under `lock` (converted once, then freed).
public final class DecodedFrame: @unchecked Sendable {
    /// Presentation time in seconds from the stream's start.
    public let time: Double
    /// The sample time that asked for this frame.
    public let target: Double
    /// Index of the frame among all decoded frames, in presentation order.
    public let sourceIndex: Int
    private let size: PixelSize?
    private let path: String
    private let lock = NSLock()
    private var frame: UnsafeMutablePointer<AVFrame>?

    init?(cloning source: UnsafeMutablePointer<AVFrame>, time: Double, target: Double, sourceIndex: Int, size: PixelSize?, path: String) {
        guard let clone = av_frame_clone(source) else { return nil }
        frame = clone
        self.time = time
        self.target = target
        self.sourceIndex = sourceIndex
        self.size = size
        self.path = path
    }

    deinit { av_frame_free(&frame) }

    /// The frame as RGB at the requested size, converted by `converter` (its `conversion`);
    /// the reference to FFmpeg's frame is dropped afterwards.
    /// - Throws: `VideoError.unreadableData` when it cannot be converted or was converted before.
    public func converted(with converter: FrameConverter) throws -> VideoFrame {
        try lock.withLock {
            guard let frame else { throw VideoError.unreadableData(path: path, reason: "a decoded frame was converted twice") }
            defer { av_frame_free(&self.frame) }
            return try converter.convert(frame, time: time, index: sourceIndex,
                                         request: FrameRequest(time: target, size: size, conversion: converter.conversion), path: path)
        }
    }
}

/// The libswscale context that converts `DecodedFrame`s on the consumer's side: one per
/// consuming thread keeps the context cached across frames. Its `conversion` says how
/// (`.scaledRGB` by default; `.viaYUV420` for analysis).
///
/// `@unchecked Sendable`: the scaler is used only under `lock`.
public final class FrameConverter: @unchecked Sendable {
    private let scaler = FrameScaler()
    private let lock = NSLock()
    /// How the frames it converts become RGB.
    public let conversion: FrameConversion

    public init(conversion: FrameConversion = .scaledRGB) {
        self.conversion = conversion
    }

    /// The yuv420p planes of the last `.viaYUV420` conversion (for tests).
    var lastPlanes: [UInt8] { lock.withLock { scaler.lastPlanes } }

    func convert(_ frame: UnsafeMutablePointer<AVFrame>, time: Double, index: Int, request: FrameRequest, path: String) throws -> VideoFrame {
        try lock.withLock {
            try VideoReader.convert(frame, time: time, index: index, request: request, scaler: scaler, path: path)
        }
    }
}
