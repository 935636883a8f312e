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

    /// `units` on candidates half a second apart.
    static func units(_ count: Int, _ moments: [ClosedRange<Int>]) -> [[Int]] {
        LagrangianAllocator.units(times: (0..<count).map { Double($0) * 0.5 }, moments: moments, maxGap: 0.75)
    }

    @Test func unitsPairFromEachMomentsFirstCandidate() {
        // No moment: the stock pairing, the last candidate alone when the count is odd.
        #expect(Self.units(6, []) == [[0, 1], [2, 3], [4, 5]])
        #expect(Self.units(5, []) == [[0, 1], [2, 3], [4]])
        #expect(Self.units(0, []) == [])
        // A moment starting on an odd candidate: the one before it alone; odd length: its last alone.
        #expect(Self.units(10, [3...5]) == [[0, 1], [2], [3, 4], [5], [6, 7], [8, 9]])
        // Ending on an even candidate: pairing goes on from the one after it (a candidate alone
        // beside a moment would take the relevance spread onto it undiluted by a partner).
        #expect(Self.units(12, [3...4]) == [[0, 1], [2], [3, 4], [5, 6], [7, 8], [9, 10], [11]])
        // Already aligned, even length: nothing changes.
        #expect(Self.units(8, [2...5]) == [[0, 1], [2, 3], [4, 5], [6, 7]])
        // A one-candidate moment stands alone; moments at either end of the video.
        #expect(Self.units(6, [3...3]) == [[0, 1], [2], [3], [4, 5]])
        #expect(Self.units(5, [0...2, 4...4]) == [[0, 1], [2], [3], [4]])
        // A moment's candidates further apart than the gap (a keyframe beside a fine window) are not paired.
        #expect(LagrangianAllocator.units(times: [0, 0.5, 1, 5, 5.5, 6], moments: [2...4], maxGap: 0.75) == [[0, 1], [2], [3, 4], [5]])
        // A coarse-to-fine merge: keyframes every 5 s, fine windows at 2 fps from 20 s and from
        // 40 s (each starting at an even position, as the merge starts them), a moment at
        // positions 7…8 (21.5–22 s). The first window's last fine candidate stands alone rather
        // than pairing with the keyframe 5.5 s later; the keyframes and the second window keep
        // their stock pairs.
        let window = (0..<10).map { 0.5 * Double($0) }
        var merged: [Double] = [0, 5, 10, 15]
        merged += window.map { 20 + $0 }
        merged += [30, 35]
        merged += window.map { 40 + $0 }
        merged += [50, 55]
        let c2f = LagrangianAllocator.units(times: merged, moments: [7...8], maxGap: 0.75)
        let expected: [[Int]] = [[0, 1], [2, 3], [4, 5], [6], [7, 8], [9, 10], [11, 12], [13], [14, 15]]
        #expect(c2f == expected + stride(from: 16, to: 28, by: 2).map { [$0, $0 + 1] })
        // Every candidate exactly once, in order, units of one or two consecutive candidates;
        // none straddles a moment's edge, each moment's first starts a unit, and candidates
        // further apart than the gap pair only as stock pairs.
        var generator = SplitMix64(seed: 7)
        for _ in 0..<300 {
            let count = Int(generator.next() % 40)
            var moments: [ClosedRange<Int>] = []
            var f = Int(generator.next() % 4)
            while f < count {
                let end = min(count - 1, f + Int(generator.next() % 5))
                moments.append(f...end)
                f = end + 2 + Int(generator.next() % 5)
            }
            // Half a second apart, with a jump of 3 s after some candidates (keyframes beside windows).
            var times: [Double] = []
            var t = 0.0
            for _ in 0..<count {
                times.append(t)
                t += generator.next() % 6 == 0 ? 3 : 0.5
            }
            let units = LagrangianAllocator.units(times: times, moments: moments, maxGap: 0.75)
            #expect(units.flatMap { $0 } == Array(0..<count))
            #expect(units.allSatisfy { $0.count == 1 || $0.count == 2 })
            for m in moments {
                #expect(units.allSatisfy { $0.allSatisfy(m.contains) || !$0.contains(where: m.contains) }, "\(moments) \(units)")
                #expect(units.contains { $0[0] == m.lowerBound }, "\(moments) \(units)")
            }
            for u in units where u.count == 2 && times[u[1]] - times[u[0]] > 0.75 {
                #expect(u[0] % 2 == 0 && !moments.contains(where: { $0.contains(u[0]) }), "\(moments) \(times) \(units)")
            }
        }
    }

    /// The allocator's own units for the moment 61–63: the stock pairs but around it, where
    /// 60 stands alone, (61, 62) is a pair and 63 stands alone.
    @Test func theAllocatorsUnitsAreTheStockPairsButAroundTheMoment() {
        let expected = stride(from: 0, to: 60, by: 2).map { [$0, $0 + 1] } + [[60], [61, 62], [63]]
            + stride(from: 64, to: 120, by: 2).map { [$0, $0 + 1] }
        let units = { (input: AllocationInput) in
            LagrangianAllocator.problem(input).options.map { Array(Set($0.flatMap(\.frames))).sorted() }
        }
        #expect(units(Self.input(budget: 621, alignPairs: true)) == expected)
        #expect(units(Self.input(budget: 621, alignPairs: false)) == (0..<60).map { [2 * $0, 2 * $0 + 1] })
    }

    /// Above 5 candidates a second the stock pairs stay (a candidate alone could share its
    /// one-decimal timestamp text with a neighbouring block).
    @Test func atHighCandidateRatesTheStockPairsStay() {
        let times = (0..<200).map { Double($0) * 0.1 }
        let relevance = times.indices.map { (61...63).contains($0) ? 1.0 : 0.1 }
        var config = AllocationConfig()
        config.zoom = .off
        let input = AllocationInput(times: times, relevance: relevance, levels: TokenGrid.levels(width: 768, height: 432),
                                    budget: 621, format: .qwen3vl, config: config)
        let units = LagrangianAllocator.problem(input).options.map { Array(Set($0.flatMap(\.frames))).sorted() }
        #expect(units == (0..<100).map { [2 * $0, 2 * $0 + 1] })
    }
}
