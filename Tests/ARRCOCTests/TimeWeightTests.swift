import Foundation
import Testing
@testable import ARRCOC

/// Frames that stand for different lengths of time (a coarse-to-fine merge): the weighted
/// statistics, their identity with the unweighted ones for equal weights, and the merge's pairing.
@Suite struct TimeWeightTests {
    /// numpy's default quantile (linear interpolation between order statistics).
    static func numpyQuantile(_ x: [Double], _ q: Double) -> Double {
        let s = x.sorted(), position = q * Double(s.count - 1)
        let i = Int(position.rounded(.down)), fraction = position - Double(i)
        return i + 1 < s.count ? s[i] + fraction * (s[i + 1] - s[i]) : s[i]
    }

    @Test func equalWeightsGiveTheUnweightedQuantilesMedianAndSplit() {
        var g = AllocatorInvariantTests.Rng(state: 11)
        for n in [2, 3, 10, 101] {
            let x = (0..<n).map { _ in Double(g.next() % 10_000) / 100 }
            let w = [Double](repeating: 0.5, count: n)
            for q in [0, 0.25, 0.5, 0.75, 0.9, 1] {
                #expect(abs(WeightedStatistics.quantile(x, weights: w, q: q) - Self.numpyQuantile(x, q)) < 1e-9, "n \(n) q \(q)")
            }
            let f = x.map(Float.init)
            #expect(abs(WeightedStatistics.median(f, weights: w) - OpponentProcessingScorer.median(f)) < 1e-4)
            let a = TwoClassSplit(x), b = TwoClassSplit(x, weights: w)
            #expect(abs(a.lowMean - b.lowMean) < 1e-9 && abs(a.highMean - b.highMean) < 1e-9)
        }
    }

    @Test func aWeightCountsAsThatManyCopiesInTheSplit() {
        let x = [0.1, 0.15, 0.2, 0.8, 0.9]
        let weighted = TwoClassSplit(x, weights: [3, 1, 2, 1, 1])
        let copies = TwoClassSplit([0.1, 0.1, 0.1, 0.15, 0.2, 0.2, 0.8, 0.9])
        #expect(abs(weighted.lowMean - copies.lowMean) < 1e-12 && abs(weighted.highMean - copies.highMean) < 1e-12)
        // A heavy sample moves the median towards it: positions 0, 1, 6.5 (span 6.5), the median
        // at 3.25, between 2 (at 1) and 3 (at 6.5).
        #expect(abs(WeightedStatistics.quantile([1, 2, 3], weights: [1, 1, 10], q: 0.5) - (2 + 2.25 / 5.5)) < 1e-12)
    }

    /// 300 s at 2 fps, 40 cells; frames 280…319 (140–160 s) are a busy scene (high information
    /// cues) with a needle at 150–153 s.
    static func full() -> FeatureSet {
        var f = ScorerTests.features(frames: 600, cells: 40, needle: 300..<307, seed: 3)
        for frame in 280..<320 {
            for c in 0..<40 { f.information?[frame * 40 + c] += 2 }
        }
        return f
    }

    /// The coarse-to-fine merge of `full()`: a frame every 5 s outside 130–170 s, every frame inside.
    static func merged(_ full: FeatureSet) -> (FeatureSet, [Int]) {
        let keep = full.times.indices.filter { f in (260...340).contains(f) || f % 10 == 0 }
        let cells = full.cellsPerFrame, d = full.dimension
        var m = FeatureSet(info: full.info, times: keep.map { full.times[$0] }, embeddings: keep.flatMap { full.embeddings[($0 * cells * d)..<(($0 + 1) * cells * d)] },
                           information: keep.flatMap { full.information![($0 * cells)..<(($0 + 1) * cells)] },
                           edges: keep.flatMap { full.edges![($0 * cells)..<(($0 + 1) * cells)] },
                           change: keep.flatMap { full.change![($0 * cells)..<(($0 + 1) * cells)] }, embedder: nil)
        m.info.analysis.pass = .coarseToFine
        return (m, keep)
    }

    @Test func timeWeightsAreTheTimeEachFrameStandsFor() throws {
        let full = Self.full()
        #expect(full.timeWeights == nil, "evenly spaced candidates: scored exactly as before")
        let (m, keep) = Self.merged(full)
        let w = try #require(m.timeWeights)
        #expect(w.count == keep.count)
        #expect(w[0] == 5 && w[5] == 5, "a coarse frame stands for 5 s")
        let inside = try #require(m.times.firstIndex(of: 150))
        #expect(w[inside] == 0.5, "a fine frame for one candidate interval")
        #expect(abs(w.reduce(0, +) - (m.times.last! - m.times.first! + 0.5 * (5 + 5))) < 1e-9)
    }

