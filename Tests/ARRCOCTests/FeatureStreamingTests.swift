@testable import ARRCOC
import Foundation
import LinearAlgebra
import Testing

/// Features streamed to and from disk keep the bytes of the in-memory path: the analyzer's
/// scratch files, the chunked embedding, the streamed safetensors writer and the tensor-by-tensor
/// reader all give what one array and one `Safetensors.serialized()` gave.
struct FeatureStreamingTests {
    static let source = FeatureInfo.Source(path: "synthetic", sha256: String(repeating: "0", count: 64), durationSeconds: 3.5,
                                           fps: 2, width: 320, height: 192, codec: "rgb24")

    static func analyzer(chunkCells: Int) throws -> FeatureAnalyzer {
        let analyzer = FeatureAnalyzer(rows: 6, cols: 10, dimension: 24, spillDirectory: nil, chunkCells: chunkCells)
        for (i, frame) in FeatureGoldenTests.frames(count: 7).enumerated() { try analyzer.add(frame, time: Double(i) * 0.5) }
        return analyzer
    }

    static func digest(_ data: Data) -> String {
        var d = SHA256()
        d.update(data)
        return "\(d.finalize())"
    }

    @Test func theStreamedFeaturesFileHasTheRecordedBytes() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("arrcoc-stream-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // The embedding is the same whatever the chunk size: each row is summed on its own.
        for chunk in [1, 120, 65_536] {
            let path = dir.appendingPathComponent("f\(chunk).safetensors").path
            let written = try Self.analyzer(chunkCells: chunk).finish(source: Self.source, candidateFPS: 2, writingTo: path)
            #expect(written.frameCount == 7 && written.info.embedder.dimension == 24)
            #expect(Self.digest(try Data(contentsOf: URL(fileURLWithPath: path))) == FeatureGoldenTests.recorded, "chunk \(chunk)")
            // The in-memory features, written streamed from their arrays, give the same bytes.
            let inMemory = try Self.analyzer(chunkCells: chunk).finish(source: Self.source, candidateFPS: 2)
            let again = dir.appendingPathComponent("m\(chunk).safetensors").path
            try inMemory.write(to: again)
            #expect(Self.digest(try Data(contentsOf: URL(fileURLWithPath: again))) == FeatureGoldenTests.recorded, "chunk \(chunk)")
        }
    }

    /// Chunk by chunk (one frame, two frames), the embeddings are those of one product, bit for
    /// bit, and the cues the same.
    @Test func chunkedEmbeddingIsOneProductBitForBit() throws {
        let whole = try Self.analyzer(chunkCells: 65_536).finish(source: Self.source, candidateFPS: 2)
        for chunk in [1, 120] {
            let chunked = try Self.analyzer(chunkCells: chunk).finish(source: Self.source, candidateFPS: 2)
            #expect(chunked.embeddings.map(\.bitPattern) == whole.embeddings.map(\.bitPattern), "chunk \(chunk)")
            let cues = chunked.information == whole.information && chunked.edges == whole.edges && chunked.change == whole.change
            #expect(cues && chunked.embedder == whole.embedder)
        }
    }

    @Test func readingFromDiskGivesWhatParsingTheBytesGives() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("arrcoc-read-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("f.safetensors").path
        _ = try Self.analyzer(chunkCells: 65_536).finish(source: Self.source, candidateFPS: 2, writingTo: path)
        let fromDisk = try FeatureSet(contentsOf: path)
        let fromBytes = try FeatureSet(data: try Data(contentsOf: URL(fileURLWithPath: path)), path: path)
        let same = fromDisk.embeddings == fromBytes.embeddings && fromDisk.times == fromBytes.times
            && fromDisk.information == fromBytes.information && fromDisk.edges == fromBytes.edges && fromDisk.change == fromBytes.change
        #expect(same)
        #expect(fromDisk.embedder == fromBytes.embedder && fromDisk.info == fromBytes.info)

        // A truncated file is refused with the file named, from disk as from bytes.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let cut = dir.appendingPathComponent("cut.safetensors").path
        try bytes.prefix(bytes.count - 100).write(to: URL(fileURLWithPath: cut))
        #expect { try FeatureSet(contentsOf: cut) } throws: { "\($0.localizedDescription)".contains("cut.safetensors") }
    }

