/// A frame size in pixels.
public struct PixelSize: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Width in pixels.
    public var width: Int
    /// Height in pixels.
    public var height: Int

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// Parses `WxH` (for example `640x360`).
    /// - Throws: `VideoError.unparsableSize` naming the text when it is not two positive integers.
    public init(parsing text: String) throws(VideoError) {
        let parts = text.lowercased().split(separator: "x", omittingEmptySubsequences: false)
        guard parts.count == 2, let w = Int(parts[0]), let h = Int(parts[1]), w > 0, h > 0,
              w <= 16384, h <= 16384
        else {
            throw .unparsableSize(text: text, maximum: 16384)
        }
        self.init(width: w, height: h)
    }

    public var description: String { "\(width)x\(height)" }
}
