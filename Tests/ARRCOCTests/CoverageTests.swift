import Foundation
import Testing
@testable import ARRCOC

/// `allocation.cover_when_affordable`: once the budget shows every unit at the smallest grid, a
/// query that reads flat gets every unit, and near every unit's largest grid its levels come out
/// even (uniform's allocation); a peaked query, or a budget below that, is allocated as before.
@Suite struct CoverageTests {
    static let levels = TokenGrid.levels(width: 768, height: 432)

    /// 60 s at 2 fps (60 units); relevance is noise in 0.6–0.95, as a query found nowhere reads
    /// (its maximum is a "moment" only by chance); `peaked` is the scorer's exploit.
    static func input(budget: Int, peaked: Double, cover: Bool = true) -> AllocationInput {
        let times = (0..<120).map { Double($0) * 0.5 }
        var rng = SplitMix64(seed: 7)
        let relevance = times.map { _ in 0.6 + 0.35 * Double(rng.next() % 1000) / 1000 }
        var config = AllocationConfig()
        config.coverWhenAffordable = cover
        return AllocationInput(times: times, relevance: relevance, levels: levels, budget: budget,
                               format: .qwen3vl, config: config, peaked: peaked)
    }

    /// Tokens that show every unit at `grid`.
    static func cover(_ grid: THW) -> Int {
        let input = input(budget: 1, peaked: 0)
        return (0..<input.unitCount).map { LagrangianAllocator.denseCost(input, unit: $0, grid: grid) }.reduce(0, +)
    }

    /// The seconds shown (stock units: a flat query's covering floor keeps the stock pairs).
    static func unitsShown(_ a: Allocation) -> Set<Int> { Set(a.blocks.map { $0.frames[0] / 2 }) }

    @Test(arguments: [1.0, 1.2])
    func aFlatQueryGetsEveryUnitOnceTheBudgetAffordsIt(multiple: Double) throws {
        let budget = Int(Double(Self.cover(Self.levels[0])) * multiple)
        let covered = try LagrangianAllocator().allocate(Self.input(budget: budget, peaked: 0.05))
        let ranked = try LagrangianAllocator().allocate(Self.input(budget: budget, peaked: 0.05, cover: false))
        #expect(Self.unitsShown(covered).count == 60, "\(covered.blocks.map { ($0.time, $0.tokens, $0.density, $0.region != nil) })")
        // Without the rule the noise ranking leaves seconds out at the same budget.
        #expect(Self.unitsShown(ranked).count < 60)
        #expect(covered.totalTokens <= budget)
    }

    /// At exactly the covering budget the exploring floor takes every unit: counted at the dearest
    /// timestamp text (the last block's), the floor's share paid for one unit fewer.
    @Test func atTheCoveringBudgetTheFloorHoldsEveryUnit() throws {
        let input = Self.input(budget: Self.cover(Self.levels[0]), peaked: 0.05)
        #expect(LagrangianAllocator.problem(input).forced.count == 60)
    }

    /// Near every unit's largest grid (the Qwen3-VL default of a 768×432 video is 96% of it), a
    /// flat query's noise no longer pulls the levels apart: every unit, at two adjacent levels.
    @Test func nearEveryUnitsLargestGridAFlatQueryIsEven() throws {
        let budget = Int(0.95 * Double(Self.cover(Self.levels[Self.levels.count - 1])))
        let covered = try LagrangianAllocator().allocate(Self.input(budget: budget, peaked: 0.05))
        let ranked = try LagrangianAllocator().allocate(Self.input(budget: budget, peaked: 0.05, cover: false))
        let used = { (a: Allocation) in Set(a.blocks.map { s in Self.levels.firstIndex { $0.product == s.tokens } ?? -1 }) }
        let levels = used(covered)
        #expect(covered.blocks.count == 60 && !levels.contains(-1) && levels.max()! - levels.min()! <= 1,
                "\(covered.blocks.map { ($0.time, $0.tokens) })")
        // Without the rule the noise spreads them over many levels.
        #expect(used(ranked).count > 2)
        #expect(covered.totalTokens <= budget)
    }

    /// A clearly peaked query keeps its budget for its moments.
    @Test func aPeakedQueryIsAllocatedAsBefore() throws {
        let budget = 2 * Self.cover(Self.levels[0])
        let on = try LagrangianAllocator().allocate(Self.input(budget: budget, peaked: 1))
        let off = try LagrangianAllocator().allocate(Self.input(budget: budget, peaked: 1, cover: false))
        #expect(on.blocks == off.blocks)
    }

    /// Below every unit's smallest grid a flat ranking is kept: it finds a weak needle more often
    /// than coverage with gaps does.
    @Test func belowEveryUnitsSmallestGridAFlatQueryIsAllocatedAsBefore() throws {
        let budget = Self.cover(Self.levels[0]) - 1
        let on = try LagrangianAllocator().allocate(Self.input(budget: budget, peaked: 0.05))
        let off = try LagrangianAllocator().allocate(Self.input(budget: budget, peaked: 0.05, cover: false))
        #expect(on.blocks == off.blocks)
    }
}
