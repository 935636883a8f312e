import CFFmpeg
import Foundation

/// Decodes one video file: sequential sampling on a time grid, or a targeted fetch of given
/// times. Frames are handed to a closure one at a time, so memory stays bounded (the reader
/// holds at most two decoded frames) however long the video is.
///
/// Each request gets the decoded frame whose presentation time is *nearest* to it (ties go to
/// the earlier frame). Only those frames are converted to RGB. Every packet is decoded (codec
/// threads on), since inter-coded video cannot be decoded otherwise, except frames no other
/// frame refers to (B-frames of H.264 and HEVC, MPEG-4 B-VOPs) lying more than two frame
/// spacings from every request in a constant-rate MP4, which no request can choose
/// (`skipsUnneededFrames`; the chosen frames are bit for bit those of a full decode, see `DecodePass`).
///
/// Not thread-safe: use one reader per task.
public final class VideoReader {
    /// Metadata as probed when the file was opened (frames not counted).
    public let info: VideoInfo

    private var file: MediaFile
    private let threads: Int
    private let scaler = FrameScaler()
    private var touched = false

    /// Whether non-reference frames no request can choose are left undecoded (default): the
    /// frames handed on are the same either way; off decodes every frame (for comparisons).
    public var skipsUnneededFrames = true

    /// Opens `path` for decoding.
    /// - Parameter threads: decoder threads; 0 lets FFmpeg choose (all cores).
    /// - Throws: `VideoError` naming the file.
    public init(path: String, threads: Int = 0) throws(VideoError) {
        file = try MediaFile(path: path, threads: threads)
        self.threads = threads
        info = try VideoProbe.probe(file, countFrames: false)
    }

    /// Opens the file again: demuxer and decoder at the very start, whatever the container.
    /// - Parameter decoderThreads: the new decoder's threads (default: the reader's).
    func reopen(decoderThreads: Int? = nil) throws(VideoError) {
        file = try MediaFile(path: file.path, threads: decoderThreads ?? threads)
        touched = true
    }

    /// Streams the file once and hands on the frame nearest each time `k / fps` (k = 0, 1, …),
    /// converted to RGB at `size` (source size when nil) by `conversion`. A frame nearest to two
    /// grid times (source slower than the grid) is handed on once. The grid ends with the last frame.
    ///
    /// - Throws: `VideoError` (bad rate, unreadable or truncated data) or whatever `body` throws.
    @discardableResult
    public func sample(
        fps: Double = 2, size: PixelSize? = nil, conversion: FrameConversion = .scaledRGB, _ body: (VideoFrame) throws -> Void
    ) throws -> DecodeReport {
        guard fps.isFinite, fps > 0, fps <= 1000 else {
            throw VideoError.sampleRateOutOfRange(fps: fps)
        }
        try checkSize(size)
        var pass = DecodePass(reader: self, schedule: .grid(fps: fps, size: size), strategy: .stream)
        return try pass.run { frame, time, index, request in
            var wanted = request
            wanted.conversion = conversion
            try body(try Self.convert(frame, time: time, index: index, request: wanted, scaler: scaler, path: file.path))
        }
    }

    /// `sample`, with the RGB conversion left to the consumer: each chosen frame is handed on as
    /// a `DecodedFrame` (a reference to FFmpeg's frame, no pixels copied), to be converted with
    /// `DecodedFrame.converted(with:)` on another thread while this one decodes on. The frames
    /// and their RGB pixels are those `sample` gives.
    @discardableResult
    public func sampleDecoded(
        fps: Double = 2, size: PixelSize? = nil, _ body: (DecodedFrame) throws -> Void
    ) throws -> DecodeReport {
        try sampleDecoded(fps: fps, size: size, skipping: .unneeded, body)
    }

    func sampleDecoded(
        fps: Double, size: PixelSize?, skipping: DecodePass.Skipping, _ body: (DecodedFrame) throws -> Void
    ) throws -> DecodeReport {
        guard fps.isFinite, fps > 0, fps <= 1000 else {
            throw VideoError.sampleRateOutOfRange(fps: fps)
        }
        try checkSize(size)
        var pass = DecodePass(reader: self, schedule: .grid(fps: fps, size: size), strategy: .stream, skipping: skipping)
        let path = file.path
        return try pass.run { frame, time, index, request in
            guard let decoded = DecodedFrame(cloning: frame, time: time, target: request.time, sourceIndex: index,
                                             size: request.size, path: path) else {
                throw VideoError.unreadableData(path: path, reason: "out of memory")
            }
            try body(decoded)
        }
    }