    @Test func fitSampleIsEveryFrameUpToTheBoundThenEvenlySpaced() {
        let cells = 400, bound = FeatureAnalyzer.fitSampleCells / cells
        #expect(FeatureAnalyzer.fitSample(frames: bound, cellsPerFrame: cells) == Array(0..<bound))
        #expect(FeatureAnalyzer.fitSample(frames: 7, cellsPerFrame: 60) == Array(0..<7))
        for frames in [bound + 1, 7_201, 72_001] {
            let s = FeatureAnalyzer.fitSample(frames: frames, cellsPerFrame: cells)
            #expect(s.count == bound && s.first == 0 && s.last == frames - 1)
            #expect(zip(s, s.dropFirst()).allSatisfy { $0 < $1 })
            #expect(s == FeatureAnalyzer.fitSample(frames: frames, cellsPerFrame: cells))
        }
        // A grid so large that one frame exceeds the bound still fits on two frames.
        #expect(FeatureAnalyzer.fitSample(frames: 10, cellsPerFrame: 1_000_000) == [0, 9])
    }

    @Test func safetensorsStreamWritesTheBytesOfSerialized() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("arrcoc-sts-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = (0..<3000).map { Float($0) * 0.25 }, b: [Int64] = [1, -2, 3], c: [Double] = [0.5, 1.5]
        let reference = Safetensors(tensors: ["a": .init(a, shape: [1000, 3]), "b": .init(b, shape: [3]), "c": .init(c, shape: [2]),
                                              "empty": .init([Float](), shape: [0, 4])],
                                    metadata: ["k": "v"]).serialized()
        let path = dir.appendingPathComponent("s.safetensors").path
        let stream = try SafetensorsStream(path: path, entries: [
            .init(name: "c", dtype: .f64, shape: [2]), .init(name: "a", dtype: .f32, shape: [1000, 3]),
            .init(name: "empty", dtype: .f32, shape: [0, 4]), .init(name: "b", dtype: .i64, shape: [3]),
        ], metadata: ["k": "v"])
        try stream.append(Array(a[..<1234]))
        try stream.append(Array(a[1234...]))
        try stream.append(b)
        try stream.append(c)
        try stream.finish()
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == reference)

