/// The reference: what Qwen3-VL does by default, scaled to the budget. Every pair of candidate
/// frames (2 fps by default, as qwen-vl-utils samples) becomes a block, all at one grid — the
/// largest whose total fits, what is left raising evenly spaced blocks one level; when even the
/// smallest grid does not fit, blocks are dropped evenly (fewer frames, evenly spaced) until it
/// does. The budget is spent to within one block's cost. Ignores relevance.
public struct UniformAllocator: BudgetAllocator {
    public let name = Strategy.uniform.rawValue
    public var parameters: [String: String] { [:] }

    public init() {}

    public func allocate(_ input: AllocationInput) throws -> Allocation {
        try input.validate()
        let units = (0..<input.unitCount).map { input.unitFrames($0) }.map { $0.count == 2 ? $0 : [$0[0], $0[0]] }
        let overheads = units.map { TimestampCost.overhead(seconds: input.time(of: $0), format: input.format) }
        let totalOverhead = overheads.reduce(0, +)
        if let top = input.levels.lastIndex(where: { totalOverhead + $0.product * units.count <= input.budget }) {
            // Every block at the largest grid that fits; what is left raises evenly spaced blocks
            // one level, so the budget is spent to within one block's step.
            var grids = [THW](repeating: input.levels[top], count: units.count)
            let left = input.budget - totalOverhead - input.levels[top].product * units.count
            if top + 1 < input.levels.count, left >= input.levels[top + 1].product - input.levels[top].product {
                let step = input.levels[top + 1].product - input.levels[top].product
                for i in LagrangianAllocator.evenlySpaced(Array(units.indices), count: min(units.count, left / step)) {
                    grids[i] = input.levels[top + 1]
                }
            }
            return Allocation(blocks: units.indices.map { block(units[$0], grids[$0], input) }, format: input.format)
        }
        // Below the smallest grid: the most evenly spaced blocks that fit.
        let grid = input.levels[0]
        let cost = { (picked: [Int]) in picked.reduce(0) { $0 + grid.product + overheads[$1] } }
        var count = min(units.count, input.budget / (grid.product + (overheads.min() ?? 0)))
        while count > 1, cost(LagrangianAllocator.evenlySpaced(Array(units.indices), count: count)) > input.budget { count -= 1 }
        // validate() guarantees that the first block (the cheapest timestamp) fits at the smallest grid.
        var picked = count > 1 ? LagrangianAllocator.evenlySpaced(Array(units.indices), count: count) : [0]
        // Timestamps differ in length: what is left may still hold a block between two picked ones.
        var spent = cost(picked)
        let taken = Set(picked)
        for u in units.indices where !taken.contains(u) && spent + grid.product + overheads[u] <= input.budget {
            picked.append(u)
            spent += grid.product + overheads[u]
        }
        return Allocation(blocks: picked.sorted().map { block(units[$0], grid, input) }, format: input.format)
    }

    private func block(_ frames: [Int], _ grid: THW, _ input: AllocationInput) -> Block {
        Block(frames: frames, time: input.time(of: frames), grid: grid, tokens: grid.product, density: .dense,
              relevance: frames.map { input.relevance[$0] }.max() ?? 0)
    }
}
