import Foundation
import Testing
@testable import ARRCOC

/// A lone candidate that resembles the query (a look-alike passing through, a cut, a flash) keeps
/// half its contrast in the allocator; a moment seen in consecutive candidates keeps all of it
/// (`LagrangianAllocator.halfSustained`; `MomentEvidence` reads the peakedness on the shared part).
@Suite struct SustainedMomentTests {
    @Test func aLoneElementKeepsHalfItsValueASharedOneAllOfIt() {
        let v = LagrangianAllocator.halfSustained([0, 0, 1, 0, 0, 0.8, 0.8, 0, 0.6])
        #expect(v == [0, 0, 0.5, 0, 0, 0.8, 0.8, 0, 0.3])
        // A run keeps its edges as far as the neighbour inside it shares them.
        #expect(LagrangianAllocator.halfSustained([0.2, 1, 0.6]) == [0.2, 0.8, 0.6])
        #expect(LagrangianAllocator.halfSustained([0.7]) == [0.7])
        #expect(LagrangianAllocator.halfSustained([]) == [])
    }

    /// 60 s at 2 fps on a 0.1 background: a sustained moment at 30–31.5 s (four candidates at
    /// 0.9) and a lone look-alike at 12 s (one candidate at 0.7, contrast 0.75). Before the rule
    /// both were moments (contrast ≥ `moment_threshold`), and from about 250 tokens (when
    /// `moment_budget_share` holds both forced blocks) the look-alike took one.
    /// Alone in the video, the candidate is the strongest thing in it (contrast 1, halved to the
    /// threshold) and is a moment still.
    static func input(budget: Int, loneOnly: Bool = false) -> AllocationInput {
        let times = (0..<120).map { Double($0) * 0.5 }
        let relevance = times.indices.map { i -> Double in
            if i == 24 { return 0.7 }
            return !loneOnly && (60...63).contains(i) ? 0.9 : 0.1
        }
        var config = AllocationConfig()
        config.zoom = .off
        return AllocationInput(times: times, relevance: relevance, levels: TokenGrid.levels(width: 768, height: 432),
                               budget: budget, format: .qwen3vl, config: config, peaked: 1)
    }

    static func tokens(_ a: Allocation, within lo: Double, _ hi: Double) -> Int {
        a.blocks.filter { b in b.frames.contains { (lo...hi).contains(Double($0) * 0.5) } }.map(\.tokens).reduce(0, +)
    }

    /// (From about 800 tokens the moment's two units are at the largest grid, and what is left
    /// may go to the look-alike's half value, as it should.)
    @Test(arguments: [300, 414, 621])
    func aLoneLookAlikeDoesNotTakeTokensFromASustainedMoment(budget: Int) throws {
        let a = try LagrangianAllocator().allocate(Self.input(budget: budget))
        let moment = Self.tokens(a, within: 29.5, 32), lone = Self.tokens(a, within: 11.5, 12.5)
        #expect(moment > 0, "\(a.blocks.map { ($0.frames, $0.tokens) })")
        #expect(lone == 0, "the look-alike at 12 s got \(lone) tokens: \(a.blocks.map { ($0.frames, $0.tokens) })")
        #expect(a.totalTokens <= budget)
    }

    /// A query seen in one candidate only (a needle shown for under a second: one candidate at
    /// 2 fps) is still seen: as the strongest thing in the video its contrast is 1, halved to
    /// exactly `moment_threshold`. (Counting lone candidates as nothing would lose it.)
    @Test(arguments: [207, 621])
    func aQuerySeenInOneCandidateOnlyIsStillSeen(budget: Int) throws {
        let a = try LagrangianAllocator().allocate(Self.input(budget: budget, loneOnly: true))
        #expect(Self.tokens(a, within: 11.5, 12.5) > 0, "\(a.blocks.map { ($0.frames, $0.tokens) })")
    }
}
