/// Knobs of the relevance scorer (YAML section `scoring`). Defaults are the documented values.
public struct ScoringConfig: Codable, Sendable, Equatable {
    /// Fraction of a frame's cells whose mean is the frame's relevance (robust to a small object:
    /// 0.01 of 350 cells = the best 4 cells).
    public var frameTopFraction = 0.01
    /// Participatory weight when the query signal is flat (explore)…
    public var participatoryWeightMin = 0.25
    /// …and when it is strongly peaked (exploit).
    public var participatoryWeightMax = 0.9
    /// Of the weight left, the share of perspectival (salience); the rest is propositional.
    public var perspectivalShare = 0.6
    /// Peakedness (best sustained excess of the query similarity over each cell's local temporal
    /// median, minus the frames' 75th percentile; cosine units) at which exploit and explore
    /// balance. Real needles clearly found measure 0.34–0.57, 31 of 37 absent queries 0.04–0.25
    /// (look-alike scenes up to 0.59; Docs/engine.md).
    public var exploitThreshold = 0.27
    /// Width of the switch around the threshold (logistic scale, cosine units).
    public var exploitSoftness = 0.03
    /// Half-width (seconds) of each cell's temporal background for the peakedness: events much
    /// shorter than the window stand out, a query present for longer reads as background.
    public var evidenceWindowSeconds = 15.0
    /// Extra exponent on participatory scores at full exploitation (sharpening): P^(1 + s·exploit).
    /// Off by default: sharpening squashes a needle's weaker second appearance below the
    /// allocator's `moment_threshold` (measured on the real-needles sweep: one event of
    /// held-cockatoo-walkers lost at 3% with 1.0), and recall needs every appearance seen once.
    public var sharpen = 0.0

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case frameTopFraction = "frame_top_fraction"
        case participatoryWeightMin = "participatory_weight_min"
        case participatoryWeightMax = "participatory_weight_max"
        case perspectivalShare = "perspectival_share"
        case exploitThreshold = "exploit_threshold"
        case exploitSoftness = "exploit_softness"
        case evidenceWindowSeconds = "evidence_window_s"
        case sharpen
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = ScoringConfig()
        frameTopFraction = try c.decodeIfPresent(Double.self, forKey: .frameTopFraction) ?? d.frameTopFraction
        participatoryWeightMin = try c.decodeIfPresent(Double.self, forKey: .participatoryWeightMin) ?? d.participatoryWeightMin
        participatoryWeightMax = try c.decodeIfPresent(Double.self, forKey: .participatoryWeightMax) ?? d.participatoryWeightMax
        perspectivalShare = try c.decodeIfPresent(Double.self, forKey: .perspectivalShare) ?? d.perspectivalShare
        exploitThreshold = try c.decodeIfPresent(Double.self, forKey: .exploitThreshold) ?? d.exploitThreshold
        exploitSoftness = try c.decodeIfPresent(Double.self, forKey: .exploitSoftness) ?? d.exploitSoftness
        evidenceWindowSeconds = try c.decodeIfPresent(Double.self, forKey: .evidenceWindowSeconds) ?? d.evidenceWindowSeconds
        sharpen = try c.decodeIfPresent(Double.self, forKey: .sharpen) ?? d.sharpen
    }

    /// Range checks; errors name the key.
    public func validate() throws(ConfigError) {
        try ConfigError.check("scoring.frame_top_fraction", frameTopFraction, in: 0.0001...1)
        try ConfigError.check("scoring.participatory_weight_min", participatoryWeightMin, in: 0...1)
        try ConfigError.check("scoring.participatory_weight_max", participatoryWeightMax, in: participatoryWeightMin...1)
        try ConfigError.check("scoring.perspectival_share", perspectivalShare, in: 0...1)
        try ConfigError.check("scoring.exploit_threshold", exploitThreshold, in: 0...2)
        try ConfigError.check("scoring.exploit_softness", exploitSoftness, in: 0.001...1)
        try ConfigError.check("scoring.evidence_window_s", evidenceWindowSeconds, in: 0.5...3600)
        try ConfigError.check("scoring.sharpen", sharpen, in: 0...10)
    }
}
