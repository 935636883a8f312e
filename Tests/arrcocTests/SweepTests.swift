import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import TestSupport

/// `arrcoc sweep` with Configs/quick.yaml: outputs, the honest comparison with uniform, shards
/// merged, an interrupted sweep resumed, and bad sweep files.
@Suite(.serialized) struct SweepTests {
    static var quick: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Configs/quick.yaml").path
    }
    static let expectedRuns = 2 * 6 * 3  // videos × strategies × budgets

    static let unsharded: Result<URL, Error> = Result {
        let out = TestClips.scratch("sweep").appendingPathComponent("all")
        let r = try CLIRunner.run(["sweep", quick, "--out", out.path])
        guard r.status == 0 else { throw FFmpegTool.Failure(command: ["arrcoc", "sweep"], status: r.status, stderr: r.stderr) }
        return out
    }

    static func rows(_ dir: URL) throws -> [[String]] {
        let text = try String(contentsOf: dir.appendingPathComponent("results.csv"), encoding: .utf8)
        return text.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    @Test func quickSweepWritesEveryOutputAndArrcocBeatsUniformAtSmallBudgets() throws {
        let dir = try Self.unsharded.get()
        let rows = try Self.rows(dir)
        #expect(rows.count == Self.expectedRuns)
        #expect(Set(rows.map { $0[0...6].joined(separator: ",") }).count == rows.count)
        let header = try String(contentsOf: dir.appendingPathComponent("results.csv"), encoding: .utf8).split(separator: "\n")[0]
        for column in ["video", "strategy", "params", "budget", "tokens_used", "temporal_recall", "precision", "f1", "event_hit", "detail_recall", "token_share_on_events"] {
            #expect(header.split(separator: ",").contains(Substring(column)))
        }
        #expect(rows.allSatisfy { $0[7] == "ok" && Int($0[8])! <= Int($0[5])! })
        func recall(_ strategy: String, _ budget: String) -> Double {
            let r = rows.filter { $0[1] == strategy && $0[5] == budget }.map { Double($0[10])! }
            return r.reduce(0, +) / Double(r.count)
        }
        for budget in ["250", "500"] {
            #expect(recall("arrcoc", budget) > recall("uniform", budget), "budget \(budget): arrcoc \(recall("arrcoc", budget)) vs uniform \(recall("uniform", budget))")
        }
        let summary = try String(contentsOf: dir.appendingPathComponent("summary.md"), encoding: .utf8)
        #expect(summary.contains("## Temporal recall@1s") && summary.contains("| budget | arrcoc | uniform |"))
        let svg = try String(contentsOf: dir.appendingPathComponent("recall-vs-budget.svg"), encoding: .utf8)
        #expect(svg.hasPrefix("<svg") && svg.contains("<polyline") && svg.contains("detail recall"))
        let parsed = try XMLDocument(xmlString: svg)  // well-formed: a browser can open it
        #expect(parsed.rootElement()?.name == "svg")
    }

    /// Runs `count` shards of the quick sweep at once, merges them, and checks the merge against
    /// the unsharded run byte for byte. Returns the shard directories.
    static func shardAndMerge(count: Int, name: String) throws -> [URL] {
        let all = try unsharded.get()
        let base = TestClips.scratch(name)
        let dirs = (0..<count).map { base.appendingPathComponent("shard\($0)") }
        let processes = try dirs.enumerated().map { i, d in try CLIRunner.start(["sweep", quick, "--out", d.path, "--shard", "\(i)/\(count)"]) }
        for p in processes { p.waitUntilExit() }
        #expect(processes.allSatisfy { $0.terminationStatus == 0 })
        let counts = try dirs.map { try rows($0).count }
        #expect(counts.reduce(0, +) == expectedRuns && counts.allSatisfy { $0 > 0 })
        let merged = base.appendingPathComponent("merged")
        let r = try CLIRunner.run(["sweep", "merge"] + dirs.map(\.path) + ["--out", merged.path])
        #expect(r.status == 0, "\(r.stderr)")
        for file in ["results.csv", "summary.md", "recall-vs-budget.svg"] {
            let a = try Data(contentsOf: all.appendingPathComponent(file)), b = try Data(contentsOf: merged.appendingPathComponent(file))
            #expect(a == b, "\(file) differs")
        }
        return dirs
    }

    /// The features files a sweep directory computed (one per video it analysed).
    static func analysed(_ dir: URL) -> Set<String> {
        Set(((try? FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("cache").path)) ?? [])
            .filter { $0.hasSuffix(".safetensors") })
    }

    @Test func twoShardsAnalyseEachVideoInExactlyOneShard() throws {
        let dirs = try Self.shardAndMerge(count: 2, name: "shards2")
        let videos = Self.analysed(try Self.unsharded.get())
        #expect(videos.count == 2)
        let perShard = dirs.map(Self.analysed)
        #expect(perShard.allSatisfy { $0.count == 1 }, "\(perShard)")
        #expect(perShard[0].union(perShard[1]) == videos && perShard[0].isDisjoint(with: perShard[1]))
        // Each shard evaluated every run of its video, and only those.
        for dir in dirs {
            #expect(Set(try Self.rows(dir).map { $0[0] }).count == 1)
            #expect(try Self.rows(dir).count == Self.expectedRuns / 2)
        }
    }

    @Test func threeShardsMergedEqualTheUnshardedRunByteForByte() throws {
        // Fewer videos (2) than shards (3): shards 0 and 2 share the first video's runs, shard 1
        // has the second; no shard analyses more than one video.
        let dirs = try Self.shardAndMerge(count: 3, name: "shards")
        let perShard = dirs.map(Self.analysed)
        #expect(perShard.allSatisfy { $0.count == 1 }, "\(perShard)")
        #expect(perShard[0] == perShard[2] && perShard[0] != perShard[1])
        #expect(try Self.rows(dirs[1]).count == Self.expectedRuns / 2)
        // Merging an incomplete set says so.
        let partialOut = TestClips.scratch("shards").appendingPathComponent("partial")
        let partial = try CLIRunner.run(["sweep", "merge", dirs[0].path, "--out", partialOut.path])
        #expect(partial.status != 0 && partial.stderr.contains("missing") && partial.stderr.contains("nothing was written"), "\(partial.stderr)")
        #expect(!FileManager.default.fileExists(atPath: partialOut.path))
        let inner = try CLIRunner.run(["sweep", "merge"] + dirs.map(\.path) + ["--out", dirs[0].appendingPathComponent("inner").path])
        #expect(inner.status != 0 && inner.stderr.contains("other than the shard"), "\(inner.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dirs[0].appendingPathComponent("inner").path))
        // An existing merge (a hand-edited summary in it) is replaced only with --force, and then
        // only arrcoc's own files: a note of the user's stays.
        let merged = dirs[0].deletingLastPathComponent().appendingPathComponent("merged")
        let summary = merged.appendingPathComponent("summary.md"), note = merged.appendingPathComponent("notes.txt")
        let original = try Data(contentsOf: summary)
        try Data("edited by hand\n".utf8).write(to: summary)
        try Data("mine\n".utf8).write(to: note)
        let again = try CLIRunner.run(["sweep", "merge"] + dirs.map(\.path) + ["--out", merged.path])
        #expect(again.status != 0 && again.stderr.contains("already exists; pass --force"), "\(again.stderr)")
        #expect(try Data(contentsOf: summary) == Data("edited by hand\n".utf8))
        let forced = try CLIRunner.run(["sweep", "merge"] + dirs.map(\.path) + ["--out", merged.path, "--force"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(try Data(contentsOf: summary) == original && Data(contentsOf: note) == Data("mine\n".utf8))
    }

    @Test func anInterruptedSweepResumesWithoutDuplicates() throws {
        let out = TestClips.scratch("sigint").appendingPathComponent("run")
        let journal = out.appendingPathComponent("results.partial.csv")
        let process = try CLIRunner.start(["sweep", Self.quick, "--out", out.path, "--jobs", "1"])
        // Wait until the first video's runs are journaled, then interrupt (the second video is
        // being made and analysed then).
        let deadline = Date().addingTimeInterval(300)
        var lines = 0
        while Date() < deadline, process.isRunning {
            lines = ((try? String(contentsOf: journal, encoding: .utf8)) ?? "").split(separator: "\n").count - 1
            if lines >= 18 { break }
            Thread.sleep(forTimeInterval: 0.02)
        }
        #expect(process.isRunning, "the sweep finished before it could be interrupted")
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal || process.terminationStatus != 0)
        let before = ((try? String(contentsOf: journal, encoding: .utf8)) ?? "").split(separator: "\n").count - 1
        #expect(before >= 18 && before < Self.expectedRuns)
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("results.csv").path))
        // What SIGKILL leaves instead (no handler runs): the temporary files of a clip being
        // encoded and of a features file being written, named by the dead process's id. The
        // resumed run removes them; a live process's, a link and other names stay.
        let gone = Process()
        gone.executableURL = URL(fileURLWithPath: "/bin/true")
        try gone.run()
        gone.waitUntilExit()
        let dead = gone.processIdentifier, alive = ProcessInfo.processInfo.processIdentifier
        let clips = out.appendingPathComponent("clips"), cache = out.appendingPathComponent("cache")
        let stale = [clips.appendingPathComponent(".\(dead).tmp.h0c0-bikes.mp4"), cache.appendingPathComponent(".x.safetensors.\(dead).tmp")]
        let kept = [clips.appendingPathComponent(".\(alive).tmp.other.mp4"), clips.appendingPathComponent(".notes.tmp"),
                    cache.appendingPathComponent("mine.\(dead).tmp")]
        for url in stale + kept { try Data("x".utf8).write(to: url) }
        let link = clips.appendingPathComponent(".\(dead).tmp.link.mp4")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: kept[1])

        let r = try CLIRunner.run(["sweep", Self.quick, "--out", out.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("\(before) already done"))
        #expect(stale.allSatisfy { !FileManager.default.fileExists(atPath: $0.path) }, "stale temporary files left")
        #expect(kept.allSatisfy { FileManager.default.fileExists(atPath: $0.path) })
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: link.path)) != nil)
        let rows = try Self.rows(out)
        #expect(rows.count == Self.expectedRuns)
        let journalRows = try String(contentsOf: journal, encoding: .utf8).split(separator: "\n").dropFirst()
        let keys = journalRows.map { $0.split(separator: ",", omittingEmptySubsequences: false).prefix(7).joined(separator: ",") }
        #expect(Set(keys).count == keys.count, "duplicate rows in the journal")
        #expect(try Data(contentsOf: out.appendingPathComponent("results.csv")) == Data(contentsOf: try Self.unsharded.get().appendingPathComponent("results.csv")))
    }

    /// Names, sizes and modification dates of the files under `dir` (to see that nothing changed).
    static func snapshot(_ dir: URL) throws -> [String: String] {
        var result: [String: String] = [:]
        let fm = FileManager.default
        for sub in ["cache", "clips"] {
            for name in try fm.contentsOfDirectory(atPath: dir.appendingPathComponent(sub).path) {
                let a = try fm.attributesOfItem(atPath: dir.appendingPathComponent(sub).appendingPathComponent(name).path)
                result["\(sub)/\(name)"] = "\(a[.size] ?? 0) \(a[.modificationDate] ?? 0)"
            }
        }
        return result
    }

    @Test func aSweepWithCacheReusesAnotherSweepsAnalysisAndNeverWritesIntoIt() throws {
        let shared = try Self.unsharded.get()
        let before = try Self.snapshot(shared)
        let out = TestClips.scratch("sweep-cache").appendingPathComponent("reuse")
        let r = try CLIRunner.run(["sweep", Self.quick, "--out", out.path, "--cache", shared.path])
        #expect(r.status == 0, "\(r.stderr)")
        // Nothing analysed here, the same results, the shared sweep untouched.
        #expect(Self.analysed(out).isEmpty, "\(Self.analysed(out))")
        #expect(try Data(contentsOf: out.appendingPathComponent("results.csv")) == Data(contentsOf: shared.appendingPathComponent("results.csv")))
        #expect(try Self.snapshot(shared) == before)

        let missing = try CLIRunner.run(["sweep", Self.quick, "--out", out.deletingLastPathComponent().appendingPathComponent("never").path,
                                         "--cache", "/nonexistent/sweep"])
        #expect(missing.status != 0 && missing.stderr.contains("--cache") && missing.stderr.contains("/nonexistent/sweep"), "\(missing.stderr)")
        let itself = try CLIRunner.run(["sweep", Self.quick, "--out", out.path, "--cache", out.path])
        #expect(itself.status != 0 && itself.stderr.contains("the --out directory"), "\(itself.stderr)")
        // The shared sweep's cache/ folder itself: the message names the folder to give instead.
        let folder = try CLIRunner.run(["sweep", Self.quick, "--out", out.path, "--cache", shared.appendingPathComponent("cache").path])
        #expect(folder.status != 0 && folder.stderr.contains("here \(shared.standardizedFileURL.path)") && folder.stderr.contains("not cache/ itself"),
                "\(folder.stderr)")
    }

    @Test func aCachedFeaturesFileOfAnotherVideoIsAnErrorNotAnInput() throws {
        let shared = try Self.unsharded.get()
        let names = try FileManager.default.contentsOfDirectory(atPath: shared.appendingPathComponent("cache").path).sorted()
        try #require(names.count == 2, "\(names)")
        // A cache whose first video's file holds the second video's analysis.
        let tampered = TestClips.scratch("sweep-tampered-cache")
        let cache = tampered.appendingPathComponent("cache")
        try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
        for (name, from) in zip(names, names.reversed()) {
            try FileManager.default.copyItem(at: shared.appendingPathComponent("cache").appendingPathComponent(from),
                                             to: cache.appendingPathComponent(name))
        }
        let out = TestClips.scratch("sweep-tampered-out").appendingPathComponent("run")
        let r = try CLIRunner.run(["sweep", Self.quick, "--out", out.path, "--cache", tampered.path])
        #expect(r.status != 0, "\(r.stdout)")
        #expect(r.stderr.contains("cached features file") && r.stderr.contains("expected sha256"), "\(r.stderr)")
        // Each video failed on its own (a sweep goes on with the others and reports them): no
        // row was computed from the wrong analysis.
        #expect(try Self.rows(out).isEmpty)
    }

    @Test func badSweepFilesFailBeforeAnyWork() throws {
        let dir = TestClips.scratch("bad-sweeps")
        let good = try String(contentsOfFile: Self.quick, encoding: .utf8)
        let cases: [(String, String, String)] = [
            ("unknown-key", good.replacingOccurrences(of: "min_box_tokens: 16", with: "min_box_tokens: 16\nbudget: 5"), "unknown key 'budget'"),
            ("empty-budgets", good.replacingOccurrences(of: "budgets: [250, 500, 1000]", with: "budgets: []"), "budgets"),
            // Each run and its row would have been there twice, counted twice in the means.
            ("twice-budget", good.replacingOccurrences(of: "budgets: [250, 500, 1000]", with: "budgets: [250, 500, 250]"),
             "budgets[2] = 250 is invalid; expected budgets listed once each"),
            ("twice-strategy", good.replacingOccurrences(of: "- name: bolt", with: "- name: bolt\n  - name: bolt"),
             "expected each strategy variant listed once (bolt (no parameters) is listed twice)"),
            ("twice-seed", good.replacingOccurrences(of: "params: {seed: [1]}", with: "params: {seed: [1, 1]}"),
             "(random(seed=1.0) is listed twice)"),
            ("missing-video", good.replacingOccurrences(of: "background: bikes.mp4", with: "background: /nonexistent/clip.mp4"), "/nonexistent/clip.mp4"),
            ("negative-delta", good.replacingOccurrences(of: "deltas: [1.0]", with: "deltas: [-1]"), "deltas[0]"),
            ("bad-strategy", good.replacingOccurrences(of: "- name: bolt", with: "- name: boltz"), "boltz"),
            ("bad-param", good.replacingOccurrences(of: "params: {seed: [1]}", with: "params: {sed: [1]}"), "sed"),
            ("nested-unknown", good.replacingOccurrences(of: "      clips: 1\n      events: 1", with: "      clips: 1\n      event: 1"), "dataset.haystacks[0].event"),
        ]
        for (name, text, message) in cases {
            let file = dir.appendingPathComponent("\(name).yaml")
            try text.write(to: file, atomically: false, encoding: .utf8)
            let out = dir.appendingPathComponent("out-\(name)")
            let r = try CLIRunner.run(["sweep", file.path, "--out", out.path])
            #expect(r.status != 0, "\(name) was accepted")
            #expect(r.stderr.contains(message), "\(name): expected '\(message)' in \(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out.path), "\(name) started work")
        }
        let slurm = try CLIRunner.run(["sweep", Self.quick, "--out", dir.appendingPathComponent("never").path],
                                      environment: ["SLURM_ARRAY_TASK_ID": "5", "SLURM_ARRAY_TASK_COUNT": "3"])
        #expect(slurm.status != 0 && slurm.stderr.contains("SLURM_ARRAY_TASK_ID 5"))
        let k8s = try CLIRunner.run(["sweep", Self.quick, "--out", dir.appendingPathComponent("never").path],
                                    environment: ["JOB_COMPLETION_INDEX": "1"])
        #expect(k8s.status != 0 && k8s.stderr.contains("--shard-count"))
        // A task id that does not parse ran every run in every task of the array.
        let typo = try CLIRunner.run(["sweep", Self.quick, "--out", dir.appendingPathComponent("never").path],
                                     environment: ["SLURM_ARRAY_TASK_ID": "abc", "SLURM_ARRAY_TASK_COUNT": "2"])
        #expect(typo.status != 0 && typo.stderr.contains("SLURM_ARRAY_TASK_ID is \"abc\""), "\(typo.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("never").path))
    }
}
