/// What a compression produces: the sequence with its tensors, the manifest describing it, and
/// the relevance scores it was allocated from (for previews).
public struct CompressionResult: Sendable {
    public var sequence: EmittedSequence
    public var manifest: Manifest
    public var scores: RelevanceScores?

    public init(sequence: EmittedSequence, manifest: Manifest, scores: RelevanceScores? = nil) {
        self.sequence = sequence
        self.manifest = manifest
        self.scores = scores
    }
}
