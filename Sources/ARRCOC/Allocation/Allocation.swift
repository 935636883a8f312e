/// What a budget allocator decided, with its token accounting.
public struct Allocation: Sendable, Equatable {
    /// Blocks in time order.
    public var blocks: [Block]
    public var format: SequenceFormat

    public init(blocks: [Block], format: SequenceFormat) {
        self.blocks = blocks
        self.format = format
    }

    public var visionTokens: Int { blocks.reduce(0) { $0 + $1.tokens } }
    /// Timestamp text, vision_start and vision_end of every block.
    public var textTokens: Int { blocks.reduce(0) { $0 + TimestampCost.overhead(seconds: $1.time, format: format) } }
    public var totalTokens: Int { visionTokens + textTokens }
}
