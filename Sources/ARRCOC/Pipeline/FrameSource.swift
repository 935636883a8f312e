/// What a frame source is: enough to plan an analysis before any frame is decoded.
public struct SourceMetadata: Sendable, Equatable {
    public var path: String
    public var durationSeconds: Double
    public var fps: Double
    public var width: Int
    public var height: Int
    public var codec: String

    public init(path: String, durationSeconds: Double, fps: Double, width: Int, height: Int, codec: String) {
        self.path = path
        self.durationSeconds = durationSeconds
        self.fps = fps
        self.width = width
        self.height = height
        self.codec = codec
    }
}

/// Where the core gets pixels. The core never decodes video itself: `ARRCOCPipeline` gives it a
/// decoded file (`VideoFileSource`, FFmpeg), and tests or apps can hand in frames they hold.
///
/// Frames are handed on one at a time, so a source never needs to hold the whole video.
public protocol FrameSource {
    /// Size, rate, duration and codec of the source.
    func metadata() throws -> SourceMetadata

    /// What `metadata()` gives, as far as it is known without reading the source through: the
    /// same size, rate and codec, the duration possibly an estimate (for progress only). An
    /// analysis plans with it and records `metadata()`, so that a source whose duration takes a
    /// pass over the file (`VideoFileSource` on AVI) can make that pass while frames decode.
    /// The default is `metadata()`.
    func plannedMetadata() throws -> SourceMetadata

    /// The SHA-256 (lowercase hex) of the source's bytes: features files and manifests name their
    /// video by it.
    func sha256() throws -> String

    /// Hands on the frame nearest each time `k / fps` (k = 0, 1, …), converted to
    /// `width × height`, in time order.
    func sample(fps: Double, width: Int, height: Int, _ body: (_ time: Double, _ image: RGBImage) throws -> Void) throws

    /// Hands on exactly one frame per request (the frame nearest its time, at its size), in the
    /// order given; `requests` are sorted by time. A request with a region wants that part of
    /// the frame at full resolution, resized to its size (`RGBImage.cropped(to:)`, then resize).
    func frames(_ requests: [PixelRequest], _ body: (_ image: RGBImage) throws -> Void) throws

    /// `sample`, with each frame's conversion to `width × height` RGB left to the consumer
    /// (`PendingImage.image()`, on any thread), so that a decoder can run on meanwhile. The
    /// images are those `sample` gives. Sources without a conversion step use the default,
    /// which hands on the images `sample` made.
    func samplePending(fps: Double, width: Int, height: Int, _ body: (_ time: Double, _ image: PendingImage) throws -> Void) throws
}

extension FrameSource {
    public func plannedMetadata() throws -> SourceMetadata { try metadata() }

    public func samplePending(fps: Double, width: Int, height: Int, _ body: (_ time: Double, _ image: PendingImage) throws -> Void) throws {
        try sample(fps: fps, width: width, height: height) { time, image in try body(time, PendingImage { image }) }
    }
}
