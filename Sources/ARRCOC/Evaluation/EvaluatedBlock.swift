/// The parts of a block the metrics read.
public struct EvaluatedBlock: Sendable, Equatable {
    public var time: Double
    public var tokens: Int
    public var grid: THW
    /// Select mode: kept cells (row-major on `grid`); nil in resize mode.
    public var keptCells: [Int]?
    /// A zoom block's region of the frame; nil: the whole frame.
    public var region: Region?

    public init(time: Double, tokens: Int, grid: THW, keptCells: [Int]?, region: Region? = nil) {
        self.time = time
        self.tokens = tokens
        self.grid = grid
        self.keptCells = keptCells
        self.region = region
    }
}
