import Foundation
import Testing
import TestSupport

/// `arrcoc analyze` and `arrcoc compress` end to end on a real sample with an object composited
/// in for a few seconds, and the bad inputs a user can give them.
@Suite(.serialized) struct CompressTests {
    /// cockatoo.mp4 (14 s, 1280×720) with a 160-px Mandelbrot needle at (900, 100) from 6 to 9 s,
    /// the needle image, and the features file of the clip. Made once per test process.
    struct Haystack: Sendable {
        let video: String
        let needle: String
        let features: String
        let directory: URL
    }

    static let haystack: Result<Haystack, Error> = Result {
        let dir = TestClips.scratch("haystack")
        let (video, needle) = try TestClips.cockatooWithMandelbrot(in: dir)
        let features = dir.appendingPathComponent("hay.features.safetensors").path
        let r = try CLIRunner.run(["analyze", video, "--out", features])
        guard r.status == 0 else { throw FFmpegTool.Failure(command: ["arrcoc", "analyze"], status: r.status, stderr: r.stderr) }
        return Haystack(video: video, needle: needle, features: features, directory: dir)
    }

    static func manifest(_ dir: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: dir).appendingPathComponent("manifest.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func tenPercentBudgetPutsDenseDetailedBlocksOnTheNeedle() throws {
        let h = try Self.haystack.get()
        // Qwen3-VL's default for this video (from a first run's manifest), then 10% of it.
        let probe = h.directory.appendingPathComponent("probe-run").path
        let first = try CLIRunner.run(["compress", h.video, "--query-image", h.needle, "--budget", "100000", "--features", h.features, "--out", probe])
        #expect(first.status == 0, "\(first.stderr)")
        let defaultTokens = try #require((try Self.manifest(probe)["totals"] as? [String: Any])?["qwen3vl_default_tokens"] as? Int)
        #expect(defaultTokens > 10_000)
        let budget = defaultTokens / 10

        let out = h.directory.appendingPathComponent("ten-percent").path
        let r = try CLIRunner.run(["compress", h.video, "--query-image", h.needle, "--budget", "\(budget)", "--features", h.features, "--out", out])
        #expect(r.status == 0, "\(r.stderr)")
        let m = try Self.manifest(out)
        #expect(m["schema"] as? String == "arrcoc.manifest/1")
        let blocks = try #require(m["blocks"] as? [[String: Any]])
        let totals = try #require(m["totals"] as? [String: Any])
        #expect((totals["sequence_length"] as? Int ?? .max) <= budget)
        #expect((m["budget"] as? [String: Any])?["used"] as? Int == totals["sequence_length"] as? Int)
        let inside = blocks.filter { ($0["time_s"] as? Double ?? -1) >= 6 && ($0["time_s"] as? Double ?? -1) <= 9 }
        let sparse = blocks.filter { $0["density"] as? String == "sparse" }
        #expect(!inside.isEmpty, "no block inside the needle's interval")
        let denseInside = inside.filter { $0["density"] as? String == "dense" }
        #expect(!denseInside.isEmpty)
        // The sparse floor gives way only to a peaked query (`allocation.focus`, Docs/engine.md):
        // since features version 2 this needle reads that way here (exploit ≈ 0.99), and the
        // whole budget goes to it.
        let exploit = (m["scoring"] as? [String: Any])?["exploit"] as? Double ?? 0
        #expect(!sparse.isEmpty || exploit > 0.9, "no sparse block, exploit \(exploit)")
        let minDense = denseInside.compactMap { $0["tokens"] as? Int }.min() ?? 0
        let maxSparse = sparse.compactMap { $0["tokens"] as? Int }.max() ?? 0
        #expect(minDense > maxSparse, "dense inside \(minDense) tokens vs sparse \(maxSparse)")
        let blockTokens = blocks.compactMap { $0["tokens"] as? Int }.reduce(0, +)
        let onNeedle = inside.compactMap { $0["tokens"] as? Int }.reduce(0, +)
        #expect(2 * onNeedle > blockTokens, "\(onNeedle) of \(blockTokens) vision tokens in the needle's interval")
        // In time order; a zoom block shares its frame's time, whole-frame blocks never do.
        let times = blocks.compactMap { $0["time_s"] as? Double }
        #expect(zip(times, times.dropFirst()).allSatisfy { $0 <= $1 })
        let frameTimes = blocks.filter { $0["region"] == nil }.compactMap { $0["time_s"] as? Double }
        #expect(zip(frameTimes, frameTimes.dropFirst()).allSatisfy { $0 < $1 })
        let firstStamp = try #require(blocks.first?["timestamp"] as? String)
        // The three outputs, consistent with each other.
        let compact = try String(contentsOfFile: out + "/prompt-compact.txt", encoding: .utf8)
        #expect(compact.hasPrefix(firstStamp) && compact.contains("<|vision_start|><|video_pad|>×"))
        #expect(compact.components(separatedBy: "<|vision_end|>").count - 1 == blocks.count)
        // prompt.txt: every pad written out, nothing after the last block (tokenises to input_ids;
        // Python/tests/test_tokens.py checks that with the real tokenizer).
        let prompt = try String(contentsOfFile: out + "/prompt.txt", encoding: .utf8)
        #expect(prompt.hasPrefix(firstStamp) && prompt.hasSuffix("<|vision_end|>") && !prompt.contains("×"))
        #expect(prompt.components(separatedBy: "<|video_pad|>").count - 1 == totals["vision_tokens"] as? Int)
        let header = try Self.tensorHeader(out + "/tensors.safetensors")
        let l = try #require(totals["sequence_length"] as? Int)
        #expect(header["input_ids"]?["shape"] as? [Int] == [l])
        #expect(header["position_ids"]?["shape"] as? [Int] == [3, l])
        #expect(header["video_grid_thw"]?["shape"] as? [Int] == [blocks.count, 3])
        let vision = try #require(totals["vision_tokens"] as? Int)
        #expect(header["pixel_values_videos"]?["shape"] as? [Int] == [vision * 4, 1536])
    }