    /// A decoded frame (or the request's crop of it, cut at full resolution) as RGB at the
    /// request's size (the crop's or frame's own size when it has none).
    static func convert(
        _ frame: UnsafeMutablePointer<AVFrame>, time: Double, index: Int, request: FrameRequest, scaler: FrameScaler, path: String
    ) throws -> VideoFrame {
        let converted = request.crop == nil && request.conversion == .viaYUV420
            ? scaler.convertViaYUV(frame, to: request.size) : scaler.convert(frame, to: request.size, crop: request.crop)
        guard let rgb = converted else {
            throw VideoError.unreadableData(
                path: path, reason: "cannot convert a \(frame.pointee.width)x\(frame.pointee.height) frame to RGB")
        }
        let full = (width: Int(frame.pointee.width), height: Int(frame.pointee.height))
        let size = request.size
            ?? request.crop.map { let r = $0.pixels(width: full.width, height: full.height); return PixelSize(width: r.width, height: r.height) }
            ?? PixelSize(width: full.width, height: full.height)
        return VideoFrame(time: time, target: request.time, sourceIndex: index, size: size, rgb: rgb)
    }

    /// Decodes the frames nearest to each of `requests` (sorted by time), each at its own size.
    /// Exactly one frame is handed on per request, in order; requests past the end get the last
    /// frame. The default, `.stream`, decodes from the start: exact and deterministic on every
    /// file. With `.automatic`, seeks are used where the seek index shows a keyframe between the
    /// current position and the next request — faster on long GOPs, but it trusts the
    /// container's sync-sample index: cockatoo.mp4's is wrong (a seek to 5 s decodes with
    /// errors, as `ffmpeg -ss 5` does), which the pass detects and answers by streaming from the
    /// start (`DecodeReport.seekFallbacks`; seeking passes decode on one thread, so that this is
    /// the same every run). `.cheapest` seeks only where `fetchPlan(times:)` shows it decodes at
    /// most a third of what streaming would. After a seek, `sourceIndex` is the frame's time ×
    /// the stream's rate (a streamed pass counts frames; they differ on variable-rate video).
    ///
    /// - Throws: `VideoError.invalidTime` / `.unsortedTimes` for non-finite or unsorted times,
    ///   `.invalidCrop` for a crop outside the frame, decoding errors,
    ///   or whatever `body` throws.
    @discardableResult
    public func fetch(
        _ requests: [FrameRequest], strategy: FetchStrategy = .stream, _ body: (VideoFrame) throws -> Void
    ) throws -> DecodeReport {
        for (i, r) in requests.enumerated() {
            guard r.time.isFinite, r.time >= 0 else {
                throw VideoError.invalidTime(seconds: r.time, position: i)
            }
            if i > 0, r.time < requests[i - 1].time {
                throw VideoError.unsortedTimes(seconds: r.time, position: i, previous: requests[i - 1].time)
            }
            try checkSize(r.size)
            if let crop = r.crop, !crop.isInsideFrame { throw VideoError.invalidCrop(crop, position: i) }
        }
        guard !requests.isEmpty else { return DecodeReport() }
        var pass = DecodePass(reader: self, schedule: .list(requests), strategy: strategy)
        return try pass.run { frame, time, index, request in
            try body(try Self.convert(frame, time: time, index: index, request: request, scaler: scaler, path: file.path))
        }
    }

    /// Convenience: the frames nearest to `times`, all at one size.
    @discardableResult
    public func fetch(
        times: [Double], size: PixelSize? = nil, strategy: FetchStrategy = .stream,
        _ body: (VideoFrame) throws -> Void
    ) throws -> DecodeReport {
        try fetch(times.map { FrameRequest(time: $0, size: size) }, strategy: strategy, body)
    }

    private func checkSize(_ size: PixelSize?) throws(VideoError) {
        if let size, size.width <= 0 || size.height <= 0 || size.width > 16384 || size.height > 16384 {
            throw .sizeOutOfRange(size, maximum: 16384)
        }
    }

    // MARK: - Internals used by DecodePass

    var mediaFile: MediaFile { file }
    var frameScaler: FrameScaler { scaler }

    /// Puts the demuxer and decoder back at the start when an earlier pass read anything, by
    /// opening the file again: MPEG-TS and MPEG-PS demuxers asked to seek to the start time land
    /// up to a second late, or past every frame (a stream offset by `-output_ts_offset`).
    func rewindIfNeeded() throws(VideoError) {
        if touched { try reopen() }
        touched = true
    }
}
