import ARRCOC
import Foundation
import VideoDecoding

/// Bridges decoding and the core: samples candidate frames at the analysis grid and feeds the
/// `FeatureAnalyzer`, reporting progress on stderr.
enum VideoAnalysis {
    /// The analysis grid of a video: the largest token level (aspect kept) within `maxTokens`.
    static func grid(width: Int, height: Int, config: CompressionConfig) -> THW {
        TokenGrid.levels(width: width, height: height, minimum: config.allocation.minTokens,
                         maximum: config.allocation.maxTokens).last ?? THW(t: 1, h: 1, w: 1)
    }

    /// The source description (with its SHA-256) of a probed video.
    static func source(path: String, info: VideoInfo, sha256: String? = nil) throws -> FeatureInfo.Source {
        FeatureInfo.Source(
            path: path, sha256: try sha256 ?? SHA256.hexDigest(ofFile: path), durationSeconds: info.durationSeconds ?? 0,
            fps: info.fps, width: info.width, height: info.height, codec: info.codec)
    }

    /// Decodes `path` once and returns its features.
    /// - Parameter sha256: the file's digest when the caller already has it (saves a read).
    static func analyze(path: String, config: CompressionConfig, progress: Progress, sha256: String? = nil) throws -> FeatureSet {
        let reader = try VideoReader(path: path)
        // The header's duration when it can be trusted; packets are counted (one extra read of
        // the file) only when there is none, or for AVI, whose headers can overstate the length.
        let untrusted = reader.info.durationSeconds == nil || reader.info.container == "avi"
        let info = untrusted ? try VideoProbe.probe(path: path) : reader.info
        let grid = grid(width: info.width, height: info.height, config: config)
        let analyzer = FeatureAnalyzer(rows: grid.h, cols: grid.w, dimension: config.analysis.embeddingDim)
        let size = PixelSize(width: grid.w * 32, height: grid.h * 32)
        let expected = info.durationSeconds.map { Int($0 * config.analysis.candidateFPS) + 1 }
        progress.start("analysing \(URL(fileURLWithPath: path).lastPathComponent) (\(grid.h)×\(grid.w) cells, \(config.analysis.candidateFPS) fps)", total: expected)
        // Describe frames on a second thread while the decoder works on the next ones.
        let pipeline = AnalysisPipeline(analyzer)
        try reader.sample(fps: config.analysis.candidateFPS, size: size) { frame in
            try pipeline.submit(RGBImage(width: frame.size.width, height: frame.size.height, pixels: frame.rgb), time: frame.time)
            progress.advance()
        }
        try pipeline.drain()
        progress.finish()
        let source = try source(path: path, info: info, sha256: sha256)
        return try analyzer.finish(source: source, candidateFPS: config.analysis.candidateFPS)
    }
}

/// Runs `FeatureAnalyzer.add` on a serial queue, at most `depth` frames ahead of the decoder.
///
/// `@unchecked Sendable`: the analyzer is touched only on `queue` (until `drain()` returns), and
/// `failure` only under `lock`.
final class AnalysisPipeline: @unchecked Sendable {
    private let analyzer: FeatureAnalyzer
    private let queue = DispatchQueue(label: "arrcoc.analysis")
    private let slots: DispatchSemaphore
    private let lock = NSLock()
    private var failure: Error? = nil

    init(_ analyzer: FeatureAnalyzer, depth: Int = 4) {
        self.analyzer = analyzer
        slots = DispatchSemaphore(value: depth)
    }

    func submit(_ image: RGBImage, time: Double) throws {
        if let error = lock.withLock({ failure }) { throw error }
        slots.wait()
        queue.async {
            defer { self.slots.signal() }
            guard self.lock.withLock({ self.failure == nil }) else { return }
            do { try self.analyzer.add(image, time: time) } catch { self.lock.withLock { self.failure = error } }
        }
    }

    /// Waits for every submitted frame; rethrows the first failure.
    func drain() throws {
        queue.sync {}
        if let error = lock.withLock({ failure }) { throw error }
    }
}

/// Progress on stderr: a self-rewriting line on a terminal, a few plain lines otherwise.
final class Progress {
    private let enabled: Bool
    private let isTerminal = isatty(STDERR_FILENO) != 0
    private var label = ""
    private var total: Int? = nil
    private var done = 0
    private var lastReported = -1
    private var started = Date()

    init(enabled: Bool) {
        self.enabled = enabled
    }

    func start(_ label: String, total: Int?) {
        self.label = label
        self.total = total
        done = 0
        lastReported = -1
        started = Date()
    }

    func advance() {
        done += 1
        guard enabled else { return }
        if isTerminal {
            if let total, total > 0 {
                let pct = min(100, done * 100 / total)
                let elapsed = Date().timeIntervalSince(started)
                let eta = done > 0 ? elapsed / Double(done) * Double(max(total - done, 0)) : 0
                FileHandle.standardError.write(Data(String(format: "\r%@: %d/%d frames (%d%%, ETA %.0f s)   ", label, done, total, pct, eta).utf8))
            } else {
                FileHandle.standardError.write(Data("\r\(label): \(done) frames   ".utf8))
            }
        } else if let total, total > 0 {
            let decile = done * 10 / total
            if decile > lastReported, decile < 10 {
                lastReported = decile
                printErr("\(label): \(done)/\(total) frames")
            }
        }
    }

    func finish() {
        guard enabled else { return }
        if isTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
        printErr(String(format: "%@: %d frames in %.1f s", label, done, Date().timeIntervalSince(started)))
    }
}