    @Test func mergedFramesScoreAsTheFullAnalysisWhenWeighted() throws {
        let full = Self.full()
        let (m, keep) = Self.merged(full)
        var unweighted = m
        unweighted.info.analysis.pass = nil
        let q = try Query(vectors: [0, 0, 0, 1], shape: [4], source: "q", featuresDimension: 4)
        let scorer = OpponentProcessingScorer()
        let a = try scorer.score(full, query: q), b = try scorer.score(m, query: q), c = try scorer.score(unweighted, query: q)
        // Per-cell information after normalisation, at the same frames: the merge holds the busy
        // scene for half its frames, the full analysis for a fifteenth of its time.
        func error(_ s: RelevanceScores) -> Double {
            var sum = 0.0
            for (i, f) in keep.enumerated() {
                for cell in 0..<40 { sum += abs(Double(s.propositional[i * 40 + cell] - a.propositional[f * 40 + cell])) }
            }
            return sum / Double(keep.count * 40)
        }
        let weightedError = error(b), unweightedError = error(c)
        #expect(weightedError < 0.5 * unweightedError, "weighted \(weightedError) vs unweighted \(unweightedError)")
    }

    @Test func eachWindowStartsAPairAsInAFullAnalysis() {
        let fps = 2.0
        let windows = [CoarseToFine.Window(start: 22.5, end: 31)]
        let grid = CoarseToFine.gridTimes(in: windows, fps: fps)
        #expect(grid.first == 22, "k = 45 is odd: the window starts one candidate earlier")
        #expect(grid.last == 31)
        let info = FeatureInfo(source: .init(path: "s", sha256: "0", durationSeconds: 60, fps: 25, width: 64, height: 64, codec: "none"),
                               analysis: .init(candidateFPS: 0.2, rows: 1, cols: 1), embedder: .init(name: "test", version: 1, dimension: 1))
        let coarseTimes = stride(from: 0.0, through: 60, by: 5).map { $0 }
        let coarse = FeatureSet(info: info, times: coarseTimes, embeddings: coarseTimes.map { _ in 1 }, information: nil, edges: nil, change: nil, embedder: nil)
        let fine = (times: grid, embeddings: grid.map { _ in Float(1) }, information: grid.map { _ in Float(0) }, edges: grid.map { _ in Float(0) },
                    change: grid.map { _ in Float(0) })
        let m = CoarseToFine.merge(coarse: coarse, windows: windows, fine: fine, fps: fps)
        let first = m.times.firstIndex(of: 22)
        #expect(first.map { $0 % 2 == 0 } == true, "the window's first frame pairs with its second: \(m.times)")
        #expect(!m.times.contains(20), "the coarse frame before gives way: \(m.times)")
        #expect(zip(m.times, m.times.dropFirst()).allSatisfy { $0 < $1 })
        #expect(m.embeddings.count == m.times.count)
    }

    /// 3 cells a frame. Fine: frame 0 opens a window (zeros, left out), frames 1… hold 0.00…0.29.
    /// Coarse: frame 0 has no previous frame (0, kept), frames 1… hold three times larger values.
    @Test func coarseChangeTakesTheFineValueOfItsRank() {
        let cells = 3
        let fine: [Float] = [0, 0, 0] + (0..<30).map { Float($0) / 100 }
        let firsts = [true] + [Bool](repeating: false, count: 10)
        var coarse: [Float] = [0, 0, 0]
        var g = AllocatorInvariantTests.Rng(state: 5)
        for _ in 0..<30 { coarse.append(3 * Float(g.next() % 30) / 100 + 0.05) }
        let out = CoarseToFine.changeOnFineScale(coarse, fine: fine, firsts: firsts, cells: cells)
        #expect(Array(out.prefix(3)) == [0, 0, 0], "the first coarse frame has none")
        let after = Array(out.dropFirst(3))
        #expect(after.allSatisfy { (0...0.29).contains($0) }, "on the fine scale: \(after)")
        #expect(after.contains(0) && after.max()! >= 0.26, "the whole fine range is used: \(after.sorted())")
        for i in 3..<coarse.count {
            for j in 3..<coarse.count where coarse[i] < coarse[j] {
                #expect(out[i] <= out[j], "order kept: \(coarse[i]) → \(out[i]), \(coarse[j]) → \(out[j])")
            }
            for j in 3..<coarse.count where coarse[i] == coarse[j] { #expect(out[i] == out[j], "equal stay equal") }
        }
        // No fine frame with a frame before it: nothing to read the scale from.
        #expect(CoarseToFine.changeOnFineScale(coarse, fine: [0, 0, 0], firsts: [true], cells: cells) == coarse)
        #expect(CoarseToFine.changeOnFineScale(coarse, fine: [], firsts: [], cells: cells) == coarse)
    }
}
