/// The reference: what Qwen3-VL does by default, scaled to the budget. Every pair of candidate
/// frames (2 fps by default, as qwen-vl-utils samples) becomes a block, all at one grid — the
/// largest whose total fits; when even the smallest grid does not fit, blocks are dropped evenly
/// (fewer frames, evenly spaced) until it does. Ignores relevance.
public struct UniformAllocator: BudgetAllocator {
    public let name = Strategy.uniform.rawValue
    public var parameters: [String: String] { [:] }

    public init() {}

    public func allocate(_ input: AllocationInput) throws -> Allocation {
        try input.validate()
        let units = (0..<input.unitCount).map { input.unitFrames($0) }.map { $0.count == 2 ? $0 : [$0[0], $0[0]] }
        let overheads = units.map { TimestampCost.overhead(seconds: input.time(of: $0), format: input.format) }
        let totalOverhead = overheads.reduce(0, +)
        for grid in input.levels.reversed() where totalOverhead + grid.product * units.count <= input.budget {
            return Allocation(blocks: units.map { block($0, grid, input) }, format: input.format)
        }
        let grid = input.levels[0]
        var count = units.count
        while count > 1 {
            let picked = LagrangianAllocator.evenlySpaced(Array(units.indices), count: count)
            let cost = picked.reduce(0) { $0 + grid.product + overheads[$1] }
            if cost <= input.budget {
                return Allocation(blocks: picked.map { block(units[$0], grid, input) }, format: input.format)
            }
            count -= max(1, (cost - input.budget) / (grid.product + 8))
        }
        // validate() guarantees that the first block (the cheapest timestamp) fits at the smallest grid.
        return Allocation(blocks: [block(units[0], grid, input)], format: input.format)
    }

    private func block(_ frames: [Int], _ grid: THW, _ input: AllocationInput) -> Block {
        Block(frames: frames, time: input.time(of: frames), grid: grid, tokens: grid.product, density: .dense,
              relevance: frames.map { input.relevance[$0] }.max() ?? 0)
    }
}
