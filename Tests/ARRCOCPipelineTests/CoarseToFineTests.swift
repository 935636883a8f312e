import ARRCOC
import ARRCOCPipeline
import Foundation
import Testing
import TestSupport
import VideoDecoding

/// Coarse-to-fine analysis end to end on real video: cockatoo.mp4 looped to 20 s at 640×360,
/// Big Buck Bunny's bunny (a crop of another real video) pasted from 11 to 14 s (15% of the clip,
/// a moment). One clip has a keyframe exactly every 2 s, the other every 10 s (too sparse: the
/// low-rate fallback).
@Suite(.serialized) struct CoarseToFineTests {
    struct Fixture: Sendable {
        let dense: String  // keyframes every 2 s
        let sparse: String  // keyframes every 10 s
        let query: String
        let truth: Truth
        let coarse: FeatureSet  // of `dense`, made once for the tests that only read it
    }

    static let fixture: Result<Fixture, Error> = Result {
        let dir = TestClips.scratch("coarse-to-fine")
        let query = dir.appendingPathComponent("bunny.png").path
        try ExploreExploitTests.crop("bigbuckbunny.mp4", time: 2, x: 560, y: 200, w: 192, h: 192, brightness: 1, to: query)
        func make(_ gop: Int) throws -> String {
            let path = dir.appendingPathComponent("hay-g\(gop).mp4").path
            try FFmpegTool.run("ffmpeg", ["-v", "error", "-nostdin", "-y", "-stream_loop", "2", "-i", try Samples.path("cockatoo.mp4"), "-i", query,
                                          "-filter_complex", "[0:v]fps=25,scale=640:360[b];[1:v]scale=96:96[n];[b][n]overlay=420:60:enable='between(t,11,14)'",
                                          "-t", "20", "-an", "-c:v", "libx264", "-preset", "veryfast", "-g", "\(gop)", "-keyint_min", "\(gop)",
                                          "-sc_threshold", "0", "-pix_fmt", "yuv420p", path])
            return path
        }
        let dense = try make(50)
        let truth = Truth(video: dense, query: query, events: [.init(startSeconds: 11, endSeconds: 14, box: [420 / 640, 60 / 360, 96 / 640, 96 / 360])])
        return Fixture(dense: dense, sparse: try make(250), query: query, truth: truth,
                       coarse: try Engine(config: CompressionConfig()).analyzeCoarse(video: dense))
    }

    static func engine() throws -> Engine { try Engine(config: CompressionConfig()) }

    @Test("the coarse pass decodes keyframes only, marks the file coarse, and is byte-identical run to run")
    func coarsePassIsKeyframes() throws {
        let f = try Self.fixture.get()
        let coarse = f.coarse
        #expect(coarse.info.analysis.pass == .coarse)
        let how = try #require(coarse.info.analysis.coarse)
        #expect(how.method == .keyframes)
        #expect(how.keyframes == 10)
        #expect(coarse.times.count == 10, "keyframes every 2 s of 20 s: \(coarse.times)")
        // Keyframes every 50 frames; B-frames move their presentation times by a frame or two.
        #expect(coarse.times.enumerated().allSatisfy { abs($1 - 2 * Double($0)) < 0.13 }, "\(coarse.times)")
        #expect(abs(how.largestGapSeconds - 2) < 0.25)
        let dir = TestClips.scratch("coarse-file")
        let a = dir.appendingPathComponent("a.safetensors").path, b = dir.appendingPathComponent("b.safetensors").path
        try coarse.write(to: a)
        try Self.engine().analyzeCoarse(video: f.dense).write(to: b)
        #expect(FileManager.default.contentsEqual(atPath: a, andPath: b))
        let read = try FeatureSet(contentsOf: a)
        #expect(read.info == coarse.info && read.embedder == coarse.embedder)
    }

    @Test("keyframes further apart than the limit: the low-rate pass, said in a progress note, none missed")
    func sparseKeyframesFallBack() throws {
        let f = try Self.fixture.get()
        let notes = NoteLog()
        let engine = try Engine(config: CompressionConfig(), progress: { if case let .note(text) = $0 { notes.append(text) } })
        let coarse = try engine.analyzeCoarse(video: f.sparse)
        let how = try #require(coarse.info.analysis.coarse)
        #expect(how.method == .lowRate)
        #expect(how.largestKeyframeGapSeconds.map { abs($0 - 10) < 0.25 } == true, "\(how)")
        #expect(how.largestGapSeconds <= 2.05)
        #expect(coarse.times.count == 10, "0.5 fps over 20 s: \(coarse.times)")
        #expect(notes.all.contains { $0.contains("more than 6 s") }, "\(notes.all)")
    }

