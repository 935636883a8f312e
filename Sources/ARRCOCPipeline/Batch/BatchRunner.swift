import ARRCOC
import Foundation

/// Runs a batch file (`arrcoc batch JOBS.jsonl --out DIR`): every task (a job at one budget) of
/// this shard is compressed into `DIR/outputs/ID/BUDGET/` and recorded in `DIR/journal.jsonl`
/// as it finishes, so an interrupted batch resumes where it stopped. A task that fails (a damaged
/// video, a missing query image) is recorded with its error and the batch goes on; at the end
/// `DIR/results.jsonl` lists every task of the shard in file order, and `DIR/failures.txt` the
/// failed ones.
///
/// Tasks are grouped by video, and a shard takes whole videos (`Shard`), so each video is
/// decoded and analysed once, in one shard; its features are held only while its tasks run.
public final class BatchRunner {
    public let jobsPath: String
    public let jobsText: String
    public let jobs: [BatchJob]
    public let config: CompressionConfig
    public let configText: String
    public let out: URL
    public let shard: Shard
    public let retryFailed: Bool
    private let progress: ProgressHandler
    private var journal: FileHandle? = nil

    /// The batch directory's own files.
    enum File {
        static let jobs = "batch.jsonl", config = "config.yaml", journal = "journal.jsonl", results = "results.jsonl"
        static let failures = "failures.txt", outputs = "outputs"
    }

    /// Reads and checks the batch file (every line, before any work).
    /// - Parameters:
    ///   - jobsFile: one JSON job per line (`BatchJob`); relative paths in it are taken from its
    ///     folder, else from the sample cache.
    ///   - config: the settings every job starts from (`--config`); `configText` is its YAML,
    ///     kept in `DIR/config.yaml` (a resumed batch must use the same).
    ///   - retryFailed: run again the tasks the journal records as failed.
    ///   - progress: notes per task, and the engine's progress; from the calling thread.
    public init(jobsFile: String, config: CompressionConfig = CompressionConfig(), configText: String = "", out: URL, shard: Shard = .all,
                retryFailed: Bool = false, progress: @escaping ProgressHandler = { _ in }) throws {
        jobsPath = jobsFile
        jobsText = try BatchJob.text(try SideFile.read(path: jobsFile, limit: .jsonBytes), source: jobsFile)
        let folder = URL(fileURLWithPath: jobsFile).deletingLastPathComponent()
        let samples = CacheDirectory.samples  // read from the environment once, not per line
        jobs = try BatchJob.parse(jobsText, source: jobsFile, base: config) { path in
            if path.hasPrefix("/") { return path }
            let beside = folder.appendingPathComponent(path).standardizedFileURL.path
            if FileManager.default.fileExists(atPath: beside) { return beside }
            let sample = samples.appendingPathComponent(path).path
            return FileManager.default.fileExists(atPath: sample) ? sample : beside
        }
        guard !jobs.isEmpty else { throw BatchError.empty(source: jobsFile) }
        try config.validate()
        self.config = config
        self.configText = configText
        self.out = out.standardizedFileURL
        self.shard = shard
        self.retryFailed = retryFailed
        self.progress = progress
    }

    /// A task: job `job` at `budget`.
    struct Task {
        var job: Int
        var budget: Int
    }

    /// Every task of the batch grouped by video (in order of first appearance), and within a
    /// video in file order.
    static func tasksByVideo(_ jobs: [BatchJob]) -> [[Task]] {
        var order: [String] = []
        var groups: [String: [Task]] = [:]
        for (j, job) in jobs.enumerated() {
            if groups[job.video] == nil { order.append(job.video) }
            for budget in job.budgets { groups[job.video, default: []].append(Task(job: j, budget: budget)) }
        }
        return order.map { groups[$0] ?? [] }
    }

    /// The keys of every task in file order.
    static func keys(_ jobs: [BatchJob]) -> [String] {
        jobs.flatMap { job in job.budgets.map { BatchRecord.key(id: job.id, budget: $0) } }
    }

