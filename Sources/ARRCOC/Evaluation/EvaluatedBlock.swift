/// The parts of a block the metrics read.
public struct EvaluatedBlock: Sendable, Equatable {
    public var time: Double
    public var tokens: Int
    public var grid: THW
    /// Select mode: kept cells (row-major on `grid`); nil in resize mode.
    public var keptCells: [Int]?

    public init(time: Double, tokens: Int, grid: THW, keptCells: [Int]?) {
        self.time = time
        self.tokens = tokens
        self.grid = grid
        self.keptCells = keptCells
    }
}
