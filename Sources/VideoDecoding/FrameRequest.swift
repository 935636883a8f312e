/// A frame wanted by a targeted fetch: the time it should be nearest to, and its size.
public struct FrameRequest: Sendable, Equatable {
    /// Seconds from the stream's start.
    public var time: Double
    /// Output size; nil keeps the source size (of the crop, when there is one).
    public var size: PixelSize?
    /// The part of the full-resolution frame to resize to `size`; nil: the whole frame.
    public var crop: FrameCrop?
    /// How the frame becomes RGB (`.scaledRGB` for emission; `.viaYUV420` for analysis). A crop
    /// is always cut and resized in RGB (`.scaledRGB`).
    public var conversion: FrameConversion

    public init(time: Double, size: PixelSize?, crop: FrameCrop? = nil, conversion: FrameConversion = .scaledRGB) {
        self.time = time
        self.size = size
        self.crop = crop
        self.conversion = conversion
    }
}
