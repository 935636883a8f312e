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
