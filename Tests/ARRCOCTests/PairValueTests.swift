import Foundation
import Testing
@testable import ARRCOC

/// A Qwen3-VL block shows two consecutive candidates through one temporal patch: every token
/// mixes the two frames, so a moment present in only one of them is half seen. The allocator
/// values a pair by the mean of its frames' (spread) relevance, not the best one, and pairs a
/// moment's candidates from its first (`align_pairs`), so that no pair straddles its edge.
@Suite struct PairValueTests {
    /// 60 s at 2 fps, background 0.1; the moment covers candidates 61–63 (30.5–31.5 s): the pair
    /// (60, 61) holds it in one frame, the pair (62, 63) in both.
    static func input(budget: Int, alignPairs: Bool = false) -> AllocationInput {
        let times = (0..<120).map { Double($0) * 0.5 }
        let relevance = times.indices.map { (61...63).contains($0) ? 1.0 : 0.1 }
        var config = AllocationConfig()
        config.denseWindowSeconds = 0.25   // no spread onto the neighbours (2 fps)
        config.zoom = .off
        config.alignPairs = alignPairs
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

    /// Aligned (the default), the moment 61–63 is paired from its first candidate: (61, 62) shows
    /// it in both frames with its timestamp inside it, 63 stands alone, and no block mixes a
    /// frame of the moment with one outside it.
    @Test(arguments: [207, 414, 621])
    func alignedPairsNeverStraddleAMomentsEdge(budget: Int) throws {
        let input = Self.input(budget: budget, alignPairs: true)
        let a = try LagrangianAllocator().allocate(input)
        let moment = 61...63
        for b in a.blocks {
            #expect(b.frames.allSatisfy(moment.contains) || !b.frames.contains(where: moment.contains), "\(b.frames)")
        }
        let shown = a.blocks.first { $0.frames == [61, 62] }
        #expect(shown != nil, "\(a.blocks.map(\.frames))")
        #expect(shown.map { (30.5...31.5).contains($0.time) } == true)
        #expect(a.totalTokens <= budget)
        // Unaligned, the same budget shows the moment through a pair that straddles its edge.
        let stock = try LagrangianAllocator().allocate(Self.input(budget: budget, alignPairs: false))
        #expect(stock.blocks.contains { $0.frames.contains(where: moment.contains) && !$0.frames.allSatisfy(moment.contains) },
                "\(stock.blocks.map(\.frames))")
    }

    @Test func unitsPairFromEachMomentsFirstCandidate() {
        typealias L = LagrangianAllocator
        // No moment: the stock pairing, the last candidate alone when the count is odd.
        #expect(L.units(count: 6, moments: []) == [[0, 1], [2, 3], [4, 5]])
        #expect(L.units(count: 5, moments: []) == [[0, 1], [2, 3], [4]])
        #expect(L.units(count: 0, moments: []) == [])
        // A moment starting on an odd candidate: the one before it alone; odd length: its last alone.
        #expect(L.units(count: 10, moments: [3...5]) == [[0, 1], [2], [3, 4], [5], [6, 7], [8, 9]])
        // Already aligned, even length: nothing changes.
        #expect(L.units(count: 8, moments: [2...5]) == [[0, 1], [2, 3], [4, 5], [6, 7]])
        // A one-candidate moment stands alone; moments at either end of the video.
        #expect(L.units(count: 6, moments: [3...3]) == [[0, 1], [2], [3], [4, 5]])
        #expect(L.units(count: 5, moments: [0...2, 4...4]) == [[0, 1], [2], [3], [4]])
        // Every candidate exactly once, in order, units of one or two consecutive candidates.
        var generator = SplitMix64(seed: 7)
        for _ in 0..<200 {
            let count = Int(generator.next() % 40)
            var moments: [ClosedRange<Int>] = []
            var f = Int(generator.next() % 4)
            while f < count {
                let end = min(count - 1, f + Int(generator.next() % 5))
                moments.append(f...end)
                f = end + 2 + Int(generator.next() % 5)
            }
            let units = L.units(count: count, moments: moments)
            #expect(units.flatMap { $0 } == Array(0..<count))
            #expect(units.allSatisfy { $0.count == 1 || $0.count == 2 })
            for m in moments {
                #expect(units.allSatisfy { $0.allSatisfy(m.contains) || !$0.contains(where: m.contains) }, "\(moments) \(units)")
            }
        }
    }

    /// Where no moment is found (a flat relevance), aligning changes nothing.
    @Test func withoutMomentsAlignedPairsAreTheStockOnes() throws {
        let times = (0..<120).map { Double($0) * 0.5 }
        for budget in [207, 621, 2070] {
            var allocations: [[Block]] = []
            for align in [false, true] {
                var config = AllocationConfig()
                config.alignPairs = align
                let input = AllocationInput(times: times, relevance: times.map { _ in 0.3 }, levels: TokenGrid.levels(width: 768, height: 432),
                                            budget: budget, format: .qwen3vl, config: config, peaked: 0.1)
                allocations.append(try LagrangianAllocator().allocate(input).blocks)
            }
            #expect(allocations[0] == allocations[1])
            #expect(!allocations[0].isEmpty)
        }
    }
}
