/// Knobs of the budget allocator (YAML section `allocation`).
public struct AllocationConfig: Codable, Sendable, Equatable {
    /// Fewest vision tokens a block may have.
    public var minTokens = 64
    /// Most vision tokens a block may have (also the analysis grid's size).
    public var maxTokens = 400
    /// A sparse block at least this often (seconds), for global context.
    public var sparseIntervalSeconds = 10.0
    /// Relevance spreads this far (seconds) around a peak, so whole windows around it turn dense.
    public var denseWindowSeconds = 2.0
    /// Exponent on frame relevance in the utilities (> 1 favours the peaks).
    public var relevancePower = 2.0
    /// Utility of a sparse block's coverage relative to relevance (how much context is worth).
    public var coverageWeight = 0.05
    /// Worth of showing a moment at all, against ln(1 + n/n₀) for its detail.
    public var presenceWeight = 1.0
    /// Relevance (0…1 above the background; a candidate's part its neighbours do not share counts
    /// half) from which a run of frames is a moment that must be seen at least once.
    public var momentThreshold = 0.5
    /// At most this share of the budget goes to forcing one block per moment (the strongest
    /// moment is always forced).
    public var momentBudgetShare = 0.3
    /// At most this share of the budget goes to the sparse floor (at least one block).
    public var floorBudgetShare = 0.3
    /// Whether the scorer's `exploit` reaches the allocator (explore: relevance trusted as
    /// exploit², the floor growing to even coverage). Off by default: most absent queries read
    /// flat (31 of 37 at peakedness ≤ 0.25), but so do some real needles on busy backgrounds
    /// (0.06–0.13), which the relevance may still rank first; following exploit lost them at 3%
    /// (Docs/engine.md).
    public var followExploit = false
    /// Once the budget shows every unit (a pair of candidates, one second at 2 fps) at the
    /// smallest grid, a query that reads flat gets every unit: the sparse floor takes `1 − e²` of
    /// them (e the scorer's exploit), and as the budget grows from that to every unit at the
    /// largest grid, the relevance above the background is trusted only as far as e² says, so near
    /// the Qwen3-VL default a flat query's levels come out even, as uniform's. Below that budget nothing
    /// changes: a weak needle's ranking, however flat, beats coverage with gaps (Docs/engine.md).
    public var coverWhenAffordable = true
    /// How far a peaked query moves the budget from context to its moments: with the scorer's
    /// exploit e, the sparse floor's share becomes `floor_budget_share · (1 − focus · e)` (no
    /// block at all once that is under half a block), the moments' forced share grows by what the
    /// floor gave up, the dense window narrows to `dense_window_s · (1 − focus · e / 2)`, and the
    /// relevance power grows to `relevance_power · (1 + focus · e)`, so frames that only half
    /// resemble the query lose their looks to detail on its moments. A flat query (e ≈ 0) keeps
    /// the whole floor and the power; unlike `follow_exploit`, focus never distrusts the
    /// relevance, so a needle that reads flat loses nothing. Measured on the real-needles sweep
    /// (tune and held-out clips alike), 1.0 raised precision and F1 at every budget from 1% to 10%
    /// with no loss of temporal recall or event hit (Docs/engine.md, Docs/evaluation.md).
    public var focus = 1.0
    /// Whether a moment's candidates are paired from its first one. Candidates are shown in
    /// pairs of consecutive ones (one Qwen3-VL temporal patch, every token mixing both); paired
    /// from the video's first candidate, as the stock sampler pairs them, a moment that starts or
    /// ends on the pair's second candidate shares a block with a frame it is not in (half seen,
    /// its timestamp outside it). Aligned, no pair straddles a moment's edge: the candidate left
    /// over beside it stands alone (one frame repeated), and pairs go on from the moment's
    /// first candidate. Nothing changes where no moment is found.
    public var alignPairs = true
    /// Zoom blocks: a block may show a cell-aligned region of its frames, aspect kept, at up to
    /// `zoom_max_upscale` × the source's native resolution (ViCrop, "MLLMs know where to look",
    /// ICLR 2025: cropping to the relevant region is what recovers small details).
    public var zoom = ZoomMode.both
    /// Fewest vision tokens of a zoom block (a region is small, so its grid may be too).
    public var zoomMinTokens = 16
    /// Most source pixels a zoom grid's side may ask for, per source pixel: 1 = never above
    /// the source's native resolution as the stock processor counts it (a side of p source
    /// pixels has round(p / 32) tokens, `ZoomPlanner.nativeSide`).
    public var zoomMaxUpscale = 1.0

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case minTokens = "min_tokens", maxTokens = "max_tokens"
        case sparseIntervalSeconds = "sparse_interval_s", denseWindowSeconds = "dense_window_s"
        case relevancePower = "relevance_power", coverageWeight = "coverage_weight"
        case presenceWeight = "presence_weight", momentThreshold = "moment_threshold"
        case momentBudgetShare = "moment_budget_share", floorBudgetShare = "floor_budget_share"
        case followExploit = "follow_exploit", coverWhenAffordable = "cover_when_affordable", focus
        case alignPairs = "align_pairs"
        case zoom, zoomMinTokens = "zoom_min_tokens", zoomMaxUpscale = "zoom_max_upscale"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = AllocationConfig()
        minTokens = try c.decodeIfPresent(Int.self, forKey: .minTokens) ?? d.minTokens
        maxTokens = try c.decodeIfPresent(Int.self, forKey: .maxTokens) ?? d.maxTokens
        sparseIntervalSeconds = try c.decodeIfPresent(Double.self, forKey: .sparseIntervalSeconds) ?? d.sparseIntervalSeconds
        denseWindowSeconds = try c.decodeIfPresent(Double.self, forKey: .denseWindowSeconds) ?? d.denseWindowSeconds
        relevancePower = try c.decodeIfPresent(Double.self, forKey: .relevancePower) ?? d.relevancePower
        coverageWeight = try c.decodeIfPresent(Double.self, forKey: .coverageWeight) ?? d.coverageWeight
        presenceWeight = try c.decodeIfPresent(Double.self, forKey: .presenceWeight) ?? d.presenceWeight
        momentThreshold = try c.decodeIfPresent(Double.self, forKey: .momentThreshold) ?? d.momentThreshold
        momentBudgetShare = try c.decodeIfPresent(Double.self, forKey: .momentBudgetShare) ?? d.momentBudgetShare
        floorBudgetShare = try c.decodeIfPresent(Double.self, forKey: .floorBudgetShare) ?? d.floorBudgetShare
        followExploit = try c.decodeIfPresent(Bool.self, forKey: .followExploit) ?? d.followExploit
        coverWhenAffordable = try c.decodeIfPresent(Bool.self, forKey: .coverWhenAffordable) ?? d.coverWhenAffordable
        focus = try c.decodeIfPresent(Double.self, forKey: .focus) ?? d.focus
        alignPairs = try c.decodeIfPresent(Bool.self, forKey: .alignPairs) ?? d.alignPairs
        zoom = try c.decodeIfPresent(ZoomMode.self, forKey: .zoom) ?? d.zoom
        zoomMinTokens = try c.decodeIfPresent(Int.self, forKey: .zoomMinTokens) ?? d.zoomMinTokens
        zoomMaxUpscale = try c.decodeIfPresent(Double.self, forKey: .zoomMaxUpscale) ?? d.zoomMaxUpscale
    }

    public func validate() throws(ConfigError) {
        try ConfigError.check("allocation.min_tokens", minTokens, in: 1...16384)
        try ConfigError.check("allocation.max_tokens", maxTokens, in: minTokens...16384)
        try ConfigError.check("allocation.sparse_interval_s", sparseIntervalSeconds, in: 0.5...86400)
        try ConfigError.check("allocation.dense_window_s", denseWindowSeconds, in: 0...3600)
        try ConfigError.check("allocation.relevance_power", relevancePower, in: 0.1...10)
        try ConfigError.check("allocation.coverage_weight", coverageWeight, in: 0...10)
        try ConfigError.check("allocation.presence_weight", presenceWeight, in: 0...10)
        try ConfigError.check("allocation.moment_threshold", momentThreshold, in: 0...1)
        try ConfigError.check("allocation.moment_budget_share", momentBudgetShare, in: 0...1)
        try ConfigError.check("allocation.floor_budget_share", floorBudgetShare, in: 0...1)
        try ConfigError.check("allocation.focus", focus, in: 0...1)
        try ConfigError.check("allocation.zoom_min_tokens", zoomMinTokens, in: 1...maxTokens)
        try ConfigError.check("allocation.zoom_max_upscale", zoomMaxUpscale, in: 0.25...8)
    }
}
