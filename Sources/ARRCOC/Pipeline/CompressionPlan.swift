/// The decisions of a compression before any pixel is decoded for emission.
public struct CompressionPlan: Sendable {
    public var allocation: Allocation
    public var scores: RelevanceScores
    public var strategy: any BudgetAllocator
    /// Per block: the grid its pixels are laid on and the cells emitted.
    public var pixelGrids: [THW]
    public var cells: [[Int]]
    /// Every frame to decode, sorted by time (for one targeted pass).
    public var requests: [PixelRequest]

    /// The two requests of block `i`.
    public func requests(ofBlock i: Int, features: FeatureSet) -> (PixelRequest, PixelRequest) {
        let b = allocation.blocks[i]
        let g = pixelGrids[i]
        let r = { (f: Int) in PixelRequest(time: features.times[f], width: g.w * 32, height: g.h * 32, region: b.region) }
        return (r(b.frames[0]), r(b.frames[1]))
    }
}
