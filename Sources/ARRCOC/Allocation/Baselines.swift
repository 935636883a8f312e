import Foundation

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

/// SplitMix64: small, seeded, the same on every platform.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// `random`: units in a seeded random order (parameters `seed`, `tokens_per_frame`).
public struct RandomAllocator: BudgetAllocator {
    public let name = "random"
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

/// `topk`: the k most relevant units, k as many as the budget holds (`tokens_per_frame`).
public struct TopKAllocator: BudgetAllocator {
    public let name = "topk"
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

/// `bolt`: inverse transform sampling of relevance^α (BOLT, Liu et al., CVPR 2025: frames drawn
/// at evenly spaced quantiles of the relevance CDF), duplicates removed (`alpha`, `tokens_per_frame`).
public struct BOLTAllocator: BudgetAllocator {
    public let name = "bolt"
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

/// `aks`: adaptive keyframe sampling's judge-and-split (AKS, Tang et al., CVPR 2025): a segment
/// whose top relevance is clearly above its mean (by `threshold`) gets its top units; otherwise it
/// is split in two with the budget shared, down to `depth` levels, where units are spread evenly.
public struct AKSAllocator: BudgetAllocator {
    public let name = "aks"
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
                let kLeft = k / 2 + (k % 2 == 1 && leftMean >= rightMean ? 1 : 0)
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