    /// Runs every pending task of this shard.
    /// - Returns: the shard's tasks, with the failed ones (the batch goes on past them).
    /// - Throws: only when the batch cannot run at all (the directory is another batch's, a
    ///   file of the directory cannot be written).
    public func run() throws -> BatchReport {
        try prepareDirectory()
        let runLock = try DirectoryLock(out, command: "batch")
        defer { runLock.release() }
        let groups = Self.tasksByVideo(jobs)
        var mine: [(group: Int, tasks: [Task])] = []
        for (v, group) in groups.enumerated() {
            let tasks = group.enumerated().filter { shard.runs(unit: $0.offset, ofItem: v, items: groups.count) }.map(\.element)
            if !tasks.isEmpty { mine.append((v, tasks)) }
        }
        let keys = Set(mine.flatMap { $0.tasks.map { BatchRecord.key(id: jobs[$0.job].id, budget: $0.budget) } })
        let before = try loadJournal().filter { keys.contains($0.key) }
        journal = FileHandle(forWritingAtPath: out.appendingPathComponent(File.journal).path)
        _ = try journal?.seekToEnd()
        defer {
            try? journal?.close()
            journal = nil
        }
        let finished = Set(before.values.filter { isFinished($0) }.map(\.key))
        let total = keys.count
        note("batch \(URL(fileURLWithPath: jobsPath).lastPathComponent): \(jobs.count) jobs on \(groups.count) videos; shard \(shard) has "
             + "\(total) tasks on \(mine.count) videos" + (finished.isEmpty ? "" : ", \(finished.count) already done"))
        var done = finished.count
        for (_, tasks) in mine {
            let pending = tasks.filter { !finished.contains(BatchRecord.key(id: jobs[$0.job].id, budget: $0.budget)) }
            guard let first = pending.first else { continue }
            let video = jobs[first.job].video
            var analysed: Result<FeatureSet, Error>? = nil
            var loaded: [String: Result<FeatureSet, Error>] = [:]
            var queries: [Int: Result<QueryInput, Error>] = [:]
            for task in pending {
                let job = jobs[task.job]
                let settings = job.config(base: config)
                let record: BatchRecord
                do {
                    let features: FeatureSet
                    if let path = job.features {
                        let result = loaded[path] ?? Result { try Engine(config: config, progress: progress).features(at: path, for: video) }
                        loaded[path] = result
                        features = try result.get()
                    } else {
                        let result = analysed ?? Result { () throws -> FeatureSet in
                            note("analysis of \(video)")
                            return try Engine(config: config, progress: progress).analyze(video: video)
                        }
                        analysed = result
                        features = try result.get()
                    }
                    let engine = try Engine(config: settings, progress: progress)
                    let query = queries[task.job] ?? Result {
                        switch job.query {
                        case let .image(path): try engine.query(image: path, features: features, featuresPath: job.features)
                        case let .embedding(path): try engine.query(embedding: path, features: features)
                        }
                    }
                    queries[task.job] = query
                    let relative = "\(File.outputs)/\(job.id)/\(task.budget)"
                    let output = try StagedOutput(path: out.appendingPathComponent(relative).path, kind: .directory, force: true,
                                                  inputs: job.inputs + [jobsPath], command: "batch")
                    // Streamed as `compress` streams: the pixels go to the file block by block.
                    let result = try engine.compress(video: video, features: features, query: try query.get(),
                                                     budget: task.budget, writingTo: output.staging)
                    try output.commit()
                    record = BatchRecord(job: job, budget: task.budget, config: settings, output: relative, manifest: result.manifest)
                } catch {
                    record = BatchRecord(job: job, budget: task.budget, config: settings, error: Self.oneLine(error.localizedDescription))
                }
                try append(record)
                done += 1
                note("[\(done)/\(total)] \(record.key): " + (record.succeeded
                    ? "\(record.blocks ?? 0) blocks, \(record.sequenceLength ?? 0) of \(task.budget) tokens"
                    : "failed: \(record.error ?? "")"))
            }
        }
        let records = try loadJournal()
        let ordered = Self.keys(jobs).filter(keys.contains).compactMap { records[$0] }
        try Self.writeResults(ordered, to: out)
        return BatchReport(tasks: total, alreadyDone: finished.count, records: ordered, directory: out.path)
    }

