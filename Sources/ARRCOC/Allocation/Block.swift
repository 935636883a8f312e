/// One chosen moment: which candidate frames make its temporal patch, its time, and its grid.
public struct Block: Sendable, Equatable {
    /// Candidate-frame indices of the two frames of the temporal patch (equal for a repeated frame).
    public var frames: [Int]
    /// The block's time: the mean of its two frames' times (seconds).
    public var time: Double
    /// Token grid (t = 1, h × w LLM tokens of 32 px).
    public var grid: THW
    /// Vision tokens (`grid.product` in resize mode; kept cells in select mode).
    public var tokens: Int
    public var density: Density
    /// Relevance of the block (the higher of its frames'), 0…1.
    public var relevance: Double
    /// The region of the frames the block shows (a zoom block); nil for the whole frame.
    public var region: Region?

    public init(frames: [Int], time: Double, grid: THW, tokens: Int, density: Density, relevance: Double, region: Region? = nil) {
        self.frames = frames
        self.time = time
        self.grid = grid
        self.tokens = tokens
        self.density = density
        self.relevance = relevance
        self.region = region
    }
}
