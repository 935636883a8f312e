import Foundation
import Testing
@testable import ARRCOC
import TestSupport

/// Property tests: over many random inputs, every allocator keeps its guarantees.
@Suite struct AllocatorInvariantTests {
    typealias Rng = SeededGenerator

    static func randomInput(_ g: inout Rng) -> AllocationInput {
        let count = Int.random(in: 1...400, using: &g)
        let fps = [0.5, 1, 2, 4].randomElement(using: &g)!
        let start = Double.random(in: 0...2, using: &g)
        var times: [Double] = []
        var t = start
        for _ in 0..<count {
            times.append(t)
            t += 1 / fps * Double.random(in: 0.5...1.5, using: &g)
        }
        var relevance = (0..<count).map { _ in Double.random(in: 0...0.3, using: &g) }
        for _ in 0..<Int.random(in: 0...3, using: &g) {
            let c = Int.random(in: 0..<count, using: &g)
            for i in max(0, c - 4)..<min(count, c + 4) { relevance[i] = Double.random(in: 0.6...1, using: &g) }
        }
        var config = AllocationConfig()
        config.minTokens = [16, 64, 100].randomElement(using: &g)!
        config.maxTokens = config.minTokens + Int.random(in: 0...500, using: &g)
        config.sparseIntervalSeconds = [2, 5, 10, 30].randomElement(using: &g)!
        config.denseWindowSeconds = [0, 1, 2, 5].randomElement(using: &g)!
        let (w, h) = [(1280, 720), (640, 640), (768, 576), (320, 900)].randomElement(using: &g)!
        let levels = TokenGrid.levels(width: w, height: h, minimum: config.minTokens, maximum: config.maxTokens)
        let budget = Int.random(in: 1...40_000, using: &g)
        let format = SequenceFormat.allCases.randomElement(using: &g)!
        return AllocationInput(times: times, relevance: relevance, levels: levels, budget: budget, format: format, config: config)
    }

    @Test(arguments: Strategy.allCases)
    func invariantsHoldOverRandomInputs(_ strategy: Strategy) throws {
        let allocator = try StrategyRegistry.allocator(strategy)
        #expect(allocator.name == strategy.rawValue)
        var g = Rng(state: 20261125)
        var allocated = 0, refused = 0
        for case_ in 0..<1000 {
            let input = Self.randomInput(&g)
            let minimum = input.levels[0].product + TimestampCost.overhead(seconds: input.times[0], format: input.format)
            do {
                let a = try allocator.allocate(input)
                allocated += 1
                #expect(a.totalTokens <= input.budget, "case \(case_): \(a.totalTokens) > \(input.budget)")
                #expect(!a.blocks.isEmpty)
                for b in a.blocks {
                    #expect(b.tokens >= input.levels[0].product && b.tokens <= input.levels.last!.product, "case \(case_): \(b.tokens) tokens")
                    #expect(b.tokens == b.grid.product)
                    #expect(b.frames.count == 2)
                }
                #expect(zip(a.blocks, a.blocks.dropFirst()).allSatisfy { $0.time < $1.time }, "case \(case_): times not increasing")
                // Each block's overhead is what the cost model says.
                #expect(a.textTokens == a.blocks.reduce(0) { $0 + TimestampCost.overhead(seconds: $1.time, format: input.format) })
            } catch let error as AllocationError {
                refused += 1
                #expect(input.budget < minimum, "case \(case_): refused \(error) with budget \(input.budget) ≥ minimum \(minimum)")
                #expect(error == .budgetTooSmall(budget: input.budget, minimum: minimum))
            }
        }
        #expect(allocated > 900)
        #expect(refused > 0)
    }

    @Test func sparseFloorCoversTheVideoWhenTheBudgetAllows() throws {
        var g = Rng(state: 7)
        for _ in 0..<300 {
            var input = Self.randomInput(&g)
            input.budget = 1_000_000
            let a = try LagrangianAllocator().allocate(input)
            let floor = LagrangianAllocator.floorFrames(input)
            let shown = Set(a.blocks.flatMap(\.frames))
            // The allocator's units: the frames of each unit's options (a pair, or one candidate).
            let units = LagrangianAllocator.problem(input).options.map { Set($0.flatMap(\.frames)) }
            for f in floor {
                // The floor frame itself, or its unit, is shown.
                let unit = try #require(units.first { $0.contains(f) })
                #expect(shown.contains(f) || !unit.isDisjoint(with: shown), "floor frame \(f) missing")
            }
            // With budget to spare, no gap between blocks exceeds the sparse interval + one candidate step.
            let gaps = zip(a.blocks, a.blocks.dropFirst()).map { $1.time - $0.time }
            let step = input.times.count > 1 ? zip(input.times, input.times.dropFirst()).map { $1 - $0 }.max()! : 0
            #expect(gaps.allSatisfy { $0 <= input.config.sparseIntervalSeconds + 2 * step + 1e-9 })
        }
    }

