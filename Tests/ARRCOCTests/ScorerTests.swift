import Foundation
import Testing
@testable import ARRCOC
import TestSupport

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
        // Participatory: baseline = mean of the lower Otsu class of per-frame maxima
        // (maxima 1, 2, 5 → classes {1, 2} and {5}: baseline 1.5, span 3.5).
        var p: [Float] = [0, 1, 2, 0, 5, 3]
        OpponentProcessingScorer.normalizeAgainstBackground(&p, frames: 3, cells: 2)
        #expect(p == [0, 0, Float(0.5 / 3.5), 0, 1, Float(1.5 / 3.5)])
    }

    @Test func twoClassSplitSeparatesNeedleFramesWhateverTheirShare() {
        // 60% of the frames show the needle: a median-based score would call them typical.
        let values = [0.12, 0.13, 0.18, 0.14, 0.17, 0.72, 0.71, 0.72, 0.72, 0.26, 0.25, 0.64, 0.64, 0.64, 0.64, 0.64, 0.64, 0.11, 0.12, 0.13]
        let split = TwoClassSplit(values)
        #expect(split.separation > 5)
        #expect(abs(split.lowMean - 0.161) < 0.01 && abs(split.highMean - 0.668) < 0.01)
        var g = AllocatorInvariantTests.Rng(state: 5)
        let noise = (0..<400).map { _ in (0..<12).reduce(0.0) { s, _ in s + Double(g.next() % 1000) / 1000 } }
        #expect(TwoClassSplit(noise).separation < 3.5)
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
        #expect(throws: FeatureError.nonFiniteQuery(source: "q", index: 1, value: .infinity)) {
            try Query(vectors: [1, .infinity, 0, 0], shape: [4], source: "q", featuresDimension: 4)
        }
        #expect(throws: FeatureError.self) { try Query(vectors: [1, .nan, 0, 0], shape: [4], source: "q", featuresDimension: 4) }
        #expect(throws: FeatureError.zeroQueryVector(source: "q", vector: 1)) {
            try Query(vectors: [1, 0, 0, 0, 0, 0, 0, 0], shape: [2, 4], source: "q", featuresDimension: 4)
        }
        #expect(throws: FeatureError.queryValueCount(source: "q", shape: [2, 4], count: 4)) {
            try Query(vectors: [1, 0, 0, 0], shape: [2, 4], source: "q", featuresDimension: 4)
        }
        #expect(throws: FeatureError.queryShape(source: "q", shape: [1, 1, 4])) {
            try Query(vectors: [1, 0, 0, 0], shape: [1, 1, 4], source: "q", featuresDimension: 4)
        }
        #expect(FeatureError.zeroQueryVector(source: "q", vector: 1).localizedDescription == "q: invalid query (query vector 1 is all zeros)")
        #expect(throws: Never.self) { try Query(vectors: [1, 0, 0, 0, 0, 1, 0, 0], shape: [2, 4], source: "q", featuresDimension: 4) }
    }
}

@Suite struct DescriptorTests {
    @Test func orientationBinsAgreeWithAtan2() {
        var g = AllocatorInvariantTests.Rng(state: 9)
        for _ in 0..<20_000 {
            let gx = Float.random(in: -1...1, using: &g), gy = Float.random(in: -1...1, using: &g)
            var angle = atan2f(gy, gx)
            if angle < 0 { angle += .pi }
            let reference = min(7, Int(angle / .pi * 8))
            let fast = CellDescriptor.orientationBin(gx, gy)
            // Equal except within float rounding of a bin boundary.
            let boundary = abs(angle / .pi * 8 - Float(Int(angle / .pi * 8 + 0.5))) < 1e-4
            #expect(fast == reference || boundary || (reference == 7 && fast == 0 && angle > 3.14), "gx \(gx) gy \(gy): \(fast) vs \(reference)")
        }
    }

    @Test func descriptorOfAFlatGreyCell() {
        let image = RGBImage(width: 32, height: 32, pixels: [UInt8](repeating: 128, count: 32 * 32 * 3))
        let d = FeatureAnalyzer.describe(image)
        #expect(d.count == 28)
        #expect(abs(d[0] - 128.0 / 255.0) < 1e-5)          // mean luminance
        #expect(d[3] < 1e-3, "std \(d[3])")          // no spread (up to float rounding)
        #expect(d[22] == 0 && d[23] == 0)                 // no edges, no entropy
        #expect(d[6 + 7] == 1)                             // all pixels in the (R≥128, G≥128, B≥128) bin
    }
}
