/// The scorer's output: per cell, the three ways of knowing and their blend; per frame, the
/// relevance the allocator uses; and how the opponent processing came out.
public struct RelevanceScores: Sendable {
    /// `T × cells`: the raw query similarity of each cell (cosine after template matching, before
    /// any normalisation) — what `arrcoc compress --scores` maps.
    public var similarity: [Float]
    /// `T × cells`, each normalised over the whole video to 0…1.
    public var participatory: [Float]
    public var perspectival: [Float]
    public var propositional: [Float]
    /// The blend after opponent processing, `T × cells`, 0…1.
    public var cells: [Float]
    /// Per candidate frame, 0…1 (1 = the most relevant frame of the video).
    public var frames: [Double]
    /// Per candidate frame, the raw query similarity of its best cells (cosine, before
    /// normalisation), as the manifest records it.
    public var frameSimilarity: [Double]
    /// How peaked the query signal is (`MomentEvidence`): best sustained excess of the cells'
    /// similarity over their local temporal median, minus the frames' 75th percentile (cosine).
    public var peakedness: Double
    /// 0 (explore) … 1 (exploit), from the peakedness.
    public var exploit: Double
    /// The weights used: participatory, perspectival, propositional (sum 1).
    public var weights: (participatory: Double, perspectival: Double, propositional: Double)
}
