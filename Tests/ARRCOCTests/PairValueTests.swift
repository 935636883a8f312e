import Foundation
import Testing
@testable import ARRCOC

/// A Qwen3-VL block shows two consecutive candidates through one temporal patch: every token
/// mixes the two frames, so a moment present in only one of them is half seen. The allocator
/// values a pair by the mean of its frames' (spread) relevance, not the best one.
@Suite struct PairValueTests {
    /// 60 s at 2 fps, background 0.1; the moment covers candidates 61–63 (30.5–31.5 s): the pair
    /// (60, 61) holds it in one frame, the pair (62, 63) in both.
    static func input(budget: Int) -> AllocationInput {
        let times = (0..<120).map { Double($0) * 0.5 }
        let relevance = times.indices.map { (61...63).contains($0) ? 1.0 : 0.1 }
        var config = AllocationConfig()
        config.denseWindowSeconds = 0.25   // no spread onto the neighbours (2 fps)
        config.zoom = .off
        return AllocationInput(times: times, relevance: relevance, levels: TokenGrid.levels(width: 768, height: 432),
                               budget: budget, format: .qwen3vl, config: config)
    }

    /// (At larger budgets both pairs reach the largest grid.)
    @Test(arguments: [414, 621])
    func aPairShowingTheMomentInBothFramesGetsMoreThanOneShowingItInOne(budget: Int) throws {
        let a = try LagrangianAllocator().allocate(Self.input(budget: budget))
        let tokens = { (frames: [Int]) in a.blocks.filter { $0.frames == frames }.map(\.tokens).reduce(0, +) }
        #expect(tokens([62, 63]) > tokens([60, 61]), "\(a.blocks.map { ($0.frames, $0.tokens) })")
        #expect(a.totalTokens <= budget)
    }
}
