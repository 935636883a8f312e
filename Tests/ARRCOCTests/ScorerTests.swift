import Testing
@testable import ARRCOC

@Suite struct ScorerTests {
    /// A synthetic feature set: T frames of `cells` cells in D = 4 dims; background cells point
    /// near e0 with noise, a "needle" (direction e3) sits in frames `needle`.
    static func features(frames: Int, cells: Int, needle: Range<Int>, seed: UInt64 = 1) -> FeatureSet {
        var g = AllocatorInvariantTests.Rng(state: seed)
        let d = 4
        var e: [Float] = []
        for f in 0..<frames {
            for c in 0..<cells {
                var v: [Float] = [1, Float.random(in: -0.3...0.3, using: &g), Float.random(in: -0.3...0.3, using: &g), Float.random(in: 0...0.2, using: &g)]
                if needle.contains(f), c < 2 { v = [0.1, 0, 0, 1] }
                e += v
            }
        }
        DescriptorEmbedder.normalizeRows(&e, dimension: d)
        let info = FeatureInfo(source: .init(path: "synthetic", sha256: "0", durationSeconds: Double(frames) / 2, fps: 25, width: 64, height: 64, codec: "none"),
                               analysis: .init(candidateFPS: 2, rows: 1, cols: cells), embedder: .init(name: "test", version: 1, dimension: d))
        let cues = (0..<(frames * cells)).map { _ in Float.random(in: 0...1, using: &g) }
        return FeatureSet(info: info, times: (0..<frames).map { Double($0) / 2 }, embeddings: e,
                          information: cues, edges: cues.map { 1 - $0 }, change: cues.map { $0 / 2 }, embedder: nil)
    }

    @Test func normalisationMapsMedianToZeroAndMaxToOne() {
        var x: [Float] = [1, 2, 3, 4, 10]
        OpponentProcessingScorer.normalize(&x)
        #expect(x == [0, 0, 0, 1.0 / 7.0, 1])
        var flat: [Float] = [3, 3, 3]
        OpponentProcessingScorer.normalize(&flat)
        #expect(flat == [0, 0, 0])
        // Participatory: baseline = median of per-frame maxima (frames of 2 cells: maxima 1, 2, 5 → 2).
        var p: [Float] = [0, 1, 2, 0, 5, 3]
        OpponentProcessingScorer.normalizeAgainstTypicalBest(&p, frames: 3, cells: 2)
        #expect(p == [0, 0, 0, 0, 1, 1.0 / 3.0])
    }

    @Test func everyScoreIsWithinZeroAndOne() throws {
        let f = Self.features(frames: 40, cells: 50, needle: 20..<24)
        let q = try Query(vectors: [0, 0, 0, 1], shape: [4], source: "q", featuresDimension: 4)
        let s = try OpponentProcessingScorer().score(f, query: q)
        for array in [s.participatory, s.perspectival, s.propositional, s.cells] {
            #expect(array.count == 40 * 50)
            #expect(array.allSatisfy { $0 >= 0 && $0 <= 1 })
        }
        #expect(s.frames.count == 40 && s.frames.max() == 1)
        #expect(abs(s.weights.participatory + s.weights.perspectival + s.weights.propositional - 1) < 1e-9)
    }

    @Test func peakedQueryExploitsAndFindsTheNeedle() throws {
        let f = Self.features(frames: 40, cells: 50, needle: 20..<24)
        let q = try Query(vectors: [0, 0, 0, 1], shape: [4], source: "q", featuresDimension: 4)
        let s = try OpponentProcessingScorer().score(f, query: q)
        #expect(s.exploit > 0.9)
        #expect(s.weights.participatory > 0.85)
        let ranked = s.frames.indices.sorted { s.frames[$0] > s.frames[$1] }
        #expect(Set(ranked.prefix(4)) == Set(20..<24))
    }

    @Test func flatQueryExplores() throws {
        // The query matches the background everywhere: no frame stands out.
        let f = Self.features(frames: 40, cells: 50, needle: 0..<0)
        let q = try Query(vectors: [1, 0, 0, 0], shape: [4], source: "q", featuresDimension: 4)
        let s = try OpponentProcessingScorer().score(f, query: q)
        #expect(s.exploit < 0.5)
        #expect(s.weights.participatory < 0.6)
    }

    @Test func queriesAreValidated() {
        #expect(throws: FeatureError.dimensionMismatch(query: "q.npy", queryDimension: 3, featuresDimension: 4)) {
            try Query(vectors: [1, 2, 3], shape: [3], source: "q.npy", featuresDimension: 4)
        }
        #expect(throws: FeatureError.self) { try Query(vectors: [1, .nan, 0, 0], shape: [4], source: "q", featuresDimension: 4) }
        #expect(throws: FeatureError.self) { try Query(vectors: [0, 0, 0, 0], shape: [1, 4], source: "q", featuresDimension: 4) }
        #expect(throws: Never.self) { try Query(vectors: [1, 0, 0, 0, 0, 1, 0, 0], shape: [2, 4], source: "q", featuresDimension: 4) }
    }
}
