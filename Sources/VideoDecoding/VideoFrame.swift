/// One decoded frame converted to packed RGB (8 bits per channel), with its time.
public struct VideoFrame: Sendable {
    /// Presentation time in seconds from the stream's start.
    public let time: Double
    /// The sample time that asked for this frame (the frame is the one nearest to it).
    public let target: Double
    /// Index of the frame among all decoded frames, in presentation order (0-based).
    public let sourceIndex: Int
    /// Size of `rgb`.
    public let size: PixelSize
    /// Pixels, row-major, `R G B` per pixel, `size.width * 3` bytes per row.
    public let rgb: [UInt8]

    public init(time: Double, target: Double, sourceIndex: Int, size: PixelSize, rgb: [UInt8]) {
        self.time = time
        self.target = target
        self.sourceIndex = sourceIndex
        self.size = size
        self.rgb = rgb
    }

    /// The channel values at pixel (`x`, `y`).
    public func pixel(x: Int, y: Int) -> (r: UInt8, g: UInt8, b: UInt8) {
        let o = (y * size.width + x) * 3
        return (rgb[o], rgb[o + 1], rgb[o + 2])
    }
}