    static func tensorHeader(_ path: String) throws -> [String: [String: Any]] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let n = Int(data.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
        let json = try #require(try JSONSerialization.jsonObject(with: data[8..<(8 + n)]) as? [String: Any])
        return json.compactMapValues { $0 as? [String: Any] }
    }

    @Test func sameInputsGiveByteIdenticalOutputs() throws {
        let h = try Self.haystack.get()
        var digests: [[Data]] = []
        for run in 0..<2 {
            let out = h.directory.appendingPathComponent("determinism-\(run)").path
            let r = try CLIRunner.run(["compress", h.video, "--query-image", h.needle, "--budget", "1500", "--features", h.features,
                                       "--out", out, "--format", "seed"])
            #expect(r.status == 0, "\(r.stderr)")
            digests.append(try ["manifest.json", "prompt.txt", "prompt-compact.txt", "tensors.safetensors"].map { try Data(contentsOf: URL(fileURLWithPath: out + "/" + $0)) })
        }
        #expect(digests[0] == digests[1])
    }

    @Test func uniformAndSelectModeStayWithinBudget() throws {
        let h = try Self.haystack.get()
        for (name, extra) in [("uniform", ["--strategy", "uniform"]), ("select", ["--mode", "select"])] {
            let out = h.directory.appendingPathComponent(name).path
            let r = try CLIRunner.run(["compress", h.video, "--query-image", h.needle, "--budget", "1200", "--features", h.features, "--out", out] + extra)
            #expect(r.status == 0, "\(name): \(r.stderr)")
            let m = try Self.manifest(out)
            let totals = try #require(m["totals"] as? [String: Any])
            #expect((totals["sequence_length"] as? Int ?? .max) <= 1200)
            #expect((m["strategy"] as? [String: Any])?["name"] as? String == (name == "uniform" ? "uniform" : "arrcoc"))
            if name == "select" {
                let blocks = try #require(m["blocks"] as? [[String: Any]])
                #expect(blocks.allSatisfy { ($0["kept_cells"] as? [Int])?.count == $0["tokens"] as? Int })
            }
        }
    }

