import ARRCOC
import Foundation
import VideoDecoding

/// Runs a sweep: materialises the dataset (haystack clips, features), then every run, appending
/// rows to a journal as they finish; finally writes the outputs. `@unchecked Sendable`: the
/// journal and the counters are touched only under `lock`.
public final class SweepRunner: @unchecked Sendable {
    public let config: SweepConfig
    public let configText: String
    public let out: URL
    public let shard: Shard
    public let jobs: Int
    /// Another sweep's output directory whose analysis (cache/ features, clips/ haystacks) is
    /// reused read-only: what it lacks is computed into `out`, never into it.
    public let sharedCache: URL?
    private let progress: ProgressHandler
    private let lock = NSLock()
    private var journal: FileHandle? = nil
    private var done = 0
    private var doneOfVideo = 0

    /// A video of the dataset: its name in results, and how to get it.
    enum Source {
        case haystack(spec: SweepConfig.HaystackSpec, seed: UInt64)
        case video(SweepConfig.VideoSpec)
    }

    /// - Parameters:
    ///   - configText: the sweep file's text, kept in `out/sweep.yaml` (a resumed run must match it).
    ///   - shard: this process's share: whole videos, each analysed in one shard only (`Shard`).
    ///   - jobs: runs evaluated in parallel.
    ///   - progress: runs done, and notes (video ready, failures); from any thread.
    ///   - sharedCache: another sweep's output directory to reuse the analysis of, read-only
    ///     (`sweep --cache`); checked by `checkSharedCache`.
    public init(config: SweepConfig, configText: String, out: URL, shard: Shard = .all, jobs: Int = 1,
                sharedCache: URL? = nil, progress: @escaping ProgressHandler = { _ in }) {
        self.config = config
        self.configText = configText
        self.out = out
        self.shard = shard
        self.jobs = max(1, jobs)
        self.sharedCache = sharedCache
        self.progress = progress
    }

