/// A frame wanted by a targeted fetch: the time it should be nearest to, and its size.
public struct FrameRequest: Sendable, Equatable {
    /// Seconds from the stream's start.
    public var time: Double
    /// Output size; nil keeps the source size.
    public var size: PixelSize?

    public init(time: Double, size: PixelSize?) {
        self.time = time
        self.size = size
    }
}