    @Test func badInputsFailClearlyAndLeaveNoOutput() throws {
        let h = try Self.haystack.get()
        let dir = h.directory
        let text = dir.appendingPathComponent("not-an-image.png").path
        try Data("hello".utf8).write(to: URL(fileURLWithPath: text))
        let wrongDim = dir.appendingPathComponent("wrong-dim.npy").path
        try NPYFixture.data([1, 2, 3, 4, 5], shape: [5]).write(to: URL(fileURLWithPath: wrongDim))
        let nan = dir.appendingPathComponent("nan.npy").path
        try NPYFixture.data([Float](repeating: 0.1, count: 23) + [.nan], shape: [24]).write(to: URL(fileURLWithPath: nan))
        // Features of another video.
        let otherFeatures = dir.appendingPathComponent("bikes.features.safetensors").path
        let analyzed = try CLIRunner.run(["analyze", try Samples.path("bikes.mp4"), "--out", otherFeatures])
        #expect(analyzed.status == 0, "\(analyzed.stderr)")

        let base = ["compress", h.video, "--features", h.features]
        let cases: [([String], String)] = [
            (base + ["--query-image", "/nonexistent/needle.png", "--budget", "1000"], "/nonexistent/needle.png"),
            (base + ["--query-image", text, "--budget", "1000"], "not-an-image.png"),
            (base + ["--query-embedding", wrongDim, "--budget", "1000"], "dimension 5 does not match the features' dimension 24"),
            (base + ["--query-embedding", nan, "--budget", "1000"], "NaN"),
            (base + ["--query-image", h.needle, "--budget", "0"], "--budget 0"),
            (base + ["--query-image", h.needle, "--budget", "50"], "smallest feasible sequence"),
            (["compress", h.video, "--features", otherFeatures, "--query-image", h.needle, "--budget", "1000"], "made from another video"),
            (base + ["--query-image", h.needle], "no budget"),
            (base + ["--query-image", h.needle, "--query-embedding", nan, "--budget", "1000"], "exactly one"),
        ]
        for (i, (arguments, message)) in cases.enumerated() {
            let out = dir.appendingPathComponent("bad-\(i)").path
            let r = try CLIRunner.run(arguments + ["--out", out])
            #expect(r.exitedNormally && r.status != 0, "case \(i) exited \(r.status)")
            #expect(r.stderr.contains(message), "case \(i): expected '\(message)' in: \(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out), "case \(i) left \(out)")
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains("bad-\(i)") }
            #expect(leftovers.isEmpty, "case \(i) left \(leftovers)")
        }
    }

    @Test func existingOutputIsReplacedOnlyWithForceAndOnlyWhenArrcocWroteIt() throws {
        let h = try Self.haystack.get()
        // A directory of the user's: refused without --force, and refused with it.
        let users = h.directory.appendingPathComponent("users").path
        try FileManager.default.createDirectory(atPath: users, withIntermediateDirectories: true)
        try Data("keep".utf8).write(to: URL(fileURLWithPath: users + "/notes.txt"))
        let refused = try CLIRunner.run(["compress", h.video, "--query-image", h.needle, "--budget", "1000", "--features", h.features, "--out", users])
        #expect(refused.status != 0 && refused.stderr.contains("--force"))
        let forcedUsers = try CLIRunner.run(["compress", h.video, "--query-image", h.needle, "--budget", "1000", "--features", h.features, "--out", users, "--force"])
        #expect(forcedUsers.status != 0 && forcedUsers.stderr.contains("not an output directory written by arrcoc"), "\(forcedUsers.stderr)")
        #expect(FileManager.default.fileExists(atPath: users + "/notes.txt"))

        // arrcoc's own output: a failing run with --force leaves it alone; a good one replaces it.
        let out = h.directory.appendingPathComponent("existing").path
        let first = try CLIRunner.run(["compress", h.video, "--query-image", h.needle, "--budget", "1000", "--features", h.features, "--out", out])
        #expect(first.status == 0, "\(first.stderr)")
        let before = try Data(contentsOf: URL(fileURLWithPath: out + "/manifest.json"))
        let failing = try CLIRunner.run(["compress", h.video, "--query-image", h.needle, "--budget", "10", "--features", h.features, "--out", out, "--force"])
        #expect(failing.status != 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/manifest.json")) == before)
        let forced = try CLIRunner.run(["compress", h.video, "--query-image", h.needle, "--budget", "1500", "--features", h.features, "--out", out, "--force"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/manifest.json")) != before)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: h.directory.path).filter { $0.hasPrefix(".arrcoc-staging-") }
        #expect(leftovers.isEmpty, "\(leftovers)")
    }

    /// Docs/examples/write_features.py (numpy only) writes features an outside model could have
    /// made; compress accepts them with a query embedding and refuses a query image.
    @Test func externalFeaturesFromThePythonExample() throws {
        let dir = TestClips.scratch("external")
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Docs/examples/write_features.py").path
        let features = dir.appendingPathComponent("ext.safetensors").path
        let query = dir.appendingPathComponent("q.npy").path
        let bikes = try Samples.path("bikes.mp4")
        try FFmpegTool.run("python3", [script, bikes, features, query])
        let out = dir.appendingPathComponent("out").path
        let r = try CLIRunner.run(["compress", bikes, "--features", features, "--query-embedding", query, "--budget", "800", "--out", out])
        #expect(r.status == 0, "\(r.stderr)")
        let blocks = try #require(try Self.manifest(out)["blocks"] as? [[String: Any]])
        let object = blocks.filter { ($0["relevance"] as? Double ?? 0) > 0.9 }.compactMap { $0["time_s"] as? Double }
        #expect(!object.isEmpty && object.allSatisfy { $0 >= 4 && $0 < 6 }, "relevant blocks at \(object)")
        let refused = try CLIRunner.run(["compress", bikes, "--features", features, "--query-image", try Self.haystack.get().needle,
                                         "--budget", "800", "--out", dir.appendingPathComponent("refused").path])
        #expect(refused.status != 0 && refused.stderr.contains("ext.safetensors") && refused.stderr.contains("--query-embedding"))
    }
}
