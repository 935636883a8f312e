import Foundation
import Testing
import TestSupport

/// `arrcoc batch` on a small dataset of sample videos: outputs equal to `compress`, a failing job
/// recorded without stopping the others, an interrupted batch resumed, shards that split the
/// videos merged into the unsharded run byte for byte, and bad lines refused before any work.
@Suite(.serialized) struct BatchTests {
    /// A folder with the needle image, a text file posing as a video, and `jobs.jsonl`: four jobs
    /// (five tasks) on three videos, one of them broken.
    static let dataset: Result<URL, Error> = Result {
        let dir = TestClips.scratch("batch-data")
        try FFmpegTool.run("ffmpeg", ["-v", "error", "-nostdin", "-y", "-f", "lavfi", "-i", "mandelbrot=s=160x160", "-frames:v", "1",
                                      dir.appendingPathComponent("needle.png").path])
        try "not a video\n".write(to: dir.appendingPathComponent("broken.mp4"), atomically: false, encoding: .utf8)
        _ = try Samples.path("cockatoo.mp4")
        _ = try Samples.path("bikes.mp4")
        let lines = [
            #"{"id": "cockatoo", "video": "cockatoo.mp4", "query_image": "needle.png", "budgets": [300, 800]}"#,
            #"{"id": "bikes", "video": "bikes.mp4", "query_image": "needle.png", "budget": 500, "strategy": "uniform", "format": "seed"}"#,
            #"# a comment, then a blank line"#,
            "",
            #"{"id": "broken", "video": "broken.mp4", "query_image": "needle.png", "budget": 500}"#,
            #"{"id": "cockatoo-topk", "video": "cockatoo.mp4", "query_image": "needle.png", "budget": 400, "strategy": "topk"}"#,
        ]
        try (lines.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("jobs.jsonl"), atomically: false, encoding: .utf8)
        return dir
    }

    static var jobs: String { get throws { try dataset.get().appendingPathComponent("jobs.jsonl").path } }
    static let tasks = ["cockatoo/300", "cockatoo/800", "bikes/500", "broken/500", "cockatoo-topk/400"]

    /// The unsharded run, made once.
    static let unsharded: Result<(dir: URL, stderr: String), Error> = Result {
        let out = TestClips.scratch("batch").appendingPathComponent("all")
        let r = try CLIRunner.run(["batch", try jobs, "--out", out.path])
        guard r.status == 3 else { throw FFmpegTool.Failure(command: ["arrcoc", "batch"], status: r.status, stderr: r.stderr) }
        return (out, r.stderr)
    }

