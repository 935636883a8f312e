import ARRCOC
import Foundation

extension BatchRunner {
    /// Joins the directories of a batch's shards into the directory an unsharded run writes:
    /// the same `results.jsonl` and `failures.txt`, byte for byte, and every output under
    /// `outputs/` (hard links when the file system allows, copies otherwise). `out` appears
    /// whole or not at all (`StagedOutput`).
    /// - Parameter force: replace `out` if it is an arrcoc output directory (a previous merge).
    /// - Throws: `BatchError.mismatchedShards` for directories of different batches;
    ///   `BatchError.incomplete` (writing nothing) when some task is in no shard.
    @discardableResult
    public static func merge(_ directories: [URL], into out: String, force: Bool = false,
                             progress: @escaping ProgressHandler = { _ in }) throws -> BatchReport {
        guard let first = directories.first else {
            throw BatchError.mismatchedShards(directory: out, reason: "no shard directory given")
        }
        let fm = FileManager.default
        var texts: (jobs: String, config: String)? = nil
        var records: [String: (record: BatchRecord, directory: URL)] = [:]
        for dir in directories {
            guard let jobs = fm.contents(atPath: dir.appendingPathComponent(File.jobs).path) else {
                throw BatchError.mismatchedShards(directory: dir.path, reason: "not a batch directory (no \(File.jobs))")
            }
            let config = fm.contents(atPath: dir.appendingPathComponent(File.config).path) ?? Data()
            let these = (String(decoding: jobs, as: UTF8.self), String(decoding: config, as: UTF8.self))
            if let texts, texts != these {
                throw BatchError.mismatchedShards(directory: dir.path, reason: "a shard of another batch (its \(File.jobs) or \(File.config) differs from \(first.path)'s)")
            }
            texts = these
            let journal = try SideFile.read(path: dir.appendingPathComponent(File.journal).path, limit: .sideFileBytes)
            for (key, record) in Self.records(in: journal) {
                // A task finished in two shards (shards re-cut): a success wins over a failure.
                if let known = records[key], known.record.succeeded || !record.succeeded { continue }
                records[key] = (record, dir)
            }
        }
        let configText = texts?.config ?? ""
        let base = configText.isEmpty ? CompressionConfig() : try CompressionConfig.parse(yaml: configText, path: File.config)
        let jobs = try BatchJob.parse(texts?.jobs ?? "", source: first.appendingPathComponent(File.jobs).path, base: base) { $0 }
        let keys = Self.keys(jobs)

        // Not inside a shard: the merge would become part of what it merges.
        let real = { (path: String) in URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path }
        if let shard = directories.first(where: { real(out).hasPrefix(real($0.path) + "/") }) {
            throw BatchError.mismatchedShards(directory: out, reason: "it lies inside the shard \(shard.path) being merged; choose an --out outside every shard")
        }
        let output = try StagedOutput(path: out, kind: .directory, force: force, inputs: directories.map(\.path), command: "batch merge")
        // An incomplete set writes nothing (the staging goes with `output`): a merged directory is
        // a finished batch.
        let missing = keys.filter { records[$0] == nil }.count
        if missing > 0 { throw BatchError.incomplete(missing: missing, total: keys.count) }
        let staging = output.staging
        try AtomicWrite.write(Data((texts?.jobs ?? "").utf8), to: staging.appendingPathComponent(File.jobs).path)
        try AtomicWrite.write(Data(configText.utf8), to: staging.appendingPathComponent(File.config).path)
        var ordered: [BatchRecord] = []
        for key in keys {
            guard let (record, dir) = records[key] else { continue }
            if let relative = record.output, record.succeeded {
                // A shard whose journal says done while the output is gone (deleted, or the
                // folder copied without it): named, not a file-system error.
                guard Self.hasOutput(dir, relative) else {
                    throw BatchError.outputMissing(directory: dir.path, task: key, output: relative)
                }
                // Shards are copied off cluster nodes: a copy cut short is refused here (headers
                // only, no pixels read), not merged into a batch that reads as finished.
                do {
                    _ = try CompressionOutput.check(directory: dir.appendingPathComponent(relative))
                } catch {
                    throw BatchError.outputDamaged(directory: dir.path, task: key, output: relative, reason: error.localizedDescription)
                }
                try linkTree(from: dir.appendingPathComponent(relative), to: staging.appendingPathComponent(relative))
            }
            ordered.append(record)
        }
        try writeResults(ordered, to: staging)
        // The merged directory is a finished batch: its journal is its results.
        try fm.copyItem(at: staging.appendingPathComponent(File.results), to: staging.appendingPathComponent(File.journal))
        try output.commit()
        progress(.note("merged \(directories.count) directories: \(ordered.count) of \(keys.count) tasks → \(out)"))
        return BatchReport(tasks: keys.count, alreadyDone: 0, records: ordered, directory: out)
    }

    /// Recreates the directory tree at `source` under `destination`, hard-linking its files
    /// (copying them across file systems).
    static func linkTree(from source: URL, to destination: URL) throws {
        let fm = FileManager.default
        try fm.createDirectory(at: destination, withIntermediateDirectories: true)
        for name in try fm.contentsOfDirectory(atPath: source.path) {
            let from = source.appendingPathComponent(name), to = destination.appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: from.path, isDirectory: &isDirectory), !StagedOutput.isSymlink(from.path) else { continue }
            if isDirectory.boolValue {
                try linkTree(from: from, to: to)
            } else if link(from.path, to.path) != 0 {
                try fm.copyItem(at: from, to: to)
            }
        }
    }
}
