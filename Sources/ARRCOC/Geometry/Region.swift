/// A rectangle of a frame, normalised to the frame (0…1 on both axes): what a zoom block shows.
///
/// A manifest writes it as `region: [x, y, w, h]`; a block without one shows the whole frame.
public struct Region: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var x: Double
    public var y: Double
    public var w: Double
    public var h: Double

    public init(x: Double, y: Double, w: Double, h: Double) {
        self.x = x
        self.y = y
        self.w = w
        self.h = h
    }

    /// The whole frame.
    public static let whole = Region(x: 0, y: 0, w: 1, h: 1)

    /// `[x, y, w, h]`, the manifest's form.
    public var array: [Double] { [x, y, w, h] }

    /// The region of `[x, y, w, h]`, nil unless it has four finite values, lies inside 0…1 and
    /// has a positive width and height.
    public init?(array a: [Double]) {
        guard a.count == 4, a.allSatisfy(\.isFinite), a[0] >= 0, a[1] >= 0, a[2] > 0, a[3] > 0,
              a[0] + a[2] <= 1 + 1e-9, a[1] + a[3] <= 1 + 1e-9 else { return nil }
        self.init(x: a[0], y: a[1], w: a[2], h: a[3])
    }

    /// Cells `rows × cols` starting at cell (`row`, `col`) of a `gridRows × gridCols` grid.
    public init(row: Int, col: Int, rows: Int, cols: Int, gridRows: Int, gridCols: Int) {
        self.init(x: Double(col) / Double(gridCols), y: Double(row) / Double(gridRows),
                  w: Double(cols) / Double(gridCols), h: Double(rows) / Double(gridRows))
    }

    public var area: Double { w * h }

    /// Area of the part of `box` (`[x, y, w, h]`, normalised) inside this region.
    public func intersectionArea(_ box: [Double]) -> Double {
        guard box.count == 4 else { return 0 }
        let ix = max(0, min(x + w, box[0] + box[2]) - max(x, box[0]))
        let iy = max(0, min(y + h, box[1] + box[3]) - max(y, box[1]))
        return ix * iy
    }

    /// The region in whole pixels of a `width × height` frame: corners rounded to the nearest
    /// pixel, at least 1×1, inside the frame. Decoders cut exactly these pixels.
    public func pixels(width: Int, height: Int) -> (x: Int, y: Int, width: Int, height: Int) {
        let x0 = min(width - 1, max(0, Int((x * Double(width)).rounded())))
        let y0 = min(height - 1, max(0, Int((y * Double(height)).rounded())))
        let x1 = min(width, max(x0 + 1, Int(((x + w) * Double(width)).rounded())))
        let y1 = min(height, max(y0 + 1, Int(((y + h) * Double(height)).rounded())))
        return (x0, y0, x1 - x0, y1 - y0)
    }

    public static func < (a: Region, b: Region) -> Bool { (a.x, a.y, a.w, a.h) < (b.x, b.y, b.w, b.h) }

    public var description: String { "[\(x), \(y), \(w), \(h)]" }
}
