/// The frame selectors arrcoc is compared with. All share one shape, as in their papers: pick
/// candidate units (pairs of consecutive candidate frames, one Qwen3-VL temporal patch each) by
/// a priority, all at one grid (`tokens_per_frame`, the nearest level), as many as the budget
/// holds with their timestamp text. Only the priority differs.
enum FixedGrid {
    /// The level nearest `tokensPerFrame`.
    static func level(_ input: AllocationInput, tokensPerFrame: Double) -> THW {
        input.levels.min { abs(Double($0.product) - tokensPerFrame) < abs(Double($1.product) - tokensPerFrame) } ?? input.levels[0]
    }

    /// Units in `priority` order while they fit, then sorted by time.
    static func blocks(_ input: AllocationInput, priority: [Int], grid: THW) -> Allocation {
        var chosen: [Int] = []
        var spent = 0
        var seen = Set<Int>()
        for u in priority where !seen.contains(u) {
            seen.insert(u)
            let frames = pair(input, u)
            let cost = grid.product + TimestampCost.overhead(seconds: input.time(of: frames), format: input.format)
            if spent + cost <= input.budget {
                chosen.append(u)
                spent += cost
            }
        }
        if chosen.isEmpty { chosen = [0] }  // validate() guarantees the first unit fits at the smallest grid
        let g = spent == 0 ? input.levels[0] : grid
        let blocks = chosen.sorted().map { u -> Block in
            let frames = pair(input, u)
            return Block(frames: frames, time: input.time(of: frames), grid: g, tokens: g.product, density: .dense,
                         relevance: frames.map { input.relevance[$0] }.max() ?? 0)
        }
        return Allocation(blocks: blocks, format: input.format)
    }

    static func pair(_ input: AllocationInput, _ u: Int) -> [Int] {
        let f = input.unitFrames(u)
        return f.count == 2 ? f : [f[0], f[0]]
    }

    static func unitRelevance(_ input: AllocationInput, _ u: Int) -> Double {
        input.unitFrames(u).map { input.relevance[$0] }.max() ?? 0
    }

    /// How many blocks of `grid` the budget holds (using the largest timestamp cost).
    static func capacity(_ input: AllocationInput, grid: THW) -> Int {
        let worst = TimestampCost.overhead(seconds: input.times.last ?? 0, format: input.format)
        return max(1, input.budget / (grid.product + worst))
    }
}
