import Foundation

/// `bolt`: inverse transform sampling of relevance^α (BOLT, Liu et al., CVPR 2025: frames drawn
/// at evenly spaced quantiles of the relevance CDF), duplicates removed (`alpha`, `tokens_per_frame`).
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
        var order: [Int] = []
        var j = 0
        for k in 0..<m {
            let q = (Double(k) + 0.5) / Double(m) * total
            while j < cdf.count - 1, cdf[j] < q { j += 1 }
            let u = j / 2
            if order.last != u, !order.contains(u) { order.append(u) }
        }
        return FixedGrid.blocks(input, priority: order, grid: grid)
    }
}