        // Too few values, values of the wrong type, and values beyond the last tensor are errors.
        let short = try SafetensorsStream(path: dir.appendingPathComponent("short").path,
                                          entries: [.init(name: "x", dtype: .f32, shape: [4])])
        try short.append([1, 2, 3] as [Float])
        #expect(throws: FormatError.self) { try short.finish() }
        let typed = try SafetensorsStream(path: dir.appendingPathComponent("typed").path,
                                          entries: [.init(name: "x", dtype: .f32, shape: [1])])
        #expect(throws: FormatError.self) { try typed.append([1] as [Int64]) }
        let over = try SafetensorsStream(path: dir.appendingPathComponent("over").path,
                                         entries: [.init(name: "x", dtype: .f32, shape: [1])])
        #expect(throws: FormatError.self) { try over.append([1, 2] as [Float]) }
    }

    /// On a long video the scorer computes query × cell similarities a chunk of frames at a time:
    /// the same maps as one product, bit for bit (each similarity is its own sum).
    @Test func similarityInFrameChunksMatchesOneProduct() throws {
        let features = try Self.analyzer(chunkCells: 65_536).finish(source: Self.source, candidateFPS: 2)
        let embedder = try #require(features.embedder)
        let image = FeatureGoldenTests.frames(count: 2, width: 64, height: 64)[1]
        let query = try Query(imageScales: [(FeatureAnalyzer.describe(image), THW(t: 1, h: 2, w: 2))], embedder: embedder, source: "q")
        let scorer = OpponentProcessingScorer()
        let whole = try scorer.score(features, query: query)
        let reference = try scorer.score(features, query: query, wholeProductFloats: OpponentProcessingScorer.wholeProductFloats,
                                         chunkFloats: OpponentProcessingScorer.chunkFloats)
        #expect(whole.cells == reference.cells)
        // Room for one, two, six and sixteen frames in all; on one thread and on several (chunks
        // in any order; 16 frames' room on 8 threads: 4 chunks of 2 of the 7 frames, fewer chunks
        // than threads).
        let frameFloats = features.cellsPerFrame * (query.count + features.dimension)
        for chunkFloats in [1, 2 * frameFloats, 6 * frameFloats, 16 * frameFloats] {
            for workers in [1, 2, 3, 8] {
                let chunked = try scorer.score(features, query: query, wholeProductFloats: 0, chunkFloats: chunkFloats, workers: workers)
                #expect(chunked.similarity == whole.similarity && chunked.cells == whole.cells && chunked.frames == whole.frames,
                        "chunk \(chunkFloats), \(workers) workers")
            }
        }
    }

    /// The scorer's similarity map is, bit for bit, what its earlier layout computed: cells ×
    /// queries from the reference BLAS, the maximum over the queries cell by cell, and each
    /// template's windows summed cell by cell in row-major order (kept here as the reference), on
    /// templates of 2×2, 1×3 and the whole 6×10 grid, in one product and in chunks of one and two
    /// frames.
    @Test func theScorersMapIsTheEarlierLayoutsBitForBit() throws {
        let features = try Self.analyzer(chunkCells: 65_536).finish(source: Self.source, candidateFPS: 2)
        let embedder = try #require(features.embedder)
        let scales = [(64, 64), (96, 32), (320, 192)].map { w, h in
            (FeatureAnalyzer.describe(FeatureGoldenTests.frames(count: 2, width: w, height: h)[1]), THW(t: 1, h: h / 32, w: w / 32))
        }
        let query = try Query(imageScales: scales, embedder: embedder, source: "q")
        let d = features.dimension, cells = features.cellsPerFrame, rows = features.rows, cols = features.cols
        let n = features.frameCount * cells
        let sims = try BLAS.multiply(try Matrix(rows: n, columns: d, elements: features.embeddings),
                                     try Matrix(rows: query.count, columns: d, elements: query.vectors), transposeB: true).elements
        var reference = [Float](repeating: -Float.infinity, count: n)
        for i in 0..<n { for j in 0..<query.count { reference[i] = max(reference[i], sims[i * query.count + j]) } }
        var best = [Float](repeating: -1, count: n)
        for template in query.templates {
            let g = template.grid
            for f in 0..<features.frameCount {
                for r0 in 0...(rows - g.h) {
                    for c0 in 0...(cols - g.w) {
                        var sum: Float = 0
                        for i in 0..<g.h {
                            for j in 0..<g.w {
                                let cell = f * cells + (r0 + i) * cols + c0 + j
                                sum += sims[cell * query.count + template.first + i * g.w + j]
                            }
                        }
                        let score = sum / Float(g.h * g.w)
                        for i in 0..<g.h {
                            for j in 0..<g.w {
                                let cell = f * cells + (r0 + i) * cols + c0 + j
                                best[cell] = max(best[cell], score)
                            }
                        }
                    }
                }
            }
        }
        reference = (0..<n).map { max(best[$0], 0.5 * reference[$0]) }
        #expect(query.templates.map(\.grid) == [THW(t: 1, h: 2, w: 2), THW(t: 1, h: 1, w: 3), THW(t: 1, h: 6, w: 10)])
        let scorer = OpponentProcessingScorer()
        for (whole, chunk, workers) in [(Int.max, 1, 1), (0, 1, 1), (0, 2 * cells * (query.count + d), 1),
                                        (0, 1, 2), (0, 4 * cells * (query.count + d), 2), (0, 1, 4)] {
            let scores = try scorer.score(features, query: query, wholeProductFloats: whole, chunkFloats: chunk, workers: workers)
            let differing = zip(scores.similarity, reference).filter { $0.bitPattern != $1.bitPattern }.count
            #expect(differing == 0, "\(differing) of \(n) cells differ (whole \(whole), chunk \(chunk), \(workers) workers)")
        }
    }
}
