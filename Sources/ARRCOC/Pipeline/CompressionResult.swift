/// What a compression produces: the sequence with its tensors, and the manifest describing it.
public struct CompressionResult: Sendable {
    public var sequence: EmittedSequence
    public var manifest: Manifest

    public init(sequence: EmittedSequence, manifest: Manifest) {
        self.sequence = sequence
        self.manifest = manifest
    }
}
