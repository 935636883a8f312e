import Foundation
import Testing
@testable import ARRCOC

/// `allocation.focus`: a peaked query (the scorer's exploit, `AllocationInput.peaked`) moves the
/// sparse floor's share of the budget to its moments; a flat one keeps the floor.
@Suite struct FocusTests {
    /// 60 s at 2 fps, background relevance 0.1 with a little texture, one moment at 30–32 s.
    static func input(budget: Int, focus: Double, peaked: Double) -> AllocationInput {
        let times = (0..<120).map { Double($0) * 0.5 }
        let relevance = times.enumerated().map { i, t in (30...32).contains(t) ? 1.0 : 0.1 + 0.02 * Double(i % 5) }
        var config = AllocationConfig()
        config.focus = focus
        return AllocationInput(times: times, relevance: relevance, levels: TokenGrid.levels(width: 768, height: 432),
                               budget: budget, format: .qwen3vl, config: config, peaked: peaked)
    }

    static func tokens(_ a: Allocation, within lo: Double, _ hi: Double) -> Int {
        a.blocks.filter { (lo...hi).contains($0.time) }.map(\.tokens).reduce(0, +)
    }

    @Test(arguments: [621, 1035])
    func aPeakedQuerySpendsTheFloorOnItsMoment(budget: Int) throws {
        let unfocused = try LagrangianAllocator().allocate(Self.input(budget: budget, focus: 0, peaked: 1))
        let focused = try LagrangianAllocator().allocate(Self.input(budget: budget, focus: 1, peaked: 1))
        // Unfocused, the floor shows context far from the moment; focused, every block is near it.
        #expect(unfocused.blocks.contains { abs($0.time - 31) > 5 })
        #expect(focused.blocks.allSatisfy { abs($0.time - 31) <= 3 }, "\(focused.blocks.map(\.time))")
        #expect(Self.tokens(focused, within: 30, 32) > Self.tokens(unfocused, within: 30, 32))
        #expect(focused.totalTokens <= budget)
    }

    /// The same video with a background that half resembles the query: 2 s bumps of relevance
    /// 0.5 every 10 s (a looping background sharing a colour or texture with the query).
    static func bumpyInput(budget: Int, focus: Double, peaked: Double) -> AllocationInput {
        var input = input(budget: budget, focus: focus, peaked: peaked)
        for (i, t) in input.times.enumerated() where !(30...32).contains(t) && t.truncatingRemainder(dividingBy: 10) < 2 {
            input.relevance[i] = 0.5
        }
        return input
    }

    /// (At 10% the moment's units hold their largest grids and spare tokens buy the bumps anyway.)
    @Test(arguments: [621, 1035])
    func aPeakedQueryLeavesWhatOnlyHalfResemblesIt(budget: Int) throws {
        let focused = try LagrangianAllocator().allocate(Self.bumpyInput(budget: budget, focus: 1, peaked: 1))
        let unfocused = try LagrangianAllocator().allocate(Self.bumpyInput(budget: budget, focus: 0, peaked: 1))
        // Focused, the relevance power doubles: a bump (contrast ≈ 0.4, under `moment_threshold`) is worth 0.03 of the
        // moment instead of 0.16, so fewer bumps get a look of their own (dense blocks: the
        // sparse floor is focus's other half) and the moment gets their tokens.
        let onBumps = { (a: Allocation) in a.blocks.filter { abs($0.time - 31) > 3 && $0.density == .dense }.count }
        #expect(onBumps(focused) < onBumps(unfocused), "\(focused.blocks.map(\.time)) vs \(unfocused.blocks.map(\.time))")
        #expect(Self.tokens(focused, within: 30, 32) > Self.tokens(unfocused, within: 30, 32))
        #expect(focused.totalTokens <= budget)
    }

    @Test(arguments: [207, 621, 2070])
    func aFlatQueryKeepsTheWholeFloor(budget: Int) throws {
        let unfocused = try LagrangianAllocator().allocate(Self.input(budget: budget, focus: 0, peaked: 0))
        let focused = try LagrangianAllocator().allocate(Self.input(budget: budget, focus: 1, peaked: 0))
        #expect(focused.blocks == unfocused.blocks)
    }

    @Test func aPeakedValueOutsideZeroToOneIsAClearError() {
        #expect(throws: AllocationError.peakedOutOfRange(peaked: 1.5)) {
            try LagrangianAllocator().allocate(Self.input(budget: 621, focus: 1, peaked: 1.5))
        }
    }
}
