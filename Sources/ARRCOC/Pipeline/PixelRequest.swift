/// A frame the emitter needs: a candidate frame's time, the size to decode it at and, for a
/// zoom block, the region to cut from the full-resolution frame before resizing.
public struct PixelRequest: Sendable, Hashable, Comparable {
    public var time: Double
    public var width: Int
    public var height: Int
    /// The region of the frame (normalised) to resize to `width × height`; nil: the whole frame.
    public var region: Region?
    /// Pixels for the descriptor (a query image), converted as analysed frames are
    /// (`FrameSource.sample`; features of `DescriptorEmbedder` since version 2), not as emitted ones.
    public var forAnalysis: Bool

    public init(time: Double, width: Int, height: Int, region: Region? = nil, forAnalysis: Bool = false) {
        self.time = time
        self.width = width
        self.height = height
        self.region = region
        self.forAnalysis = forAnalysis
    }

    public static func < (a: PixelRequest, b: PixelRequest) -> Bool {
        if (a.time, a.width, a.height) != (b.time, b.width, b.height) { return (a.time, a.width, a.height) < (b.time, b.width, b.height) }
        switch (a.region, b.region) {
        case let (x?, y?): return x < y
        case (nil, _?): return true
        default: return false
        }
    }
}