    @Test("the fine windows cover the needle, and the merged features keep coarse frames elsewhere, times increasing")
    func windowsCoverTheNeedle() throws {
        let f = try Self.fixture.get()
        let coarse = f.coarse
        let query = try Self.engine().query(image: f.query, features: coarse)
        var options = CoarseToFine.Options()
        options.maxWindows = 1
        options.contextSeconds = 1
        let windows = try CoarseToFine.windows(coarse: coarse, query: query.query, config: CompressionConfig(), options: options)
        #expect(windows.count == 1)
        let w = try #require(windows.first)
        #expect(w.start <= 11 && w.end >= 14, "the needle is at 11–14 s; window \(w)")
        #expect(w.end - w.start <= 10, "the needle's coarse frames, their neighbours and 1 s each side: \(w)")

        let merged = try CoarseToFine.refine(coarse: coarse, windows: windows, source: try VideoFileSource(path: f.dense),
                                             config: CompressionConfig())
        #expect(merged.info.analysis.pass == .coarseToFine)
        #expect(merged.info.analysis.windows == [[w.start, w.end]])
        #expect(zip(merged.times, merged.times.dropFirst()).allSatisfy { $0 < $1 })
        let inside = merged.times.filter { $0 >= w.start - 0.25 && $0 <= w.end + 0.25 }
        #expect(inside.count == CoarseToFine.gridTimes(in: windows, fps: 2).count, "every candidate time in the window: \(inside)")
        // Coarse frames outside the window stay, but for the one just before it when the window's
        // first frame would otherwise take an odd position (pairs as in a full analysis).
        let before = coarse.times.filter { $0 < w.start - 0.25 }.count
        #expect(merged.times.filter { $0 < w.start - 0.25 || $0 > w.end + 0.25 }.count
                == coarse.times.filter { $0 < w.start - 0.25 || $0 > w.end + 0.25 }.count - before % 2)
        #expect(merged.times.firstIndex { $0 >= w.start - 0.25 }.map { $0 % 2 == 0 } == true, "\(merged.times)")
        #expect(merged.embeddings.count == merged.frameCount * merged.cellsPerFrame * merged.dimension)
        // A features file like any other: written, read back (validated), the same.
        let path = TestClips.scratch("merged").appendingPathComponent("m.safetensors").path
        try merged.write(to: path)
        let read = try FeatureSet(contentsOf: path)
        #expect(read.times == merged.times && read.info == merged.info)
    }

    @Test("a window's fine frames are a full analysis's frames: the same times and the same cues, the window's first change cue aside")
    func fineFramesAreFullAnalysisFrames() throws {
        let f = try Self.fixture.get()
        let engine = try Self.engine()
        let full = try engine.analyze(video: f.dense)
        // A window whose start is no candidate time (7.3 s): the grid still starts at an even k.
        let windows = [CoarseToFine.Window(start: 7.3, end: 15.2)]
        let merged = try CoarseToFine.refine(coarse: f.coarse, windows: windows, source: try VideoFileSource(path: f.dense),
                                             config: CompressionConfig())
        let grid = CoarseToFine.gridTimes(in: windows, fps: 2)
        #expect(grid.first == 7 && grid.last == 15 && grid.count == 17, "\(grid)")
        let cells = full.cellsPerFrame
        let fullInformation = try #require(full.information), fullEdges = try #require(full.edges), fullChange = try #require(full.change)
        let information = try #require(merged.information), edges = try #require(merged.edges), change = try #require(merged.change)
        var mismatches: [String] = []
        for (k, time) in grid.enumerated() {
            // Times are the frames' presentation times (7.48 or 7.52 s for 7.5 s at 25 fps): the
            // frame nearest the grid time, which must be the same frame in both.
            func nearest(_ times: [Double]) -> Int? {
                times.indices.filter { abs(times[$0] - time) < 0.25 }.min { abs(times[$0] - time) < abs(times[$1] - time) }
            }
            guard let m = nearest(merged.times), let a = nearest(full.times) else {
                mismatches.append("\(time) s: not in both")
                continue
            }
            if merged.times[m] != full.times[a] { mismatches.append("\(time) s: frame at \(merged.times[m]) s in the merge, \(full.times[a]) s in the full analysis") }
            // Paired as a full analysis pairs the same time: k = 2u with 2u + 1.
            if m % 2 != a % 2 { mismatches.append("\(time) s: position \(m) in the merge, \(a) in the full analysis") }
            let mine = (m * cells)..<((m + 1) * cells), theirs = (a * cells)..<((a + 1) * cells)
            if information[mine] != fullInformation[theirs] { mismatches.append("\(time) s: information") }
            if edges[mine] != fullEdges[theirs] { mismatches.append("\(time) s: edges") }
            // The window's first frame has no previous frame (0), as a full analysis's first.
            if k == 0 {
                if change[mine].contains(where: { $0 != 0 }) { mismatches.append("\(time) s: a change cue on the window's first frame") }
            } else if change[mine] != fullChange[theirs] {
                mismatches.append("\(time) s: change")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches)")
    }

    @Test("the merge puts the coarse frames' change cue (keyframe to keyframe) on the fine frames' scale (candidate to candidate)")
    func coarseChangeReadsAsAFullAnalysisChange() throws {
        let f = try Self.fixture.get()
        let full = try Self.engine().analyze(video: f.dense)
        let windows = [CoarseToFine.Window(start: 7.3, end: 15.2)]
        let merged = try CoarseToFine.refine(coarse: f.coarse, windows: windows, source: try VideoFileSource(path: f.dense),
                                             config: CompressionConfig())
        let cells = full.cellsPerFrame
        func median(_ x: [Float]) -> Float { x.sorted()[x.count / 2] }
        // Coarse frames outside the window, the first (no previous frame) aside.
        func outside(_ s: FeatureSet) throws -> [Float] {
            let change = try #require(s.change)
            return s.times.indices.dropFirst().filter { s.times[$0] < 7 || s.times[$0] > 15.5 }.flatMap { change[($0 * cells)..<(($0 + 1) * cells)] }
        }
        let reference = median(try #require(full.change)), raw = median(try outside(f.coarse)), read = median(try outside(merged))
        // Keyframes 2 s apart against candidates 0.5 s apart: the raw cue reads larger.
        #expect(raw > 1.5 * reference, "raw coarse median \(raw), full analysis \(reference)")
        #expect(abs(read - reference) < 0.25 * reference, "merged coarse median \(read), full analysis \(reference) (raw \(raw))")
    }

    @Test("windows open only where evidence stands out of the background's own spread, read against a full background at the edges")
    func windowsNeedEvidenceAboveTheBackground() throws {
        // The background span is shifted inwards at the video's ends, never halved.
        #expect(CoarseToFine.backgroundRange(at: 0, first: 0, last: 3600, halfWidth: 60) == 0...120)
        #expect(CoarseToFine.backgroundRange(at: 30, first: 0, last: 3600, halfWidth: 60) == 0...120)
        #expect(CoarseToFine.backgroundRange(at: 1800, first: 0, last: 3600, halfWidth: 60) == 1740...1860)
        #expect(CoarseToFine.backgroundRange(at: 3600, first: 0, last: 3600, halfWidth: 60) == 3480...3600)
        #expect(CoarseToFine.backgroundRange(at: 50, first: 0, last: 100, halfWidth: 60) == 0...100)
        // An hour of keyframes every 5 s: similarity wobbling by ±0.01 (background), a first
        // minute that resembles the query a little more (+0.012), one moment (+0.1) at 1500 s.
        let times = (0..<720).map { Double($0) * 5 }
        var similarity = times.indices.map { 0.5 + 0.01 * sin(Double($0) * 1.7) }
        for i in 0..<12 { similarity[i] += 0.012 }
        similarity[300] += 0.1
        let evidence = CoarseToFine.evidence(similarity: similarity, times: times, backgroundSeconds: 60)
        let threshold = CoarseToFine.evidenceThreshold(evidence, deviations: 3)
        let above = evidence.indices.filter { evidence[$0] > threshold }
        #expect(above == [300], "threshold \(threshold); evidence above it at \(above.map { times[$0] }) s")
        #expect(CoarseToFine.evidenceThreshold(evidence, deviations: 0) == 0)
        // With any positive evidence enough (the rule before), background frames open windows too.
        #expect(evidence.filter { $0 > 0 }.count > 100)
    }

    @Test("the fine pass refits the embedder on coarse and fine frames (query image embedded again); a query embedding keeps the coarse one")
    func fineRefitsTheEmbedder() throws {
        let f = try Self.fixture.get()
        let coarse = f.coarse
        let raw = try #require(coarse.descriptors, "the coarse pass keeps its raw descriptors")
        #expect(raw.count == coarse.frameCount * coarse.cellsPerFrame * CellDescriptor.length)
        let path = TestClips.scratch("coarse-raw").appendingPathComponent("c.safetensors").path
        try coarse.write(to: path)
        let read = try FeatureSet(contentsOf: path)
        let sameRaw = read.descriptors == raw  // outside #expect: hundreds of thousands of values
        #expect(sameRaw)

        let engine = try Self.engine()
        let image = try engine.query(image: f.query, features: coarse)
        var options = CoarseToFine.Options()
        options.maxWindows = 1
        options.contextSeconds = 1  // coarse frames stay outside the window
        let (merged, query) = try engine.refine(video: f.dense, coarse: coarse, query: image, options: options)
        let embedder = try #require(merged.embedder)
        #expect(embedder != coarse.embedder, "refitted on the merged frames")
        #expect(merged.descriptors == nil)
        let again = try engine.query(image: f.query, features: merged)
        #expect(query.query == again.query && query.query != image.query, "the query image embedded with the refitted embedder")
        // A coarse frame outside the windows: embedded by the refitted embedder from its raw descriptors.
        let windows = try #require(merged.info.analysis.windows)
        let c = try #require(coarse.times.indices.first { t in
            !windows.contains { coarse.times[t] >= $0[0] - 0.25 && coarse.times[t] <= $0[1] + 0.25 } && merged.times.contains(coarse.times[t])
        })
        let m = try #require(merged.times.firstIndex(of: coarse.times[c]))
        let cells = coarse.cellsPerFrame, d = coarse.dimension, d0 = CellDescriptor.length
        let expected = try embedder.embed(Array(raw[(c * cells * d0)..<((c + 1) * cells * d0)]))
        let got = Array(merged.embeddings[(m * cells * d)..<((m + 1) * cells * d)])
        let largest = zip(expected, got).map { abs($0 - $1) }.max() ?? .infinity
        #expect(largest < 1e-4, "largest difference \(largest)")

        // A query embedding lives in the coarse space: no refit, the query as given.
        let given = QueryInput(query: image.query, info: .init(kind: "embedding", path: "q.npy", vectors: image.query.count))
        let (kept, same) = try engine.refine(video: f.dense, coarse: coarse, query: given, options: options)
        #expect(kept.embedder == coarse.embedder && same.query == image.query)
        let keptRow = Array(kept.embeddings[(m * cells * d)..<((m + 1) * cells * d)])
        let coarseRow = Array(coarse.embeddings[(c * cells * d)..<((c + 1) * cells * d)])
        let unchanged = keptRow == coarseRow
        #expect(unchanged && kept.times == merged.times)
    }

    @Test("temporal recall of coarse-to-fine equals full analysis at the same budget")
    func recallMatchesFullAnalysis() throws {
        let f = try Self.fixture.get()
        let budget = 600
        let full = try Self.engine().compress(video: f.dense, queryImage: f.query, budget: budget)
        let c2f = try Self.engine().compressCoarseToFine(video: f.dense, queryImage: f.query, budget: budget, coarse: f.coarse)
        let a = try Evaluation.evaluate(manifest: full.manifest, truth: f.truth, delta: 1)
        let b = try Evaluation.evaluate(manifest: c2f.manifest, truth: f.truth, delta: 1)
        #expect(a.temporalRecall == 1, "full analysis finds the bunny: \(a)")
        #expect(b.temporalRecall == a.temporalRecall, "coarse-to-fine \(b.temporalRecall) vs full \(a.temporalRecall)")
        #expect(c2f.manifest.totals.sequenceLength <= budget)
    }

    @Test("cockatoo.mp4's wrong keyframe index: the fine pass falls back to streaming, says so, and gives a streamed decode's frames every run")
    func seekFallbackIsDeterministic() throws {
        let video = try Samples.path("cockatoo.mp4")
        let dir = TestClips.scratch("c2f-cockatoo")
        let query = dir.appendingPathComponent("q.png").path
        try ExploreExploitTests.crop("cockatoo.mp4", time: 9, x: 480, y: 200, w: 256, h: 256, brightness: 1, to: query)
        let notes = NoteLog()
        let engine = try Engine(config: CompressionConfig(), progress: { if case let .note(text) = $0 { notes.append(text) } })
        let coarse = try engine.analyzeCoarse(video: video)
        let windows = [CoarseToFine.Window(start: 5, end: 10)]
        let source = try VideoFileSource(path: video)
        // The fine frames: seeking (with its fallback) twice, and a streamed decode of the same times.
        let side = CellDescriptor.side, width = coarse.cols * side, height = coarse.rows * side
        let times = CoarseToFine.gridTimes(in: windows, fps: 2)
        func fine() throws -> (pixels: [[UInt8]], fallbacks: Int) {
            var pixels: [[UInt8]] = []
            let fallbacks = try source.sampleTimes(times, width: width, height: height) { _, pending in pixels.append(try pending.image().pixels) }
            return (pixels, fallbacks)
        }
        let a = try fine(), b = try fine()
        var streamed: [[UInt8]] = []
        var last = -1
        // Analysis frames go through yuv420p (features version 2), as `sampleTimes` converts them.
        let requests = times.map { FrameRequest(time: $0, size: PixelSize(width: width, height: height), conversion: .viaYUV420) }
        try VideoReader(path: video).fetch(requests, strategy: .stream) { frame in
            if frame.sourceIndex != last { streamed.append(frame.rgb) }
            last = frame.sourceIndex
        }
        #expect(a.fallbacks == 1 && b.fallbacks == 1)
        let same = a.pixels == b.pixels, streamedSame = a.pixels == streamed  // outside #expect: megabytes
        #expect(same && a.pixels.count == times.count)
        #expect(streamedSame)
        // The whole compression: the same bytes twice, and the fallback said in the progress notes.
        let merged = try CoarseToFine.refine(coarse: coarse, windows: windows, source: source, config: engine.config, progress: engine.progress)
        let q = try engine.query(image: query, features: merged)  // in the refitted embedder's space
        #expect(notes.all.contains { $0.contains("cockatoo.mp4") && $0.contains("streaming from the start") }, "\(notes.all)")
        let first = try engine.compressRefined(video: video, features: merged, query: q, budget: 800)
        let second = try engine.compressRefined(video: video, features: merged, query: q, budget: 800)
        let streamedRun = try engine.compress(video: video, features: merged, query: q, budget: 800)
        let identical = first.sequence.pixelValues == second.sequence.pixelValues
        let likeStreamed = first.sequence.pixelValues == streamedRun.sequence.pixelValues
        #expect(identical && likeStreamed)
        #expect(first.manifest.blocks.map(\.timeSeconds) == streamedRun.manifest.blocks.map(\.timeSeconds))
    }

    @Test("bad input: a full features file for the fine pass, options out of range, the CLI naming the file")
    func errors() throws {
        let f = try Self.fixture.get()
        var config = CompressionConfig()
        config.analysis.candidateFPS = 0.5
        let full = try Engine(config: config).analyze(video: f.dense)
        #expect(throws: CoarseToFineError.notCoarse(path: "full.safetensors", pass: "full")) {
            try CoarseToFine.refine(coarse: full, windows: [], source: try VideoFileSource(path: f.dense), config: config, featuresPath: "full.safetensors")
        }
        var options = CoarseToFine.Options()
        options.maxKeyframeGapSeconds = 0
        #expect(throws: CoarseToFineError.invalidOption(name: "max_keyframe_gap_s", value: 0, expected: "0.1…600")) {
            try Self.engine().analyzeCoarse(video: f.dense, options: options)
        }
        let dir = TestClips.scratch("c2f-cli")
        let features = dir.appendingPathComponent("full.safetensors").path
        try full.write(to: features)
        let result = try CLIRunner.run(["compress", f.dense, "--query-image", f.query, "--budget", "500", "--coarse-to-fine",
                                        "--features", features, "--out", dir.appendingPathComponent("out").path])
        #expect(result.status != 0)
        #expect(result.stderr.contains("full.safetensors") && result.stderr.contains("analyze --coarse"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out").path))
    }
}

/// Progress notes collected from any thread.
final class NoteLog: @unchecked Sendable {
    private let lock = NSLock()
    private var notes: [String] = []
    func append(_ note: String) { lock.withLock { notes.append(note) } }
    var all: [String] { lock.withLock { notes } }
}