    @Test func zeroAndTinyBudgetsAreClearErrors() {
        let input = AllocationInput(times: [0, 0.5, 1], relevance: [0, 0, 1], levels: TokenGrid.levels(width: 640, height: 640),
                                    budget: 0, format: .qwen3vl, config: AllocationConfig())
        #expect(throws: AllocationError.budgetNotPositive(budget: 0)) { try LagrangianAllocator().allocate(input) }
        var small = input
        small.budget = 71
        // 8×8 = 64 tokens + "<0.0 seconds>" (6) + 2 = 72.
        #expect(throws: AllocationError.budgetTooSmall(budget: 71, minimum: 72)) { try LagrangianAllocator().allocate(small) }
        small.budget = 72
        #expect(throws: Never.self) { try LagrangianAllocator().allocate(small) }
    }

    /// A budget near `Int.max` trapped on arithmetic overflow (the floor's share doubled); any
    /// budget up to `Limit.ceiling` (2⁴⁸, what `ARRCOC_MAX_BUDGET` may be raised to) allocates, and
    /// one beyond it is a clear error, for every strategy.
    @Test func hugeBudgetsAllocateOrAreRefusedWithoutOverflow() throws {
        var input = AllocationInput(times: (0..<40).map { Double($0) * 0.5 }, relevance: (0..<40).map { $0 == 17 ? 1 : 0.1 },
                                    levels: TokenGrid.levels(width: 640, height: 640), budget: Int(Limit.ceiling), format: .qwen3vl,
                                    config: AllocationConfig())
        for strategy in Strategy.allCases {
            let allocator = try StrategyRegistry.allocator(strategy)
            let blocks = try allocator.allocate(input).blocks
            #expect(!blocks.isEmpty, "\(strategy)")
        }
        for budget in [Int(Limit.ceiling) + 1, Int.max / 2, Int.max] {
            input.budget = budget
            #expect(throws: AllocationError.budgetTooLarge(budget: budget)) { try LagrangianAllocator().allocate(input) }
        }
    }

    @Test func relevantFramesGetDenseDetailedBlocks() throws {
        // 120 s at 2 fps, a peak at 60–64 s.
        let times = (0..<240).map { Double($0) / 2 }
        let relevance = times.map { $0 >= 60 && $0 < 64 ? 1.0 : 0.05 }
        let input = AllocationInput(times: times, relevance: relevance, levels: TokenGrid.levels(width: 1280, height: 720),
                                    budget: 3000, format: .qwen3vl, config: AllocationConfig())
        let a = try LagrangianAllocator().allocate(input)
        let inside = a.blocks.filter { $0.time >= 60 && $0.time < 64 }
        let sparse = a.blocks.filter { $0.density == .sparse }
        #expect(inside.count >= 4)
        #expect(inside.allSatisfy { $0.density == .dense })
        #expect(sparse.count >= 10)
        #expect(inside.map(\.tokens).min()! > sparse.map(\.tokens).max()!)
        #expect(a.totalTokens <= 3000 && a.totalTokens > 2800)
    }
}

@Suite struct BaselineTests {
    static let times = (0..<240).map { Double($0) / 2 }
    static let relevance = times.map { $0 >= 60 && $0 < 64 ? 1.0 : 0.05 + 0.01 * sin($0) }
    static func input(budget: Int) -> AllocationInput {
        AllocationInput(times: times, relevance: relevance, levels: TokenGrid.levels(width: 1280, height: 720),
                        budget: budget, format: .qwen3vl, config: AllocationConfig())
    }

    @Test func topkAndBoltAndAksFindThePeakRandomDoesNotNeedTo() throws {
        for name in ["topk", "bolt", "aks"] {
            let a = try StrategyRegistry.allocator(named: name).allocate(Self.input(budget: 2000))
            let inside = a.blocks.filter { $0.time >= 60 && $0.time < 64 }
            #expect(inside.count >= 4, "\(name) put \(inside.count) blocks on the peak")
            #expect(a.totalTokens <= 2000)
        }
    }

    @Test func randomIsSeededAndUniformIsEven() throws {
        let a = try StrategyRegistry.allocator(named: "random", parameters: ["seed": 3]).allocate(Self.input(budget: 3000))
        let b = try StrategyRegistry.allocator(named: "random", parameters: ["seed": 3]).allocate(Self.input(budget: 3000))
        let c = try StrategyRegistry.allocator(named: "random", parameters: ["seed": 4]).allocate(Self.input(budget: 3000))
        #expect(a == b && a != c)
        let u = try UniformAllocator().allocate(Self.input(budget: 3000))
        let gaps = zip(u.blocks, u.blocks.dropFirst()).map { $1.time - $0.time }
        #expect((gaps.max() ?? 0) - (gaps.min() ?? 0) <= 1.01)
        #expect(Set(u.blocks.map(\.tokens)).count == 1)
    }

    @Test func unknownStrategiesAndParametersAreNamed() {
        #expect(throws: ConfigError.invalidValue(key: "strategy", value: "magic", expected: "one of arrcoc, uniform, random, topk, bolt, aks")) {
            try StrategyRegistry.allocator(named: "magic")
        }
        #expect(throws: ConfigError.unknownKey(key: "strategy_params.sead (for random)", allowed: ["seed", "tokens_per_frame"])) {
            try StrategyRegistry.allocator(named: "random", parameters: ["sead": 1])
        }
        #expect(throws: ConfigError.self) { try StrategyRegistry.allocator(named: "aks", parameters: ["threshold": 2]) }
    }
}