    static func records(_ dir: URL) throws -> [[String: Any]] {
        try String(contentsOf: dir.appendingPathComponent("results.jsonl"), encoding: .utf8).split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    static func analyses(_ stderr: String) -> [String] {
        stderr.split(separator: "\n").filter { $0.hasPrefix("analysis of ") }.map { String($0.dropFirst("analysis of ".count)) }
    }

    /// Every file under `dir/outputs`, relative path → bytes.
    static func outputs(_ dir: URL) throws -> [String: Data] {
        let root = dir.appendingPathComponent("outputs")
        var files: [String: Data] = [:]
        guard let paths = FileManager.default.enumerator(atPath: root.path) else { return [:] }
        for case let path as String in paths {
            var isDirectory: ObjCBool = false
            let full = root.appendingPathComponent(path)
            if FileManager.default.fileExists(atPath: full.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[path] = try Data(contentsOf: full)
            }
        }
        return files
    }

    @Test func aBatchWritesWhatCompressWritesAndRecordsTheFailingJobWithoutStopping() throws {
        let (dir, stderr) = try Self.unsharded.get()
        let records = try Self.records(dir)
        #expect(records.map { "\($0["id"] ?? "")/\($0["budget"] ?? "")" } == Self.tasks)
        #expect(records.filter { $0["status"] as? String == "ok" }.count == 4)
        let broken = try #require(records.first { $0["id"] as? String == "broken" })
        #expect(broken["status"] as? String == "error" && (broken["error"] as? String ?? "").contains("broken.mp4"))
        let failures = try String(contentsOf: dir.appendingPathComponent("failures.txt"), encoding: .utf8)
        #expect(failures.hasPrefix("broken/500: ") && failures.split(separator: "\n").count == 1)
        #expect(stderr.contains("failed broken/500"))
        // Each video analysed once, though cockatoo.mp4 serves three tasks.
        #expect(Self.analyses(stderr).map { URL(fileURLWithPath: $0).lastPathComponent } == ["cockatoo.mp4", "bikes.mp4", "broken.mp4"])
        let bikes = try #require(records.first { $0["id"] as? String == "bikes" })
        #expect(bikes["strategy"] as? String == "uniform" && bikes["format"] as? String == "seed")
        for record in records where record["status"] as? String == "ok" {
            #expect((record["sequence_length"] as? Int ?? .max) <= record["budget"] as? Int ?? 0)
        }

        // The same task through `compress` gives the same bytes.
        let data = try Self.dataset.get()
        let reference = TestClips.scratch("batch-compress").appendingPathComponent("out")
        let r = try CLIRunner.run(["compress", try Samples.path("cockatoo.mp4"), "--query-image", data.appendingPathComponent("needle.png").path,
                                   "--budget", "300", "--out", reference.path])
        #expect(r.status == 0, "\(r.stderr)")
        for file in ["manifest.json", "prompt.txt", "tensors.safetensors"] {
            let a = try Data(contentsOf: reference.appendingPathComponent(file))
            let b = try Data(contentsOf: dir.appendingPathComponent("outputs/cockatoo/300").appendingPathComponent(file))
            #expect(a == b, "\(file) differs from compress's")
        }

        // Run again: everything is done, nothing is analysed, the failure is kept (not retried).
        let again = try CLIRunner.run(["batch", try Self.jobs, "--out", dir.path])
        #expect(again.status == 3 && again.stderr.contains("5 already done") && Self.analyses(again.stderr).isEmpty, "\(again.stderr)")
        let retried = try CLIRunner.run(["batch", try Self.jobs, "--out", dir.path, "--retry-failed"])
        #expect(retried.status == 3 && retried.stderr.contains("4 already done") && Self.analyses(retried.stderr).count == 1, "\(retried.stderr)")
    }

    @Test func twoShardsAnalyseEachVideoOnceAndMergeIntoTheUnshardedRunByteForByte() throws {
        let (all, _) = try Self.unsharded.get()
        let base = TestClips.scratch("batch-shards")
        var analysed: [String] = []
        var dirs: [URL] = []
        for i in 0..<2 {
            let dir = base.appendingPathComponent("shard\(i)")
            // The shard index as a Slurm job array gives it.
            let r = try CLIRunner.run(["batch", try Self.jobs, "--out", dir.path],
                                      environment: ["SLURM_ARRAY_TASK_ID": "\(i + 1)", "SLURM_ARRAY_TASK_COUNT": "2", "SLURM_ARRAY_TASK_MIN": "1"])
            #expect(r.status == 0 || r.status == 3, "\(r.stderr)")
            analysed += Self.analyses(r.stderr)
            dirs.append(dir)
        }
        #expect(analysed.count == 3 && Set(analysed).count == 3, "\(analysed)")
        let merged = base.appendingPathComponent("merged")
        let r = try CLIRunner.run(["batch", "merge"] + dirs.map(\.path) + ["--out", merged.path])
        #expect(r.status == 3, "\(r.stderr)")
        for file in ["results.jsonl", "failures.txt"] {
            #expect(try Data(contentsOf: all.appendingPathComponent(file)) == Data(contentsOf: merged.appendingPathComponent(file)), "\(file) differs")
        }
        let expected = try Self.outputs(all), got = try Self.outputs(merged)
        #expect(expected.count == 4 * 5 && Set(expected.keys) == Set(got.keys))  // 4 tasks × (4 files + marker)
        for (path, data) in expected { #expect(got[path] == data, "\(path) differs") }
        // An incomplete set says what is missing; an existing output is not replaced without --force.
        let partial = try CLIRunner.run(["batch", "merge", dirs[0].path, "--out", base.appendingPathComponent("partial").path])
        #expect(partial.status != 0 && partial.stderr.contains("missing") && partial.stderr.contains("nothing was written"), "\(partial.stderr)")
        #expect(!FileManager.default.fileExists(atPath: base.appendingPathComponent("partial").path))
        // Not into a shard: the merge would become part of what it merges.
        let inner = try CLIRunner.run(["batch", "merge"] + dirs.map(\.path) + ["--out", dirs[0].appendingPathComponent("inner").path])
        #expect(inner.status != 0 && inner.stderr.contains("inside the shard"), "\(inner.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dirs[0].appendingPathComponent("inner").path))
        let again = try CLIRunner.run(["batch", "merge"] + dirs.map(\.path) + ["--out", merged.path])
        #expect(again.status != 0 && again.stderr.contains("--force"))
        // A shard whose journal says done but whose output is gone is named with the task and
        // what to do, not a file-system error.
        let damaged = base.appendingPathComponent("shard0-damaged")
        try FileManager.default.copyItem(at: dirs[0], to: damaged)
        let outputs = try #require(FileManager.default.enumerator(atPath: damaged.path)?.compactMap { $0 as? String }
            .filter { $0.hasSuffix("/manifest.json") }.sorted().first)
        try FileManager.default.removeItem(at: damaged.appendingPathComponent(outputs).deletingLastPathComponent())
        let lost = try CLIRunner.run(["batch", "merge", damaged.path, dirs[1].path, "--out", base.appendingPathComponent("lost").path])
        #expect(lost.status != 0 && lost.stderr.contains("is recorded as done but its output") && !lost.stderr.contains("NSCocoaErrorDomain"),
                "\(lost.stderr)")
        #expect(!FileManager.default.fileExists(atPath: base.appendingPathComponent("lost").path))
        // A shard copied off a node with one tensors file cut short: refused, naming the task and
        // the file, not linked into a merge that reads as finished.
        let cut = base.appendingPathComponent("shard1-cut")
        try FileManager.default.copyItem(at: dirs[1], to: cut)
        let tensors = try #require(FileManager.default.enumerator(atPath: cut.path)?.compactMap { $0 as? String }
            .filter { $0.hasSuffix("/tensors.safetensors") }.sorted().first)
        let whole = try Data(contentsOf: cut.appendingPathComponent(tensors))
        try FileManager.default.removeItem(at: cut.appendingPathComponent(tensors))
        try whole.prefix(whole.count / 2).write(to: cut.appendingPathComponent(tensors))
        let short = try CLIRunner.run(["batch", "merge", dirs[0].path, cut.path, "--out", base.appendingPathComponent("short").path])
        #expect(short.status != 0 && short.stderr.contains("is damaged") && short.stderr.contains("tensors.safetensors")
                && short.stderr.contains("delete"), "\(short.stderr)")
        #expect(!FileManager.default.fileExists(atPath: base.appendingPathComponent("short").path))
    }

    @Test func anInterruptedBatchResumesWithoutRedoingFinishedTasks() throws {
        let out = TestClips.scratch("batch-sigint").appendingPathComponent("run")
        let journal = out.appendingPathComponent("journal.jsonl")
        let process = try CLIRunner.start(["batch", try Self.jobs, "--out", out.path])
        let deadline = Date().addingTimeInterval(300)
        while Date() < deadline, process.isRunning {
            let lines = ((try? String(contentsOf: journal, encoding: .utf8)) ?? "").split(separator: "\n").count
            if lines >= 1 { break }
            Thread.sleep(forTimeInterval: 0.02)
        }
        #expect(process.isRunning, "the batch finished before it could be interrupted")
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        let before = ((try? String(contentsOf: journal, encoding: .utf8)) ?? "").split(separator: "\n").count
        #expect(before >= 1 && before < Self.tasks.count)
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("results.jsonl").path))
        let leftovers = (FileManager.default.enumerator(atPath: out.path)?.allObjects as? [String] ?? []).filter { $0.contains(".arrcoc-staging-") }
        #expect(leftovers.isEmpty, "\(leftovers)")

        let r = try CLIRunner.run(["batch", try Self.jobs, "--out", out.path])
        #expect(r.status == 3, "\(r.stderr)")
        #expect(r.stderr.contains("\(before) already done"))
        let lines = try String(contentsOf: journal, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == Self.tasks.count, "a task ran twice: \(lines)")
        let all = try Self.unsharded.get().dir
        #expect(try Data(contentsOf: out.appendingPathComponent("results.jsonl")) == Data(contentsOf: all.appendingPathComponent("results.jsonl")))
        #expect(try Self.outputs(out) == Self.outputs(all))
    }

    @Test func badLinesAreRefusedBeforeAnyWorkNamingTheLineAndKey() throws {
        let dir = TestClips.scratch("batch-bad")
        let ok = #""video": "cockatoo.mp4", "query_image": "needle.png""#
        let cases: [(String, String)] = [
            (#"{\#(ok), "budget": 0}"#, ":2: budget"),
            (#"{\#(ok), "budget": 1.5}"#, ":2: budget"),
            (#"{\#(ok), "budget": 1e300}"#, ":2: budget"),
            (#"{\#(ok), "budget": -4}"#, ":2: budget"),
            (#"{\#(ok), "budget": "500"}"#, ":2: budget"),
            (#"{\#(ok), "budget": true}"#, ":2: budget"),
            (#"{\#(ok), "budgets": []}"#, ":2: budgets"),
            (#"{\#(ok), "budgets": [500, 500]}"#, ":2: budgets[1]"),
            (#"{\#(ok), "budgets": [500, 99999999999]}"#, ":2: budgets[1]"),
            (#"{\#(ok), "budget": 500, "budgets": [600]}"#, ":2: budget"),
            (#"{\#(ok), "budget": 500, "strategy": "boltz"}"#, "boltz"),
            (#"{\#(ok), "budget": 500, "strategy": "random", "params": {"sed": 1}}"#, "sed"),
            (#"{\#(ok), "budget": 500, "params": {"seed": "x"}}"#, "params.seed"),
            (#"{\#(ok), "budget": 500, "format": "qwen2"}"#, ":2: format"),
            (#"{\#(ok), "budget": 500, "mode": "crop"}"#, ":2: mode"),
            (#"{\#(ok), "budget": 500, "colour": "red"}"#, "unknown key"),
            (#"{\#(ok), "budget": 500, "id": "../escape"}"#, ":2: id"),
            (#"{\#(ok), "budget": 500, "id": "a"}"#, "already the id of line 1"),
            // Was "expected a non-empty string" for a string that is one.
            (#"{\#(ok), "budget": 500, "id": "a\u0000b"}"#, "contains a NUL character"),
            (#"{\#(ok), "budget": 500, "id": ""}"#, #"got """#),
            (#"{\#(ok), "budget": 500, "id": "a\u001bb"}"#, #"'a\u{1B}b' must be"#),
            (#"{"video": "cockatoo.mp4", "budget": 500}"#, "query_image"),
            (#"{"query_image": "needle.png", "budget": 500}"#, ":2: video"),
            (#"{\#(ok), "budget": 500"#, "not valid JSON ("),
            (#"{\#(ok), "budget": 0500}"#, "not valid JSON (Number with leading zero"),
            (#"[1, 2]"#, "not a JSON object"),
        ]
        for (i, (line, message)) in cases.enumerated() {
            let file = dir.appendingPathComponent("bad\(i).jsonl")
            try (#"{"id": "a", \#(ok), "budget": 500}"# + "\n" + line + "\n").write(to: file, atomically: false, encoding: .utf8)
            let out = dir.appendingPathComponent("out\(i)")
            let r = try CLIRunner.run(["batch", file.path, "--out", out.path])
            #expect(r.status != 0 && r.status != 3, "\(line) was accepted")
            #expect(r.stderr.contains(message), "\(line): expected '\(message)' in \(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out.path), "\(line) started work")
        }
        // Another batch into a batch directory, and a directory that is not a batch's, are refused.
        let (all, _) = try Self.unsharded.get()
        let other = dir.appendingPathComponent("other.jsonl")
        try (#"{\#(ok), "budget": 500}"# + "\n").write(to: other, atomically: false, encoding: .utf8)
        let r = try CLIRunner.run(["batch", other.path, "--out", all.path])
        #expect(r.status != 0 && r.stderr.contains("holds another batch"), "\(r.stderr)")
        let users = dir.appendingPathComponent("users")
        try FileManager.default.createDirectory(at: users, withIntermediateDirectories: true)
        try "mine".write(to: users.appendingPathComponent("notes.txt"), atomically: false, encoding: .utf8)
        let refused = try CLIRunner.run(["batch", other.path, "--out", users.path])
        #expect(refused.status != 0 && refused.stderr.contains("holds no batch"))
        #expect(try String(contentsOf: users.appendingPathComponent("notes.txt"), encoding: .utf8) == "mine")
    }
}
