/// Per-cell relevance on the analysis grid, with the source's pixel size: what the allocator
/// reads to place zoom blocks (`RelevanceScores.cells`).
public struct CellMap: Sendable {
    /// Analysis grid rows and columns.
    public var rows: Int
    public var cols: Int
    /// `T × rows × cols`, row-major per candidate frame, 0…1.
    public var values: [Float]
    /// Source frame size in pixels (what a zoom's native-resolution cap is measured against).
    public var sourceWidth: Int
    public var sourceHeight: Int

    public init(rows: Int, cols: Int, values: [Float], sourceWidth: Int, sourceHeight: Int) {
        self.rows = rows
        self.cols = cols
        self.values = values
        self.sourceWidth = sourceWidth
        self.sourceHeight = sourceHeight
    }

    /// Cells per frame.
    public var cellsPerFrame: Int { rows * cols }

    /// Whether the map fits `frames` candidate frames and a positive source size.
    func fits(frames: Int) -> Bool {
        rows > 0 && cols > 0 && sourceWidth > 0 && sourceHeight > 0 && values.count == frames * rows * cols
    }

    /// Per cell, the highest value over `frames` (a block's two frames).
    func maximum(over frames: [Int]) -> [Float] {
        let per = cellsPerFrame
        var out = [Float](repeating: 0, count: per)
        for (k, f) in frames.enumerated() {
            for c in 0..<per {
                let v = values[f * per + c]
                out[c] = k == 0 ? v : max(out[c], v)
            }
        }
        return out
    }
}
