import Foundation
import Testing
@testable import ARRCOC

/// Where the coarse pass looks closely when the background holds scenes that resemble the query
/// (a looped 10-s scene, as in the 15-minute look-alike clip of Docs/coarse-to-fine.md).
@Suite struct CoarseWindowTests {
    /// 900 s of keyframes 2 s apart, 4 cells. Seven 10-s look-alike scenes (every cell fairly like
    /// the query) stand out of their background more than four 6-s needle events (one cell).
    static func coarse() -> (FeatureSet, needles: [Double]) {
        var g = AllocatorInvariantTests.Rng(state: 9)
        let cells = 4, d = 4
        let times = stride(from: 0.0, to: 900, by: 2).map { $0 }
        let lookAlikes = (0..<7).map { 100 + 126 * Double($0) }
        let needles = [165.0, 320, 655, 715]
        var e: [Float] = []
        for t in times {
            for c in 0..<cells {
                var v: [Float] = [1, Float.random(in: -0.3...0.3, using: &g), Float.random(in: -0.3...0.3, using: &g), Float.random(in: 0...0.2, using: &g)]
                if lookAlikes.contains(where: { t >= $0 && t < $0 + 10 }) { v = [0.35, v[1] / 3, v[2] / 3, 1] }
                if c == 0, needles.contains(where: { t >= $0 && t < $0 + 6 }) { v = [0.55, 0, 0, 1] }
                e += v
            }
        }
        DescriptorEmbedder.normalizeRows(&e, dimension: d)
        var info = FeatureInfo(source: .init(path: "synthetic", sha256: "0", durationSeconds: 900, fps: 25, width: 64, height: 64, codec: "none"),
                               analysis: .init(candidateFPS: 0.5, rows: 1, cols: cells), embedder: .init(name: "test", version: 1, dimension: d))
        info.analysis.pass = .coarse
        return (FeatureSet(info: info, times: times, embeddings: e, information: nil, edges: nil, change: nil, embedder: nil), needles)
    }

    @Test func everyNeedleGetsAWindowNextToSevenLookAlikeScenes() throws {
        let (coarse, needles) = Self.coarse()
        let query = try Query(vectors: [0, 0, 0, 1], shape: [4], source: "q", featuresDimension: 4)
        func missed(_ options: CoarseToFine.Options) throws -> [Double] {
            let windows = try CoarseToFine.windows(coarse: coarse, query: query, config: CompressionConfig(), options: options)
            return needles.filter { n in !windows.contains { $0.start <= n && n + 6 <= $0.end } }
        }
        #expect(try missed(CoarseToFine.Options()).isEmpty, "the default's windows hold every needle event")
        var eight = CoarseToFine.Options()
        eight.maxWindows = 8
        #expect(try !missed(eight).isEmpty, "with 8 windows the look-alikes take a needle's place (the check can fail)")
    }
}
