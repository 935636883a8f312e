/// `aks`: adaptive keyframe sampling's judge-and-split (AKS, Tang et al., CVPR 2025): a segment
/// whose top relevance is clearly above its mean (by `threshold`) gets its top units; otherwise it
/// is split in two with the budget shared, down to `depth` levels, where units are spread evenly.
public struct AKSAllocator: BudgetAllocator {
    public let name = Strategy.aks.rawValue
    public var depth: Int
    public var threshold: Double
    public var tokensPerFrame: Double
    public var parameters: [String: String] {
        ["depth": "\(depth)", "threshold": "\(threshold)", "tokens_per_frame": "\(Int(tokensPerFrame))"]
    }

    public init(depth: Int = 4, threshold: Double = 0.3, tokensPerFrame: Double = 150) {
        self.depth = depth
        self.threshold = threshold
        self.tokensPerFrame = tokensPerFrame
    }

    public func allocate(_ input: AllocationInput) throws -> Allocation {
        try input.validate()
        let grid = FixedGrid.level(input, tokensPerFrame: tokensPerFrame)
        let m = min(FixedGrid.capacity(input, grid: grid), input.unitCount)
        let value = (0..<input.unitCount).map { FixedGrid.unitRelevance(input, $0) }
        var order: [Int] = []
        func judge(_ range: Range<Int>, _ k: Int, _ level: Int) {
            guard k > 0, !range.isEmpty else { return }
            if k >= range.count {
                order += Array(range)
                return
            }
            let slice = value[range]
            let mean = slice.reduce(0, +) / Double(slice.count)
            let top = slice.max() ?? 0
            if top - mean >= threshold {
                order += range.sorted { (value[$0], -$0) > (value[$1], -$1) }.prefix(k)
            } else if level < depth, range.count >= 2 {
                let mid = range.lowerBound + range.count / 2
                let left = range.lowerBound..<mid, right = mid..<range.upperBound
                let leftMean = value[left].reduce(0, +) / Double(left.count)
                let rightMean = value[right].reduce(0, +) / Double(right.count)
                // Halves share k (the more relevant one gets the odd one); what a half cannot hold
                // goes to the other, so no part of k is lost.
                var kLeft = min(left.count, k / 2 + (k % 2 == 1 && leftMean >= rightMean ? 1 : 0))
                kLeft = max(kLeft, k - right.count)
                judge(left, kLeft, level + 1)
                judge(right, k - kLeft, level + 1)
            } else {
                order += LagrangianAllocator.evenlySpaced(Array(range), count: k)
            }
        }
        judge(0..<input.unitCount, m, 0)
        return FixedGrid.blocks(input, priority: order, grid: grid)
    }
}
