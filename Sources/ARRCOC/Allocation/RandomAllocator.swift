/// `random`: units in a seeded random order (parameters `seed`, `tokens_per_frame`).
public struct RandomAllocator: BudgetAllocator {
    public let name = Strategy.random.rawValue
    public var seed: UInt64
    public var tokensPerFrame: Double
    public var parameters: [String: String] { ["seed": "\(seed)", "tokens_per_frame": "\(Int(tokensPerFrame))"] }

    public init(seed: UInt64 = 1, tokensPerFrame: Double = 150) {
        self.seed = seed
        self.tokensPerFrame = tokensPerFrame
    }

    public func allocate(_ input: AllocationInput) throws -> Allocation {
        try input.validate()
        var g = SplitMix64(seed: seed)
        var order = Array(0..<input.unitCount)
        for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, Int(g.next() % UInt64(i + 1))) }
        return FixedGrid.blocks(input, priority: order, grid: FixedGrid.level(input, tokensPerFrame: tokensPerFrame))
    }
}
