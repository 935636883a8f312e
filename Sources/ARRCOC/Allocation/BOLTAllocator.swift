import Foundation

/// `bolt`: inverse transform sampling of relevance^α (BOLT, Liu et al., CVPR 2025: frames drawn
/// at evenly spaced quantiles of the relevance CDF), duplicates removed and drawn again more finely
/// until the budget's blocks are distinct (`alpha`, `tokens_per_frame`).
public struct BOLTAllocator: BudgetAllocator {
    public let name = Strategy.bolt.rawValue
    public var alpha: Double
    public var tokensPerFrame: Double
    public var parameters: [String: String] { ["alpha": "\(alpha)", "tokens_per_frame": "\(Int(tokensPerFrame))"] }

    public init(alpha: Double = 2, tokensPerFrame: Double = 150) {
        self.alpha = alpha
        self.tokensPerFrame = tokensPerFrame
    }

    public func allocate(_ input: AllocationInput) throws -> Allocation {
        try input.validate()
        let grid = FixedGrid.level(input, tokensPerFrame: tokensPerFrame)
        let m = min(FixedGrid.capacity(input, grid: grid), input.unitCount)
        let weights = input.relevance.map { pow(max($0, 0), alpha) + 1e-6 }
        var cdf: [Double] = []
        var total = 0.0
        for w in weights {
            total += w
            cdf.append(total)
        }
        // Evenly spaced quantiles map several draws to one unit where relevance is dense; draw
        // more finely until m distinct units are hit, so duplicates do not under-spend the budget.
        // Units hit most often come first.
        var hits: [Int: Int] = [:]
        var draws = m
        while true {
            hits = [:]
            var j = 0
            for k in 0..<draws {
                let q = (Double(k) + 0.5) / Double(draws) * total
                while j < cdf.count - 1, cdf[j] < q { j += 1 }
                hits[j / 2, default: 0] += 1
            }
            if hits.count >= m || draws >= 64 * input.unitCount { break }
            draws = min(64 * input.unitCount, max(draws + 1, draws * 2))
        }
        let order = hits.keys.sorted { (hits[$0, default: 0], -$0) > (hits[$1, default: 0], -$1) }
        return FixedGrid.blocks(input, priority: order, grid: grid)
    }
}
