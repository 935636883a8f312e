import Foundation

/// Everything an allocator decides from: candidate frames with their relevance, the grids a
/// frame may get, the budget and the sequence format (which sets the per-block text cost).
public struct AllocationInput: Sendable {
    /// Candidate frame times, increasing (seconds).
    public var times: [Double]
    /// Relevance per candidate frame, 0…1.
    public var relevance: [Double]
    /// Grids a block may have, fewest tokens first (`TokenGrid.levels`).
    public var levels: [THW]
    /// Tokens for the whole video part of the sequence, overhead included.
    public var budget: Int
    public var format: SequenceFormat
    public var config: AllocationConfig
    /// How much the relevance is to be trusted, 0 (explore: the query is found nowhere or
    /// everywhere) … 1 (exploit: it is peaked) — the scorer's `RelevanceScores.exploit`. Query-aware
    /// allocators follow relevance as far as this allows and spend the rest on even coverage.
    public var exploit: Double
    /// The scorer's `exploit` whatever `follow_exploit` says: how clearly the query is a few
    /// moments of the video. The arrcoc allocator moves the sparse floor's share of the budget to
    /// those moments as far as `allocation.focus` × this (0: no focus, the default for callers
    /// that have no scores).
    public var peaked: Double
    /// Per-cell relevance, for zoom blocks (`allocation.zoom`); nil: whole frames only.
    public var cellMap: CellMap?
    /// Per candidate, the time it stands for when candidates are not evenly spaced (a
    /// coarse-to-fine merge, `FeatureSet.timeWeights`); nil: every candidate the same.
    public var timeWeights: [Double]? = nil

    public init(times: [Double], relevance: [Double], levels: [THW], budget: Int, format: SequenceFormat, config: AllocationConfig,
                exploit: Double = 1, peaked: Double = 0, cellMap: CellMap? = nil) {
        self.times = times
        self.relevance = relevance
        self.levels = levels
        self.budget = budget
        self.format = format
        self.config = config
        self.exploit = exploit
        self.peaked = peaked
        self.cellMap = cellMap
    }

    /// Candidate indices of stock unit `u` (a pair of consecutive candidates from the first; the
    /// last may be single). The arrcoc allocator pairs a moment's candidates from its first
    /// instead (`allocation.align_pairs`, `LagrangianAllocator.units`).
    func unitFrames(_ u: Int) -> [Int] { 2 * u + 1 < times.count ? [2 * u, 2 * u + 1] : [2 * u] }
    var unitCount: Int { (times.count + 1) / 2 }

    /// Time of a pair block (mean of its frames) or of a repeated frame.
    func time(of frames: [Int]) -> Double { frames.map { times[$0] }.reduce(0, +) / Double(frames.count) }

    /// Checks what every allocator needs; throws `AllocationError` naming the value.
    func validate() throws(AllocationError) {
        guard !times.isEmpty else { throw .noCandidates }
        guard relevance.count == times.count else { throw .relevanceCount(times: times.count, relevance: relevance.count) }
        if let bad = relevance.firstIndex(where: { !$0.isFinite }) { throw .nonFiniteRelevance(index: bad) }
        guard exploit.isFinite, (0...1).contains(exploit) else { throw .exploitOutOfRange(exploit: exploit) }
        guard peaked.isFinite, (0...1).contains(peaked) else { throw .peakedOutOfRange(peaked: peaked) }
        guard !levels.isEmpty else { throw .noLevels }
        if let map = cellMap, !map.fits(frames: times.count) {
            throw .cellMapShape(frames: times.count, rows: map.rows, cols: map.cols, values: map.values.count)
        }
        guard budget > 0 else { throw .budgetNotPositive(budget: budget) }
        // The allocators' arithmetic (shares, sums of block costs) stays far from overflow below it.
        guard Double(budget) <= Limit.ceiling else { throw .budgetTooLarge(budget: budget) }
        let minimum = levels[0].product + TimestampCost.overhead(seconds: times[0], format: format)
        guard budget >= minimum else { throw .budgetTooSmall(budget: budget, minimum: minimum) }
    }
}