    /// Creates `out` or checks that it holds this batch; keeps the batch file and the settings.
    private func prepareDirectory() throws {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        let jobsCopy = out.appendingPathComponent(File.jobs), configCopy = out.appendingPathComponent(File.config)
        let resolved = StagedOutput.resolve(out.path)
        for input in [jobsPath] + jobs.flatMap(\.inputs) where StagedOutput.resolve(input) == resolved {
            throw OutputError.isInput(output: out.path, input: input)
        }
        if fm.fileExists(atPath: out.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw BatchError.notThisBatch(directory: out.path, reason: "exists and is not a directory") }
            if let existing = fm.contents(atPath: jobsCopy.path) {
                guard String(decoding: existing, as: UTF8.self) == jobsText else {
                    throw BatchError.notThisBatch(directory: out.path, reason: "holds another batch (its \(File.jobs) differs)")
                }
                guard String(decoding: fm.contents(atPath: configCopy.path) ?? Data(), as: UTF8.self) == configText else {
                    throw BatchError.notThisBatch(directory: out.path, reason: "was run with other settings (its \(File.config) differs from --config)")
                }
                return
            }
            guard (try? fm.contentsOfDirectory(atPath: out.path))?.isEmpty == true else {
                throw BatchError.notThisBatch(directory: out.path, reason: "exists, is not empty and holds no batch")
            }
        }
        try StagedOutput.createFolder(out)
        try Data("{\"tool\": \"arrcoc\", \"command\": \"batch\"}\n".utf8).write(to: out.appendingPathComponent(StagedOutput.markerName))
        try AtomicWrite.write(Data(configText.utf8), to: configCopy.path)
        try AtomicWrite.write(Data(jobsText.utf8), to: jobsCopy.path)
    }

    /// Whether the journal's record means the task need not run again.
    private func isFinished(_ record: BatchRecord) -> Bool {
        guard record.succeeded else { return !retryFailed }
        guard let output = record.output else { return false }
        return Self.hasOutput(out, output)
    }

    /// Whether the batch directory `directory` holds the output folder `output` with its
    /// manifest (outputs appear whole, renamed into place): what resuming and merging both trust.
    static func hasOutput(_ directory: URL, _ output: String) -> Bool {
        FileManager.default.fileExists(atPath: directory.appendingPathComponent(output).appendingPathComponent("manifest.json").path)
    }

    /// The journal's records, the last one of each task winning; drops a partial last line left
    /// by a kill.
    private func loadJournal() throws -> [String: BatchRecord] {
        let path = out.appendingPathComponent(File.journal).path
        let fm = FileManager.default
        if !fm.fileExists(atPath: path) { try AtomicWrite.write(Data(), to: path) }
        var data = try SideFile.read(path: path, limit: .sideFileBytes)
        if let last = data.lastIndex(of: UInt8(ascii: "\n")), last != data.index(before: data.endIndex) {
            data = data.prefix(through: last)
            try AtomicWrite.write(data, to: path)
        } else if !data.isEmpty, data.last != UInt8(ascii: "\n") {
            data = Data()
            try AtomicWrite.write(data, to: path)
        }
        return Self.records(in: data)
    }

    static func records(in data: Data) -> [String: BatchRecord] {
        var records: [String: BatchRecord] = [:]
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            if let record = BatchRecord(line: line) { records[record.key] = record }
        }
        return records
    }

    /// Appends one record in one write(2), so a kill leaves whole lines.
    private func append(_ record: BatchRecord) throws {
        guard let journal else { throw OutputError.unwritable(path: out.appendingPathComponent(File.journal).path, reason: "cannot open for appending") }
        try journal.write(contentsOf: Data((record.line + "\n").utf8))
    }

    private func note(_ text: String) { progress(.note(text)) }

    static func oneLine(_ text: String) -> String {
        text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
    }

    /// Writes `results.jsonl` and `failures.txt` (removed when nothing failed) into `dir`.
    static func writeResults(_ records: [BatchRecord], to dir: URL) throws {
        let text = records.map { $0.line + "\n" }.joined()
        try AtomicWrite.write(Data(text.utf8), to: dir.appendingPathComponent(File.results).path)
        let failures = records.filter { !$0.succeeded }
        let path = dir.appendingPathComponent(File.failures).path
        if failures.isEmpty { try? FileManager.default.removeItem(atPath: path) } else {
            try AtomicWrite.write(Data(failures.map { "\($0.key): \($0.error ?? "")\n" }.joined().utf8), to: path)
        }
    }
}

/// What a batch (or a merge) did: its tasks, in file order, with their outcome.
public struct BatchReport: Sendable {
    /// Tasks in this shard.
    public var tasks: Int
    /// Tasks found finished in the journal when the run started.
    public var alreadyDone: Int
    public var records: [BatchRecord]
    public var directory: String

    public var failures: [BatchRecord] { records.filter { !$0.succeeded } }
    public var succeeded: Int { records.count - failures.count }
}
