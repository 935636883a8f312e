/// A packed 8-bit RGB image: the core's view of a decoded frame (the core does not see FFmpeg).
public struct RGBImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// Row-major `R G B` bytes, `width * 3` per row.
    public let pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(pixels.count == width * height * 3, "RGB image of \(width)x\(height) needs \(width * height * 3) bytes")
        self.width = width
        self.height = height
        self.pixels = pixels
    }
}
