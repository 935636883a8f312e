/// `topk`: the k most relevant units, k as many as the budget holds (`tokens_per_frame`).
public struct TopKAllocator: BudgetAllocator {
    public let name = Strategy.topk.rawValue
    public var tokensPerFrame: Double
    public var parameters: [String: String] { ["tokens_per_frame": "\(Int(tokensPerFrame))"] }

    public init(tokensPerFrame: Double = 150) {
        self.tokensPerFrame = tokensPerFrame
    }

    public func allocate(_ input: AllocationInput) throws -> Allocation {
        try input.validate()
        let order = (0..<input.unitCount).sorted {
            (FixedGrid.unitRelevance(input, $0), -$0) > (FixedGrid.unitRelevance(input, $1), -$1)
        }
        return FixedGrid.blocks(input, priority: order, grid: FixedGrid.level(input, tokensPerFrame: tokensPerFrame))
    }
}
