import ARRCOC
import Foundation
import VideoDecoding

/// `--suite coarse`: coarse-to-fine against full analysis on the 60-minute 720p needle haystack
/// (`Benchmarks/make-inputs.sh --coarse`: keyframes every 5 s, four events of 6–12 s of a real
/// crop), all with the release binary as a user runs it, in the same run:
///
/// - `arrcoc compress --query-image Q --budget B` (full analysis at 2 fps, then compression),
/// - `arrcoc compress … --coarse-to-fine` (keyframes, then windows around the query),
/// - the same from a cached coarse file (`--features coarse.safetensors`: the fine pass only),
/// - the Python peer's full analysis (`peers/descriptor_peer.py`);
///
/// then temporal recall@1 s (`arrcoc eval`) of full and coarse-to-fine at 1%, 3% and 10% of the
/// Qwen3-VL default token count. Wall time, CPU and peak RSS from `/usr/bin/time`; `--long-runs N`
/// rounds, in rotating order, ratios taken within a round, medians reported.
func coarseBenchmark(_ options: Options) throws {
    let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("arrcoc").path
    guard FileManager.default.isExecutableFile(atPath: binary) else {
        throw BenchError.missing("build arrcoc first: swift build -c release --product arrcoc")
    }
    print("making inputs (once) with Benchmarks/make-inputs.sh --coarse …")
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("make-inputs.sh").path
    let lines = try Tool.capture(["bash", script, "--coarse"]).split(separator: "\n")
    guard let line = lines.first(where: { $0.hasPrefix("haystack ") }), let video = line.split(separator: " ", maxSplits: 2).last.map(String.init) else {
        throw BenchError.missing("make-inputs.sh --coarse made no haystack (is Megamind.avi in the sample cache? Scripts/fetch-samples.sh)")
    }
    let truthPath = (video as NSString).deletingPathExtension + ".yaml"
    let truth = try Truth.load(path: truthPath)
    let query = truth.query
    let info = try VideoProbe.probe(path: video)
    let duration = info.durationSeconds ?? 0
    let reference = QwenVideoDefaults.plan(totalFrames: max(2, Int((duration * info.fps).rounded())), videoFPS: info.fps,
                                           width: info.width, height: info.height).totalTokens
    let shares = [0.01, 0.03, 0.10]
    let budgets = shares.map { max(1, Int((Double(reference) * $0).rounded())) }
    let timed = budgets[1]
    let out = options.work + "/coarse-out"
    try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
    let load = ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "").split(separator: " ").prefix(3).joined(separator: " ")
    print("\(video): \(String(format: "%.0f", duration)) s \(info.width)x\(info.height), \(truth.events.count) events; "
          + "Qwen3-VL default \(reference) tokens; budgets \(budgets) (1%, 3%, 10%); load \(load)")
    let found = Tool.announcedPeer()
    let peer = found?.command
    let full = out + "/full.features.safetensors", coarse = out + "/coarse.features.safetensors"
    let commands: [(name: String, arguments: [String])] = [
        ("full", [binary, "compress", video, "--query-image", query, "--budget", "\(timed)", "--force", "--out", out + "/full-run",
                  "--save-features", full]),
        ("c2f", [binary, "compress", video, "--query-image", query, "--budget", "\(timed)", "--coarse-to-fine", "--force",
                 "--out", out + "/c2f-run", "--save-features", coarse]),
    ] + (peer.map { [("peer", $0 + [video, "--out", out + "/peer.features.safetensors"])] } ?? [])
    var runs: [String: [Tool.Measurement]] = [:]
    let rounds = max(1, options.longRuns)
    for round in 0..<rounds {
        for k in 0..<commands.count {
            let (name, arguments) = commands[(k + round) % commands.count]
            let m = try Tool.measure(arguments, log: out + "/\(name).log")
            runs[name, default: []].append(m)
            print(String(format: "  round %d %-6@ %8.2f s  %5.2f cores  %6.0f MB", round + 1, name as NSString, m.wall, m.cores, m.peakMB))
        }
        // The fine pass alone, from the cached coarse file (written by the c2f run above).
        let m = try Tool.measure([binary, "compress", video, "--query-image", query, "--budget", "\(timed)", "--features", coarse, "--force",
                                  "--out", out + "/cached-run"], log: out + "/cached.log")
        runs["cached", default: []].append(m)
        print(String(format: "  round %d %-6@ %8.2f s  %5.2f cores  %6.0f MB", round + 1, "cached", m.wall, m.cores, m.peakMB))
    }
    // Recall at each budget, both ways, from the features the timed runs wrote.
    var recall: [(share: Double, budget: Int, full: Double, c2f: Double)] = []
    for (share, budget) in zip(shares, budgets) {
        var r: [Double] = []
        for (name, features) in [("full", full), ("c2f", coarse)] {
            let dir = out + "/\(name)-\(budget)"
            _ = try Tool.measure([binary, "compress", video, "--query-image", query, "--budget", "\(budget)", "--features", features, "--force",
                              "--out", dir], log: dir + ".log")
            let json = try Tool.capture([binary, "eval", "--truth", truthPath, "--manifest", dir + "/manifest.json", "--delta", "1", "--json"])
            let metrics = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
            guard let value = metrics?["temporal_recall"] as? Double else { throw BenchError.missing("no temporal_recall in arrcoc eval's output") }
            r.append(value)
        }
        recall.append((share, budget, r[0], r[1]))
        print(String(format: "  %2.0f%% (%d tokens): temporal recall@1 s full %.3f, coarse-to-fine %.3f", share * 100, budget, r[0], r[1]))
    }
    /// Seconds of a step, from the progress lines (`TASK: N in S s`) of the last run's log.
    func step(_ log: String, _ prefix: String) -> Double? {
        let text = (try? String(contentsOfFile: out + "/\(log).log", encoding: .utf8)) ?? ""
        let line = text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).last { $0.hasPrefix(prefix) && $0.hasSuffix(" s") }
        return line.flatMap { $0.split(separator: " ").dropLast().last }.flatMap { Double($0) }
    }
    func seconds(_ x: Double?) -> String { x.map { String(format: "%.1f s", $0) } ?? "–" }
    func med(_ name: String) -> Double { median((runs[name] ?? []).map(\.wall)) }
    func peak(_ name: String) -> Double { (runs[name] ?? []).map(\.peakMB).max() ?? 0 }
    func ratio(_ a: String, _ b: String) -> Double? {
        guard let x = runs[a], let y = runs[b], !x.isEmpty else { return nil }
        return median(zip(x, y).map { $0.wall / $1.wall })
    }
    let coarseFeatures = try FeatureSet(contentsOf: coarse)
    let fullFeatures = try FeatureSet(contentsOf: full)
    let how = coarseFeatures.info.analysis.coarse
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime]
    var md = """
        Coarse-to-fine on `\(URL(fileURLWithPath: video).lastPathComponent)` (\(String(format: "%.0f", duration)) s, \(info.width)×\(info.height) \
        \(info.codec) \(String(format: "%.0f", info.fps)) fps, keyframes every 5 s, \(truth.events.count) needle events of 6–12 s); \
        \(ProcessInfo.processInfo.activeProcessorCount) cores, \(formatter.string(from: Date())) UTC, load before \(load), \
        \(rounds) round(s), `arrcoc-bench --suite coarse`.

        Coarse pass: \(how?.method.rawValue ?? "?") (\(coarseFeatures.frameCount) frames, at most \
        \(String(format: "%.1f", how?.largestGapSeconds ?? 0)) s apart); full analysis: \(fullFeatures.frameCount) candidate frames.

        | run | wall | peak RSS | ratio |
        |---|---|---|---|
        | full: `compress --budget \(timed)` (analysis at 2 fps included) | \(String(format: "%.1f", med("full"))) s | \(String(format: "%.0f", peak("full"))) MB | reference |
        | coarse-to-fine: `compress --budget \(timed) --coarse-to-fine` | \(String(format: "%.1f", med("c2f"))) s | \(String(format: "%.0f", peak("c2f"))) MB | **\(String(format: "%.2f", ratio("full", "c2f") ?? 0))× faster than full** |
        | fine pass from the cached coarse file (`--features coarse`) | \(String(format: "%.1f", med("cached"))) s | \(String(format: "%.0f", peak("cached"))) MB | \(String(format: "%.2f", ratio("full", "cached") ?? 0))× faster than full |

        """
    if runs["peer"] != nil {
        md += "| Python peer: full analysis only (PyAV + numpy; \(found?.libraries ?? "")) | \(String(format: "%.1f", med("peer"))) s | \(String(format: "%.0f", peak("peer"))) MB | "
            + "coarse-to-fine **\(String(format: "%.2f", ratio("peer", "c2f") ?? 0))× faster** |\n"
    }
    md += """

        Steps (progress lines of the last round): full analysis \(seconds(step("full", "analysing"))), its emission fetch \
        (`FetchStrategy.cheapest`) \(seconds(step("full", "decoding"))); coarse pass \(seconds(step("c2f", "coarse pass"))), fine pass \
        \(seconds(step("c2f", "fine pass"))), emission fetch (`.automatic`) \(seconds(step("c2f", "decoding"))).

        """
    md += "\n| budget | share of the default | recall@1 s full | recall@1 s coarse-to-fine | difference |\n|---|---|---|---|---|\n"
    for r in recall {
        md += String(format: "| %d | %.0f%% | %.3f | %.3f | %+.3f |\n", r.budget, r.share * 100, r.full, r.c2f, r.c2f - r.full)
    }
    let dir = options.report ?? options.work
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    try md.write(toFile: dir + "/coarse-table.md", atomically: true, encoding: .utf8)
    print("\n" + md)
    print("wrote \(dir)/coarse-table.md")
    if let minimum = thresholds["coarse_speedup_over_full"]?["min"], let r = ratio("full", "c2f"), r < minimum {
        print("  threshold ≥ \(minimum) EXCEEDED: coarse-to-fine only \(String(format: "%.2f", r))× faster than full")
        failed = true
    }
    if let limit = thresholds["coarse_recall_drop"]?["max"], let worst = recall.map({ $0.full - $0.c2f }).max(), worst > limit {
        print("  threshold ≤ \(limit) EXCEEDED: recall drops by \(String(format: "%.3f", worst))")
        failed = true
    }
}
