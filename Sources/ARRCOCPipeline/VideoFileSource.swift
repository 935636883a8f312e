import ARRCOC
import Foundation
import VideoDecoding

/// A video or image file as the core's `FrameSource`, decoded with FFmpeg (`VideoDecoding`).
///
/// Each call opens its own reader, so a source can be sampled, then fetched from, in any order.
public struct VideoFileSource: FrameSource, Sendable {
    public let path: String
    /// The metadata from the container's header (all of it when the header can be trusted).
    private let header: SourceMetadata
    /// The packet count behind `metadata()` when the header cannot be trusted (running meanwhile).
    private let probe: BackgroundResult<VideoInfo, VideoError>?
    private var digest: BackgroundResult<String, FormatError>? = nil
    /// How `frames(_:)` decodes: `.cheapest` (seeking only when the container's index shows it
    /// decodes at most a third of what streaming would, `FetchPlan`), or `.automatic` when
    /// `seekingToFrames()` chose it (coarse-to-fine).
    var fetchStrategy: FetchStrategy = .cheapest

    /// Opens `path` and reads its metadata. The header's duration is used when it can be
    /// trusted; packets are counted (one extra read of the file) only when there is none, or for
    /// AVI, whose headers can overstate the length. The count runs on another thread from now on
    /// (a `BackgroundResult`): `metadata()` waits for it, `plannedMetadata()` does not.
    /// - Throws: `VideoError` naming the file (the packet count's own errors come from `metadata()`).
    public init(path: String) throws {
        self.path = path
        let opened = try VideoReader(path: path).info
        let untrusted = opened.durationSeconds == nil || opened.container == "avi"
        header = Self.metadata(path: path, opened)
        probe = untrusted ? BackgroundResult(qos: .userInitiated) { () throws(VideoError) in try VideoProbe.probe(path: path) } : nil
    }

    /// The metadata, with the counted duration when the header cannot be trusted.
    /// - Throws: `VideoError` when the packet count fails.
    public func metadata() throws -> SourceMetadata {
        guard let probe else { return header }
        return Self.metadata(path: path, try probe.value())
    }

    /// The header's metadata, without waiting for a packet count: size, rate and codec as
    /// `metadata()` gives them (the same header), the duration possibly the header's estimate.
    public func plannedMetadata() -> SourceMetadata { header }

    private static func metadata(path: String, _ info: VideoInfo) -> SourceMetadata {
        SourceMetadata(path: path, durationSeconds: info.durationSeconds ?? 0, fps: info.fps, width: info.width, height: info.height,
                       codec: info.codec)
    }

    public func sha256() throws -> String { try digest?.value() ?? SHA256.hexDigest(ofFile: path) }

    /// This source, its SHA-256 being computed on another thread from now on (`sha256()` waits
    /// for it): analysis hashes while it decodes.
    public func hashingInBackground() -> VideoFileSource {
        var copy = self
        copy.digest = BackgroundResult(qos: .utility) { () throws(FormatError) in try SHA256.hexDigest(ofFile: path) }
        return copy
    }

    public func sample(fps: Double, width: Int, height: Int, _ body: (Double, RGBImage) throws -> Void) throws {
        try VideoReader(path: path).sample(fps: fps, size: PixelSize(width: width, height: height), conversion: .viaYUV420) { frame in
            try body(frame.time, RGBImage(width: frame.size.width, height: frame.size.height, pixels: frame.rgb))
        }
    }

    /// Frames as references to FFmpeg's decoded frames, converted to RGB by `PendingImage.image()`
    /// with one converter (one cached libswscale context) shared by the frames of this call.
    /// Analysis frames (this and `sample`) go through yuv420p at the size (`.viaYUV420`).
    public func samplePending(fps: Double, width: Int, height: Int, _ body: (Double, PendingImage) throws -> Void) throws {
        let converter = FrameConverter(conversion: .viaYUV420)
        try VideoReader(path: path).sampleDecoded(fps: fps, size: PixelSize(width: width, height: height)) { decoded in
            try body(decoded.time, PendingImage {
                let frame = try decoded.converted(with: converter)
                return RGBImage(width: frame.size.width, height: frame.size.height, pixels: frame.rgb)
            })
        }
    }

    public func frames(_ requests: [PixelRequest], _ body: (RGBImage) throws -> Void) throws {
        let wanted = requests.map {
            FrameRequest(time: $0.time, size: PixelSize(width: $0.width, height: $0.height),
                         crop: $0.region.map { FrameCrop(x: $0.x, y: $0.y, width: $0.w, height: $0.h) },
                         conversion: $0.forAnalysis ? .viaYUV420 : .scaledRGB)
        }
        try VideoReader(path: path).fetch(wanted, strategy: fetchStrategy) { frame in
            try body(RGBImage(width: frame.size.width, height: frame.size.height, pixels: frame.rgb))
        }
    }
}

extension VideoFileSource {
    /// Whether `path` is a clip arrcoc's encoder wrote (its container comment says so).
    public static func isArrcocClip(_ path: String) -> Bool {
        VideoProbe.comment(path: path) == VideoEncoder.comment
    }
}