    /// `dir` must be another sweep's output directory (it holds `cache/`), not `out` itself.
    /// - Throws: `ConfigError` naming `--cache` and the directory (and, when `dir` is such a
    ///   directory's `cache/` folder itself, the directory to give instead).
    public static func checkSharedCache(_ dir: URL, out: URL) throws {
        func holdsCache(_ url: URL) -> Bool {
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: url.appendingPathComponent("cache").path, isDirectory: &isDirectory)
                && isDirectory.boolValue
        }
        guard holdsCache(dir) else {
            let parent = dir.standardizedFileURL.deletingLastPathComponent()
            let expected = dir.standardizedFileURL.lastPathComponent == "cache" && holdsCache(parent)
                ? "another sweep's output directory, the folder that holds cache/ (here \(parent.path)), not cache/ itself"
                : "another sweep's output directory (holding cache/)"
            throw ConfigError.invalidValue(key: "--cache", value: dir.path, expected: expected)
        }
        guard dir.standardizedFileURL.resolvingSymlinksInPath() != out.standardizedFileURL.resolvingSymlinksInPath() else {
            throw ConfigError.invalidValue(key: "--cache", value: "\(dir.path) (the --out directory)",
                                           expected: "another sweep's output directory, not the --out directory")
        }
    }

    /// Names of the dataset's videos, in order, with how to make each.
    static func videos(_ config: SweepConfig) -> [(name: String, source: Source)] {
        var result: [(String, Source)] = []
        for (i, h) in config.haystacks.enumerated() {
            let stem = URL(fileURLWithPath: h.background).deletingPathExtension().lastPathComponent
            for c in 0..<h.clips {
                result.append(("h\(i)c\(c)-\(stem)", .haystack(spec: h, seed: config.seed &* 1_000_003 &+ UInt64(i * 1000 + c))))
            }
        }
        var seen = Set(result.map(\.0))
        for (i, v) in config.videos.enumerated() {
            var name = URL(fileURLWithPath: v.video).deletingPathExtension().lastPathComponent
            if seen.contains(name) { name += "-\(i)" }
            seen.insert(name)
            result.append((name, .video(v)))
        }
        return result
    }

    /// Runs every pending run of this shard; returns false when a video failed (the others ran).
    public func run() throws -> Bool {
        let configCopy = out.appendingPathComponent("sweep.yaml")
        try Self.checkResumable(out, configText: configText)
        if let sharedCache { try Self.checkSharedCache(sharedCache, out: out) }
        try StagedOutput.createFolder(out)
        let runLock = try DirectoryLock(out, command: "sweep")
        defer { runLock.release() }
        // Held by this run alone now: temporary files a killed run left are removed.
        for folder in [out, out.appendingPathComponent("clips"), out.appendingPathComponent("cache")] {
            StagedOutput.removeStaleTemporaryFiles(in: folder)
        }
        try Data("{\"tool\": \"arrcoc\", \"command\": \"sweep\"}\n".utf8).write(to: out.appendingPathComponent(StagedOutput.markerName))
        try AtomicWrite.write(Data(configText.utf8), to: configCopy.path)
        let videos = Self.videos(config)
        let runs = Self.share(SweepRun.all(config, videos: videos.map(\.name)), videos: videos.map(\.name), shard: shard)
        var rows = try loadJournal(keys: Set(runs.map(\.key)))
        let finished = Set(rows.keys)
        let pending = runs.filter { !finished.contains($0.key) }
        done = runs.count - pending.count
        let mine = Set(runs.map(\.video)).count
        log("sweep \(config.name): \(videos.count) videos, \(runs.count) runs on \(mine) of them in shard \(shard)" +
            (done > 0 ? ", \(done) already done" : ""))
        var failures: [String] = []
        var analysisSeconds = 0.0, runSeconds = 0.0
        let byVideo = Dictionary(grouping: pending, by: \.video)
        for (v, (name, source)) in videos.enumerated() {
            guard let videoRuns = byVideo[name], !videoRuns.isEmpty else { continue }
            let t0 = Date()
            let prepared: Prepared
            do {
                prepared = try prepare(name: name, source: source)
            } catch {
                failures.append("\(name): \(error.localizedDescription)")
                log("video \(name) failed: \(error.localizedDescription); going on with the others")
                continue
            }
            analysisSeconds += Date().timeIntervalSince(t0)
            log("video \(v + 1)/\(videos.count) \(name) ready (\(String(format: "%.1f", Date().timeIntervalSince(t0))) s); \(videoRuns.count) runs")
            let t1 = Date()
            lock.withLock { doneOfVideo = 0 }
            progress(.started(task: "runs of \(name)", total: videoRuns.count))
            execute(videoRuns, prepared)
            progress(.finished)
            runSeconds += Date().timeIntervalSince(t1)
        }
        try? journal?.close()
        journal = nil
        rows = try loadJournal(keys: Set(runs.map(\.key)))
        let ordered = runs.compactMap { rows[$0.key] }
        try Self.writeOutputs(ordered, name: config.name, failures: failures, to: out)
        let timing = ["analysis_s": analysisSeconds, "allocation_and_metrics_s": runSeconds]
        try AtomicWrite.write(try JSONSerialization.data(withJSONObject: timing, options: [.sortedKeys]), to: out.appendingPathComponent("timing.json").path)
        log(String(format: "done: %d rows; analysis %.1f s (clips, features, scores), allocation + metrics %.1f s; outputs in %@",
                   ordered.count, analysisSeconds, runSeconds, out.path))
        return failures.isEmpty
    }

    /// The runs of `shard`: every run of the videos it owns (`Shard.runs(unit:ofItem:items:)`),
    /// in the order of `runs`.
    static func share(_ runs: [SweepRun], videos: [String], shard: Shard) -> [SweepRun] {
        let position = Dictionary(videos.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        var unit: [String: Int] = [:]
        return runs.filter { run in
            guard let item = position[run.video] else { return false }
            let u = unit[run.video, default: 0]
            unit[run.video] = u + 1
            return shard.runs(unit: u, ofItem: item, items: videos.count)
        }
    }

    struct Prepared: Sendable {
        var features: FeatureSet
        var scores: RelevanceScores
        var truth: Truth
        var reference: Int
    }

    /// The clip (generated if a recipe), its features (cached), its query and scores.
    private func prepare(name: String, source: Source) throws -> Prepared {
        let fm = FileManager.default
        let clips = out.appendingPathComponent("clips"), cache = out.appendingPathComponent("cache")
        try fm.createDirectory(at: clips, withIntermediateDirectories: true)
        try fm.createDirectory(at: cache, withIntermediateDirectories: true)
        let video: String
        let truth: Truth
        let truthFile: String
        switch source {
        case let .haystack(spec, seed):
            video = clips.appendingPathComponent("\(name).mp4").path
            let truthPath = clips.appendingPathComponent("\(name).yaml").path
            truthFile = truthPath
            let sharedClips = sharedCache?.appendingPathComponent("clips")
            if !fm.fileExists(atPath: video), let sharedClips,
               fm.fileExists(atPath: sharedClips.appendingPathComponent("\(name).mp4").path),
               fm.fileExists(atPath: sharedClips.appendingPathComponent("\(name).yaml").path) {
                // The shared sweep made this clip from the same recipe: copy it (never move or link).
                for file in ["\(name).mp4", "\(name).yaml"] {
                    try AtomicWrite.write(try Data(contentsOf: sharedClips.appendingPathComponent(file)), to: clips.appendingPathComponent(file).path)
                }
                if spec.needle == "builtin" { _ = try HaystackBuilder.builtinNeedle(in: clips) }  // the truth's query, beside it
            }
            if fm.fileExists(atPath: video), fm.fileExists(atPath: truthPath) {
                truth = try Truth.load(path: truthPath)
            } else {
                let needle = spec.needle == "builtin" ? try HaystackBuilder.builtinNeedle(in: clips) : spec.needle
                let info = try VideoProbe.probe(path: spec.background)
                let n = try VideoProbe.probe(path: needle, countFrames: false)
                guard info.width > 0, info.height > 0, n.width > 0, n.height > 0 else {
                    throw FormatError.malformed(path: info.width > 0 && info.height > 0 ? needle : spec.background,
                                                format: "video or image", reason: "no picture size")
                }
                let duration = info.durationSeconds ?? 10
                try Limit.durationSeconds.check(duration, in: spec.background, what: "duration")
                let recipe = try HaystackRecipe.random(
                    duration: duration, count: spec.events, eventDuration: spec.eventDuration, scale: spec.scale,
                    needleAspect: Double(n.height) / Double(n.width), frameAspect: Double(info.width) / Double(info.height),
                    moving: spec.moving, seed: seed)
                truth = try HaystackBuilder.build(background: spec.background, needle: needle, recipe: recipe, output: video)
                try AtomicWrite.write(Data(try truth.relativizingPaths(to: clips.path).yaml().utf8), to: truthPath)
            }
        case let .video(spec):
            video = spec.video
            truthFile = spec.truth
            truth = try Truth.load(path: spec.truth)
        }
        let sha = try SHA256.hexDigest(ofFile: video)
        let a = config.base
        let cacheName = "\(sha.prefix(16))-fps\(SweepRow.number(a.analysis.candidateFPS))-d\(a.analysis.embeddingDim)-t\(a.allocation.minTokens)-\(a.allocation.maxTokens)-v\(DescriptorEmbedder.version).safetensors"
        var cached = cache.appendingPathComponent(cacheName).path
        let features: FeatureSet
        if let shared = sharedCache?.appendingPathComponent("cache").appendingPathComponent(cacheName).path,
           !fm.fileExists(atPath: cached), fm.fileExists(atPath: shared) {
            features = try FeatureSet(contentsOf: shared)  // read-only: nothing is written there
            cached = shared
            try Self.checkCached(features, path: cached, sha256: sha, config: a)
        } else if fm.fileExists(atPath: cached) {
            features = try FeatureSet(contentsOf: cached)
            try Self.checkCached(features, path: cached, sha256: sha, config: a)
        } else {
            features = try Engine(config: a).analyze(video: video, sha256: sha)
            try features.write(to: cached)
        }
        // Events far beyond the video are a wrong truth file, not moments nobody found.
        try truth.validate(path: truthFile, duration: features.info.source.durationSeconds)
        let query: Query
        if truth.query.hasSuffix(".npy") {
            query = try QueryInput.embedding(path: truth.query, features: features).query
        } else {
            query = try Engine(config: a).query(image: truth.query, features: features, featuresPath: cached).query
        }
        let scores = try OpponentProcessingScorer(config: a.scoring).score(features, query: query)
        let s = features.info.source
        let reference = QwenVideoDefaults.plan(totalFrames: max(2, Int((s.durationSeconds * s.fps).rounded())), videoFPS: s.fps,
                                               width: s.width, height: s.height).totalTokens
        return Prepared(features: features, scores: scores, truth: truth, reference: reference)
    }

    /// A cached features file must be the analysis its name stands for: of this video (by
    /// SHA-256), a full pass at the configured candidate rate and embedding size. Its name says
    /// so, but a file is read, not trusted.
    static func checkCached(_ features: FeatureSet, path: String, sha256: String, config: CompressionConfig) throws(FeatureError) {
        let info = features.info, a = config.analysis
        let found = "sha256 \(info.source.sha256.prefix(12))…, pass \(info.analysis.pass?.rawValue ?? "full"), "
            + "\(SweepRow.number(info.analysis.candidateFPS)) fps, dimension \(features.dimension)"
        let expected = "sha256 \(sha256.prefix(12))…, pass full, \(SweepRow.number(a.candidateFPS)) fps, dimension \(a.embeddingDim)"
        guard info.source.sha256 == sha256, info.analysis.pass == nil, abs(info.analysis.candidateFPS - a.candidateFPS) < 1e-9,
              features.dimension == a.embeddingDim else {
            throw .cachedFeaturesMismatch(path: path, found: found, expected: expected)
        }
    }

    /// A sweep writes into a new or empty directory, or resumes in one holding this same sweep;
    /// it never writes among files it did not make.
    static func checkResumable(_ out: URL, configText: String) throws {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: out.path, isDirectory: &isDirectory) else { return }
        let expected = "a new or empty directory, or one holding this same sweep"
        guard isDirectory.boolValue else {
            throw ConfigError.invalidValue(key: "--out", value: "\(out.path) (exists and is not a directory)", expected: expected)
        }
        if let existing = fm.contents(atPath: out.appendingPathComponent("sweep.yaml").path) {
            guard String(decoding: existing, as: UTF8.self) == configText else {
                throw ConfigError.invalidValue(key: "--out", value: "\(out.path) (holds another sweep: its sweep.yaml differs)", expected: expected)
            }
            return
        }
        guard (try? fm.contentsOfDirectory(atPath: out.path))?.isEmpty == true else {
            throw ConfigError.invalidValue(key: "--out", value: "\(out.path) (is not empty and holds no sweep)", expected: expected)
        }
    }

    /// Runs in parallel (`jobs` at a time), each row appended to the journal when done.
    private func execute(_ runs: [SweepRun], _ p: Prepared) {
        let group = DispatchGroup()
        let slots = DispatchSemaphore(value: jobs)
        let base = config.base
        let minBox = config.minBoxTokens
        for run in runs {
            slots.wait()
            group.enter()
            DispatchQueue.global().async {
                defer {
                    slots.signal()
                    group.leave()
                }
                let row = Self.evaluate(run, p, base: base, minBoxTokens: minBox)
                self.append(row)
            }
        }
        group.wait()
    }

    static func evaluate(_ run: SweepRun, _ p: Prepared, base: CompressionConfig, minBoxTokens: Double) -> SweepRow {
        var c = base
        c.strategy = run.strategy
        c.strategyParams = run.parameters
        c.emission.format = run.format
        c.emission.mode = run.mode
        do {
            let plan = try Compressor.plan(features: p.features, scores: p.scores, config: c, budget: run.budget)
            let blocks = plan.allocation.blocks.enumerated().map { i, b in
                EvaluatedBlock(time: b.time, tokens: b.tokens, grid: plan.pixelGrids[i], keptCells: run.mode == .select ? plan.cells[i] : nil,
                               region: b.region)
            }
            let m = Evaluation.evaluate(blocks: blocks, truth: p.truth, delta: run.delta, minBoxTokens: minBoxTokens,
                                        tokensUsed: plan.allocation.totalTokens, budget: run.budget, qwen3vlDefaultTokens: p.reference)
            return SweepRow(run: run, status: .ok, blocks: blocks.count, metrics: m)
        } catch {
            let m = Metrics(delta: run.delta, temporalRecall: 0, precision: 0, f1: 0, eventHit: 0, detailRecall: 0, tokenShareOnEvents: 0,
                            tokensUsed: 0, budget: run.budget, qwen3vlDefaultTokens: p.reference, compressionRatio: 0)
            return SweepRow(run: run, status: .init(error: error), blocks: 0, metrics: m)
        }
    }

    private func append(_ row: SweepRow) {
        let count = lock.withLock {
            journal?.write(Data((row.line + "\n").utf8))  // one write(2) per row: a kill leaves whole lines
            done += 1
            doneOfVideo += 1
            return doneOfVideo
        }
        progress(.advanced(done: count))
    }

    private func log(_ text: String) {
        progress(.note(text))
    }

    /// Rows already in the journal (for these keys); drops a partial last line left by a kill.
    private func loadJournal(keys: Set<String>) throws -> [String: SweepRow] {
        let path = out.appendingPathComponent("results.partial.csv").path
        let fm = FileManager.default
        if !fm.fileExists(atPath: path) {
            try AtomicWrite.write(Data((SweepRow.header + "\n").utf8), to: path)
        }
        var data = fm.contents(atPath: path) ?? Data()
        if let last = data.lastIndex(of: UInt8(ascii: "\n")), last != data.index(before: data.endIndex) {
            data = data.prefix(through: last)
            try AtomicWrite.write(data, to: path)
        }
        var rows: [String: SweepRow] = [:]
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            if let row = SweepRow(line: String(line)), keys.contains(row.key), rows[row.key] == nil { rows[row.key] = row }
        }
        if journal == nil {
            journal = FileHandle(forWritingAtPath: path)
            journal?.seekToEndOfFile()
        }
        return rows
    }

    /// Writes results.csv, summary.md, recall-vs-budget.svg (and failures.txt) into `dir`.
    static func writeOutputs(_ rows: [SweepRow], name: String, failures: [String], to dir: URL) throws {
        try AtomicWrite.write(Data(SweepReport.csv(rows).utf8), to: dir.appendingPathComponent("results.csv").path)
        try AtomicWrite.write(Data(SweepReport.summary(rows, name: name, failures: failures).utf8), to: dir.appendingPathComponent("summary.md").path)
        try AtomicWrite.write(Data(SweepReport.svg(rows, name: name).utf8), to: dir.appendingPathComponent("recall-vs-budget.svg").path)
        let failurePath = dir.appendingPathComponent("failures.txt").path
        if failures.isEmpty { try? FileManager.default.removeItem(atPath: failurePath) } else {
            try AtomicWrite.write(Data((failures.joined(separator: "\n") + "\n").utf8), to: failurePath)
        }
    }

    /// Joins the results of `directories` (shards of one sweep) into `out`, as the unsharded run
    /// writes them. An `out` that exists and holds anything is replaced only with `force`, and
    /// then only if it is a sweep of the same file; files arrcoc did not write in it are kept.
    public static func merge(_ directories: [URL], into out: URL, force: Bool = false, progress: @escaping ProgressHandler = { _ in }) throws {
        guard let first = directories.first else { throw ConfigError.invalidValue(key: "directories", value: "none", expected: "at least one shard directory") }
        var text: String? = nil
        var rows: [String: SweepRow] = [:]
        for dir in directories {
            let configPath = dir.appendingPathComponent("sweep.yaml").path
            guard let data = FileManager.default.contents(atPath: configPath) else {
                throw ConfigError.unreadable(path: configPath, reason: "not a sweep output directory (no sweep.yaml)")
            }
            let t = String(decoding: data, as: UTF8.self)
            if let text, text != t { throw ConfigError.invalidValue(key: "directories", value: dir.path, expected: "shards of one sweep (sweep.yaml differs from \(first.path))") }
            text = t
            for name in ["results.csv", "results.partial.csv"] {
                guard let d = FileManager.default.contents(atPath: dir.appendingPathComponent(name).path) else { continue }
                for line in String(decoding: d, as: UTF8.self).split(separator: "\n") {
                    if let row = SweepRow(line: String(line)), rows[row.key] == nil { rows[row.key] = row }
                }
            }
        }
        let config = try SweepConfig.parse(yaml: text ?? "", path: first.appendingPathComponent("sweep.yaml").path, checkFiles: false, resolve: { $0 })
        let runs = SweepRun.all(config, videos: videos(config).map(\.name))
        let ordered = runs.compactMap { rows[$0.key] }
        let real = { (u: URL) in u.standardizedFileURL.resolvingSymlinksInPath().path }
        if let same = directories.first(where: { real(out) == real($0) || real(out).hasPrefix(real($0) + "/") }) {
            throw ConfigError.invalidValue(key: "--out", value: out.path, expected: "a directory other than the shard \(same.path) being merged")
        }
        // Another sweep's directory, or a file, is refused whatever --force says; this sweep's
        // (or anything else non-empty) only without it.
        try checkResumable(out, configText: text ?? "")
        if !force, !((try? FileManager.default.contentsOfDirectory(atPath: out.path))?.isEmpty ?? true) {
            throw OutputError.exists(path: out.path)
        }
        // An output that may not be written is named first. An incomplete set writes nothing: a
        // merged directory is what an unsharded run gives.
        let missing = runs.count - ordered.count
        if missing > 0 {
            progress(.note("\(directories.count) directories hold \(ordered.count) of \(runs.count) runs (\(missing) missing); nothing written"))
            throw ExitCodeError.incomplete(missing: missing)
        }
        try StagedOutput.createFolder(out)
        // Not while a sweep (or another merge) runs in it.
        let runLock = try DirectoryLock(out, command: "sweep merge")
        defer { runLock.release() }
        try Data("{\"tool\": \"arrcoc\", \"command\": \"sweep merge\"}\n".utf8).write(to: out.appendingPathComponent(StagedOutput.markerName))
        try AtomicWrite.write(Data((text ?? "").utf8), to: out.appendingPathComponent("sweep.yaml").path)
        try writeOutputs(ordered, name: config.name, failures: [], to: out)
        progress(.note("merged \(directories.count) directories: \(ordered.count) of \(runs.count) runs → \(out.path)"))
    }
}
