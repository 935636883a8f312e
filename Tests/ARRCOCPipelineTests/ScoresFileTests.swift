import ARRCOC
import ARRCOCPipeline
import Foundation
import Testing
import TestSupport

/// `arrcoc compress --scores`: the per-cell maps come back with the video's grid, and the raw
/// similarity is the cosine before normalisation (a needle cell reads about 1, background 0).
@Suite struct ScoresFileTests {
    @Test func scoresFileHoldsEveryMapOnTheFeaturesGrid() throws {
        let t = 6, rows = 2, cols = 3, d = 4
        var e: [Float] = []
        for f in 0..<t {
            for c in 0..<(rows * cols) { e += (f == 3 && c == 4) ? [0, 0, 0, 1] : [1, 0, Float(c) * 0.1, 0] }
        }
        DescriptorEmbedder.normalizeRows(&e, dimension: d)
        let info = FeatureInfo(source: .init(path: "synthetic", sha256: "0", durationSeconds: 3, fps: 25, width: 96, height: 64, codec: "none"),
                               analysis: .init(candidateFPS: 2, rows: rows, cols: cols), embedder: .init(name: "test", version: 1, dimension: d))
        let features = FeatureSet(info: info, times: (0..<t).map { Double($0) / 2 }, embeddings: e,
                                  information: nil, edges: nil, change: nil, embedder: nil)
        let query = try Query(vectors: [0, 0, 0, 1], shape: [4], source: "q", featuresDimension: d)
        let scores = try OpponentProcessingScorer().score(features, query: query)
        let path = TestClips.scratch("scores-file").appendingPathComponent("scores.safetensors").path
        try ScoresFile.write(scores, features: features, to: path)

        let file = try Safetensors(contentsOf: path)
        for name in ["similarity", "participatory", "perspectival", "propositional", "cells"] {
            #expect(file.tensors[name]?.shape == [t, rows, cols], "\(name)")
        }
        #expect(file.tensors["times"]?.floats == [0, 0.5, 1, 1.5, 2, 2.5])
        #expect(file.tensors["frames"]?.shape == [t] && file.tensors["frame_similarity"]?.shape == [t])
        let similarity = try #require(file.tensors["similarity"]?.floats)
        #expect(abs(similarity[3 * rows * cols + 4] - 1) < 1e-5)
        #expect(abs(similarity[0]) < 1e-5)
        #expect(file.metadata["schema"] == "arrcoc.scores/1" && file.metadata["peakedness"] != nil && file.metadata["exploit"] != nil)
    }
}
