/// Scores candidate frames against a query. One job: features + query → `RelevanceScores`.
public protocol FrameScorer: Sendable {
    func score(_ features: FeatureSet, query: Query) throws -> RelevanceScores
}
