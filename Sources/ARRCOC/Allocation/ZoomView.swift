/// A zoom block's view of a frame: the region it shows, its token grid, and how much denser the
/// relevant cells are in it than in the whole frame.
public struct ZoomView: Sendable, Equatable {
    /// Cell-aligned on the analysis grid, inside the frame, normalised.
    public var region: Region
    /// Token grid keeping the region's aspect, at most the source's native resolution
    /// (× `zoom_max_upscale`).
    public var grid: THW
    /// `Σ_c w(c) · [c ⊂ region] / area(region)` for the frame's relevance weights w (sum 1): the
    /// factor by which the region multiplies the tokens landing on relevant cells, per token
    /// spent (1 for the whole frame).
    public var gain: Double

    public init(region: Region, grid: THW, gain: Double) {
        self.region = region
        self.grid = grid
        self.gain = gain
    }
}
