import ARRCOC
import ARRCOCPipeline
import Foundation
import VideoDecoding

/// `--suite breakdown`: where the CPU time of an analysis goes, per candidate frame, on one clip
/// (the first `make-inputs.sh` clip matching `--only`, or the file `--only` names; default the 1-minute 720p H.264 at 30 fps):
/// decoding alone (frames handed on unconverted), decoding + RGB conversion at the analysis size
/// — the analysis's own (`.viaYUV420`: libswscale to yuv420p, then `YUVToRGB`) and, for
/// comparison, embedder version 1's (`.scaledRGB`: libswscale's bicubic scaled RGB24) — describing the converted frames (`FeatureAnalyzer.add`), and
/// the PCA fit + embedding (`finish`), and scoring an image query (a 160-px crop of the clip's
/// middle frame) on its grids alone and with the shifted ones (`query.shifted_grids`, at the
/// default `query.grid_shift`: quarter cells).
/// CPU seconds of this process (all threads), so the figures do not depend on how well the
/// stages overlap.
func breakdownBenchmark(_ options: Options) throws {
    let kind = options.only ?? "h264-720p-ultrafast-g250-30fps"
    // `--only` names a kind of make-inputs.sh, or a video file.
    let given = FileManager.default.fileExists(atPath: kind) ? Tool.Clip(kind: (kind as NSString).lastPathComponent, minutes: 1, path: kind) : nil
    guard let clip = try given ?? Tool.makeInputs(quick: true).first(where: { $0.kind.contains(kind) && $0.minutes == 1 }) else {
        throw BenchError.missing("no 1-minute clip of kind \(kind)")
    }
    let info = try VideoProbe.probe(path: clip.path)
    let grid = TokenGrid.levels(width: info.width, height: info.height).last ?? THW(t: 1, h: 1, w: 1)
    let size = PixelSize(width: grid.w * 32, height: grid.h * 32)
    print("\nper candidate frame, \(clip.kind) (\(info.width)x\(info.height) \(info.codec), 1 min) → \(size.width)x\(size.height), 2 fps")
    var decodeOnly: [Double] = [], decodeConvert: [Double] = [], decodeScaledRGB: [Double] = [], describe: [Double] = [], fit: [Double] = []
    var score: [Bool: [Double]] = [:], vectors: [Bool: Int] = [:]
    let queryPath = FileManager.default.temporaryDirectory.appendingPathComponent("arrcoc-bench-query-\(getpid()).png").path
    defer { try? FileManager.default.removeItem(atPath: queryPath) }
    var frames: [(Double, RGBImage)] = []
    let wanted = options.runsGiven ? options.runs : 3
    for _ in 0..<wanted {
        var count = 0
        decodeOnly.append(try cpuSeconds {
            try VideoReader(path: clip.path).sampleDecoded(fps: 2, size: size) { _ in count += 1 }
        } / Double(max(count, 1)))
        var scaled = 0
        decodeScaledRGB.append(try cpuSeconds {
            try VideoReader(path: clip.path).sample(fps: 2, size: size, conversion: .scaledRGB) { _ in scaled += 1 }
        } / Double(max(scaled, 1)))
        frames = []
        decodeConvert.append(try cpuSeconds {
            try VideoReader(path: clip.path).sample(fps: 2, size: size, conversion: .viaYUV420) { frame in
                frames.append((frame.time, RGBImage(width: frame.size.width, height: frame.size.height, pixels: frame.rgb)))
            }
        } / Double(max(frames.count, 1)))
        let analyzer = FeatureAnalyzer(rows: grid.h, cols: grid.w, dimension: 24)
        describe.append(try cpuSeconds { for (time, image) in frames { try analyzer.add(image, time: time) } } / Double(max(frames.count, 1)))
        let source = FeatureInfo.Source(path: clip.path, sha256: String(repeating: "0", count: 64), durationSeconds: 60, fps: info.fps,
                                        width: info.width, height: info.height, codec: info.codec)
        var features: FeatureSet? = nil
        fit.append(try cpuSeconds { features = try analyzer.finish(source: source, candidateFPS: 2) } / Double(max(frames.count, 1)))
        guard let features, let middle = frames.dropFirst(frames.count / 2).first?.1, middle.width >= 160, middle.height >= 160 else { continue }
        let crop = middle.cropped(x: (middle.width - 160) / 2, y: (middle.height - 160) / 2, width: 160, height: 160)
        try PNGWriter.write(VideoFrame(time: 0, target: 0, sourceIndex: 0, size: PixelSize(width: 160, height: 160), rgb: crop.pixels), to: queryPath)
        for shifted in [false, true] {
            var config = CompressionConfig()
            config.query.shiftedGrids = shifted
            let query = try Engine(config: config).query(image: queryPath, features: features).query
            vectors[shifted] = query.count
            score[shifted, default: []].append(try cpuSeconds {
                _ = try OpponentProcessingScorer(config: config.scoring).score(features, query: query)
            } / Double(max(frames.count, 1)))
        }
    }
    let ms = { (xs: [Double]) in String(format: "%6.2f ms", median(xs) * 1000) }
    print("  decode (all source frames, unconverted) \(ms(decodeOnly))")
    print("  RGB conversion via yuv420p (analysis)   \(ms(decodeConvert.enumerated().map { $1 - decodeOnly[$0] }))")
    print("  (v1: swscale bicubic scaled RGB24       \(ms(decodeScaledRGB.enumerated().map { $1 - decodeOnly[$0] })))")
    print("  describe (FeatureAnalyzer.add)          \(ms(describe))")
    print("  PCA fit + embedding (per frame)         \(ms(fit))")
    for shifted in [false, true] where score[shifted] != nil {
        let label = shifted ? "with shifted grids" : "grids alone       "
        print("  score a 160-px query, \(label) \(ms(score[shifted] ?? [])) (\(vectors[shifted] ?? 0) vectors)")
    }
    print("  (CPU time of all threads, median of \(wanted); \(frames.count) candidate frames)")
}

/// CPU seconds (user + system, all threads) this process spends in `body`.
func cpuSeconds(_ body: () throws -> Void) rethrows -> Double {
    func now() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }
    let start = now()
    try body()
    return now() - start
}
