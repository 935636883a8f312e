/// A rectangle of a frame, normalised to it (0…1): the part of the full-resolution frame a
/// request wants before it is resized (a zoom block's region).
public struct FrameCrop: Sendable, Equatable {
    public var x: Double
    public var y: Double
    public var width: Double
    public var height: Double

    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    /// Whether the crop is a rectangle inside the frame: finite, x, y ≥ 0, width, height > 0,
    /// x + width ≤ 1 and y + height ≤ 1.
    public var isInsideFrame: Bool {
        [x, y, width, height].allSatisfy(\.isFinite) && x >= 0 && y >= 0 && width > 0 && height > 0
            && x + width <= 1 + 1e-9 && y + height <= 1 + 1e-9
    }

    /// The rectangle in whole pixels of a `width × height` frame: corners rounded to the nearest
    /// pixel, at least 1×1, inside the frame (the same rounding as the core's `Region.pixels`).
    public func pixels(width w: Int, height h: Int) -> (x: Int, y: Int, width: Int, height: Int) {
        let x0 = min(w - 1, max(0, Int((x * Double(w)).rounded())))
        let y0 = min(h - 1, max(0, Int((y * Double(h)).rounded())))
        let x1 = min(w, max(x0 + 1, Int(((x + width) * Double(w)).rounded())))
        let y1 = min(h, max(y0 + 1, Int(((y + height) * Double(h)).rounded())))
        return (x0, y0, x1 - x0, y1 - y0)
    }
}
