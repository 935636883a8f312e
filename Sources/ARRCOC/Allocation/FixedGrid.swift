/// The frame selectors arrcoc is compared with. All share one shape, as in their papers: pick
/// candidate units (pairs of consecutive candidate frames, one Qwen3-VL temporal patch each) by
/// a priority, all at one grid (`tokens_per_frame`, the nearest level), as many as the budget
/// holds with their timestamp text. Only the priority differs.
///
/// A fair comparison needs every selector to spend the budget it is given: units the priority
/// leaves out are taken next (most relevant first) while they fit, and when the budget holds
/// every unit, the grid is raised to the largest all fit and then blocks go one level up, in
/// priority order, while they fit. What is left is then less than one block's cost, or every
/// block is at the largest grid (the video holds no more).
enum FixedGrid {
    /// The level nearest `tokensPerFrame`.
    static func level(_ input: AllocationInput, tokensPerFrame: Double) -> THW {
        input.levels.min { abs(Double($0.product) - tokensPerFrame) < abs(Double($1.product) - tokensPerFrame) } ?? input.levels[0]
    }

    /// Units in `priority` order (then the others, most relevant first) while they fit at
    /// `grid`; the grid raised when every unit fits; blocks sorted by time.
    static func blocks(_ input: AllocationInput, priority: [Int], grid: THW) -> Allocation {
        var seen = Set<Int>()
        var order: [Int] = []
        for u in priority where u >= 0 && u < input.unitCount && seen.insert(u).inserted { order.append(u) }
        let rest = (0..<input.unitCount).filter { !seen.contains($0) }.sorted { (unitRelevance(input, $0), -$0) > (unitRelevance(input, $1), -$1) }
        order += rest
        let overhead = order.map { TimestampCost.overhead(seconds: input.time(of: pair(input, $0)), format: input.format) }
        var chosen: [Int] = []
        var chosenOverhead = 0
        var spent = 0
        for (k, u) in order.enumerated() where spent + grid.product + overhead[k] <= input.budget {
            chosen.append(u)
            chosenOverhead += overhead[k]
            spent += grid.product + overhead[k]
        }
        if chosen.isEmpty {
            // validate() guarantees that the first unit fits at the smallest grid.
            return Allocation(blocks: [block(input, 0, input.levels[0])], format: input.format)
        }
        var levels = [THW](repeating: grid, count: chosen.count)
        if chosen.count == input.unitCount {
            // Every unit fits: the largest grid all fit, then one level up in priority order.
            let base = input.levels.lastIndex { chosenOverhead + $0.product * chosen.count <= input.budget } ?? 0
            let start = max(base, input.levels.firstIndex(of: grid) ?? 0)
            levels = [THW](repeating: input.levels[start], count: chosen.count)
            spent = chosenOverhead + input.levels[start].product * chosen.count
            if start + 1 < input.levels.count {
                let step = input.levels[start + 1].product - input.levels[start].product
                for k in chosen.indices where spent + step <= input.budget {
                    levels[k] = input.levels[start + 1]
                    spent += step
                }
            }
        }
        let blocks = zip(chosen, levels).sorted { $0.0 < $1.0 }.map { block(input, $0.0, $0.1) }
        return Allocation(blocks: blocks, format: input.format)
    }

    static func block(_ input: AllocationInput, _ u: Int, _ grid: THW) -> Block {
        let frames = pair(input, u)
        return Block(frames: frames, time: input.time(of: frames), grid: grid, tokens: grid.product, density: .dense,
                     relevance: frames.map { input.relevance[$0] }.max() ?? 0)
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
