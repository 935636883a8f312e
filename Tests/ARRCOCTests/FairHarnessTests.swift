import Foundation
import Testing
@testable import ARRCOC
import TestSupport

/// A fair harness: every strategy spends the budget it is given, the Lagrangian is checked
/// against an exact solver, and explore vs exploit reaches the allocator.
@Suite struct FairHarnessTests {
    typealias Rng = SeededGenerator

    @Test(arguments: Strategy.allCases)
    func everyStrategySpendsItsBudgetToWithinOneBlock(_ strategy: Strategy) throws {
        let allocator = try StrategyRegistry.allocator(strategy)
        var g = Rng(state: 20261126)
        var checked = 0
        for case_ in 0..<150 {
            var input = AllocatorInvariantTests.randomInput(&g)
            input.exploit = [0, 0.2, 0.8, 1].randomElement(using: &g)!
            guard let a = try? allocator.allocate(input) else { continue }
            checked += 1
            let largest = input.levels.last!
            let maxOverhead = TimestampCost.overhead(seconds: input.times.last!, format: input.format)
            let left = input.budget - a.totalTokens
            // The arrcoc allocator's units are its own (pairs aligned on moments).
            let units = strategy == .arrcoc ? LagrangianAllocator.problem(input).options.count : input.unitCount
            let full = a.blocks.count == units && a.blocks.allSatisfy { $0.tokens == largest.product }
            #expect(left < largest.product + maxOverhead || full,
                    "case \(case_): \(strategy) left \(left) of \(input.budget) with \(a.blocks.count)/\(units) units")
        }
        #expect(checked > 120)
    }

    /// The exact optimum of the allocator's multiple-choice knapsack: dynamic programming over
    /// units × cost (forced units must take an option).
    static func exactOptimum(_ problem: LagrangianAllocator.Problem, budget: Int) -> Double? {
        var best = [Double](repeating: -.infinity, count: budget + 1)
        best[0] = 0
        for (u, options) in problem.options.enumerated() {
            var next = problem.forced.contains(u) ? [Double](repeating: -.infinity, count: budget + 1) : best
            for c in 0...budget where best[c] > -.infinity {
                for o in options where c + o.cost <= budget {
                    next[c + o.cost] = max(next[c + o.cost], best[c] + o.utility)
                }
            }
            best = next
        }
        let top = best.max() ?? -.infinity
        return top > -.infinity ? top : nil
    }

    @Test func lagrangianIsWithinOneUnitsStepOfTheExactOptimum() throws {
        var g = Rng(state: 424242)
        var compared = 0, exact = 0
        for case_ in 0..<200 {
            let count = Int.random(in: 2...12, using: &g)
            let times = (0..<count).map { Double($0) * 0.5 }
            let relevance = (0..<count).map { _ in Double.random(in: 0...1, using: &g) }
            var config = AllocationConfig()
            config.minTokens = 16
            config.maxTokens = [36, 64, 100].randomElement(using: &g)!
            config.sparseIntervalSeconds = [1, 2, 5].randomElement(using: &g)!
            config.denseWindowSeconds = [0, 1].randomElement(using: &g)!
            let levels = TokenGrid.levels(width: 640, height: 480, minimum: config.minTokens, maximum: config.maxTokens)
            let budget = Int.random(in: 30...(count * 60), using: &g)
            let input = AllocationInput(times: times, relevance: relevance, levels: levels, budget: budget, format: .qwen3vl,
                                        config: config, exploit: Double.random(in: 0...1, using: &g))
            guard (try? input.validate()) != nil else { continue }
            let problem = LagrangianAllocator.problem(input)
            let choice = LagrangianAllocator.solve(problem, budget: budget)
            var cost = 0, utility = 0.0
            for (u, i) in choice.enumerated() {
                guard let i else { continue }
                cost += problem.options[u][i].cost
                utility += problem.options[u][i].utility
            }
            #expect(cost <= budget)
            guard let optimum = Self.exactOptimum(problem, budget: budget) else { continue }
            compared += 1
            // One unit's step: the largest utility gain between two of a unit's options (or from
            // skipping it) that are next to each other in cost.
            var step = 0.0
            for (u, options) in problem.options.enumerated() {
                var previous = problem.forced.contains(u) ? options[0].utility : 0
                for o in options {
                    step = max(step, o.utility - previous)
                    previous = max(previous, o.utility)
                }
            }
            #expect(utility <= optimum + 1e-9, "case \(case_): above the optimum?")
            #expect(optimum - utility <= step + 1e-9, "case \(case_): \(utility) vs optimum \(optimum), step \(step)")
            if optimum - utility < 1e-9 { exact += 1 }
        }
        #expect(compared > 150)
        #expect(exact > compared / 2, "exact in \(exact) of \(compared)")
    }

    /// 120 s at 2 fps; noise everywhere, one bump that a flat query's noise maximum would make.
    static func noisyInput(budget: Int, exploit: Double, seed: UInt64) -> AllocationInput {
        var g = Rng(state: seed)
        let times = (0..<240).map { Double($0) / 2 }
        var relevance = times.map { _ in Double.random(in: 0.3...0.5, using: &g) }
        for i in 100..<104 { relevance[i] = 0.6 }
        return AllocationInput(times: times, relevance: relevance, levels: TokenGrid.levels(width: 1280, height: 720),
                               budget: budget, format: .qwen3vl, config: AllocationConfig(), exploit: exploit)
    }

    /// Largest gap between consecutive blocks over the mean gap (1 for perfectly even coverage).
    static func unevenness(_ a: Allocation, duration: Double) -> Double {
        let times = [0] + a.blocks.map(\.time) + [duration]
        let gaps = zip(times, times.dropFirst()).map { $1 - $0 }
        return (gaps.max() ?? 0) / (duration / Double(gaps.count))
    }

    @Test func exploringSpreadsTheBudgetAndForcesNoMomentOnNoise() throws {
        for budget in [1500, 4000, 12000] {
            let explore = try LagrangianAllocator().allocate(Self.noisyInput(budget: budget, exploit: 0.2, seed: 3))
            let exploit = try LagrangianAllocator().allocate(Self.noisyInput(budget: budget, exploit: 1, seed: 3))
            let onBump = { (a: Allocation) in a.blocks.filter { $0.time >= 49 && $0.time <= 53 }.reduce(0) { $0 + $1.tokens } }
            let share = { (a: Allocation) in Double(onBump(a)) / Double(a.visionTokens) }
            // Exploring: tokens on the noise bump (4 of 120 s) at most 3× its share of the video
            // (exploiting, the same bump takes far more).
            #expect(share(explore) <= 3 * 4.0 / 120, "budget \(budget): \(share(explore)) of the tokens on noise")
            #expect(share(exploit) > 1.2 * share(explore), "budget \(budget): exploiting follows the bump")
            #expect(Self.unevenness(explore, duration: 120) < 2.5, "budget \(budget): gaps \(Self.unevenness(explore, duration: 120))")
            #expect(explore.totalTokens <= budget && explore.totalTokens > budget - 500)
        }
    }
}
