import ARRCOC
import Foundation
import VideoDecoding

/// `--suite memory`: peak RSS of `arrcoc analyze`, `arrcoc compress --features` (at 3% of
/// Qwen3-VL's default token count and at 100,000 tokens) and `arrcoc compress` from the video
/// (3%), each against the size of the features file, on the 720p H.264 clips (ultrafast, GOP 250,
/// 10 fps source) of 1, 10 and 60 minutes that `Benchmarks/make-inputs.sh` makes. `--lengths
/// 600` adds the 10-hour clip when it exists (`ffmpeg -stream_loop 9 -i …-60m.mp4 -c copy
/// …-600m.mp4`, ≈ 10 GB; not made here).
///
/// `--baseline PATH`: an older `arrcoc` binary run on the same commands in the same run, the
/// reference of every ratio; its features files and compress outputs are compared byte for byte
/// with this build's. Peak RSS and wall time come from `/usr/bin/time`; the load average is
/// recorded with the table (timings are noisy on a shared machine, peak RSS is not).
func memoryBenchmark(_ options: Options) throws {
    let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("arrcoc").path
    guard FileManager.default.isExecutableFile(atPath: binary) else {
        throw BenchError.missing("build arrcoc first: swift build -c release --product arrcoc")
    }
    try FileManager.default.createDirectory(atPath: options.work, withIntermediateDirectories: true)
    let needle = options.work + "/bench-needle.png"
    if !FileManager.default.fileExists(atPath: needle) {
        try shell(["ffmpeg", "-v", "error", "-nostdin", "-y", "-f", "lavfi", "-i", "mandelbrot=s=160x160", "-frames:v", "1", needle])
    }
    let kind = "h264-720p-ultrafast-g250-10fps"
    let lengths = (options.lengths ?? [1, 10, 60]).sorted()
    var clips = try Tool.makeInputs(quick: !lengths.contains(60)).filter { $0.kind == kind && lengths.contains($0.minutes) }
    for minutes in lengths where !clips.contains(where: { $0.minutes == minutes }) {
        // Longer clips are not made by make-inputs.sh: taken when present next to the others.
        if let sixty = try Tool.makeInputs(quick: false).first(where: { $0.kind == kind && $0.minutes == 60 }) {
            let path = sixty.path.replacingOccurrences(of: "-60m.", with: "-\(minutes)m.")
            if FileManager.default.fileExists(atPath: path) { clips.append(.init(kind: kind, minutes: minutes, path: path)) }
            else { print("  no \(minutes)-minute clip at \(path): skipped") }
        }
    }
    let load = ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "").split(separator: " ").prefix(3).joined(separator: " ")
    var binaries = [(name: "this build", path: binary)]
    if let baseline = options.baseline { binaries.append((name: "baseline", path: baseline)) }
    var rows: [MemoryRow] = []
    for clip in clips.sorted(by: { $0.minutes < $1.minutes }) {
        let info = try VideoProbe.probe(path: clip.path)
        let frames = Int(((info.durationSeconds ?? 0) * info.fps).rounded())
        let reference = QwenVideoDefaults.plan(totalFrames: max(2, frames), videoFPS: info.fps, width: info.width, height: info.height)
        let small = max(1000, reference.totalTokens * 3 / 100)
        print("\n\(clip.kind), \(clip.minutes) min: budgets \(small) (3% of \(reference.totalTokens)) and 100000; load \(load)")
        var outputs: [String: String] = [:]
        for (name, path) in binaries {
            // The baseline is not run on clips longer than an hour (it would not fit in memory).
            if name == "baseline" && clip.minutes > 60 { continue }
            let tag = "\(name == "baseline" ? "base" : "new")-\(clip.minutes)m"
            let features = options.work + "/mem-\(tag).features.safetensors"
            func run(_ label: String, _ arguments: [String]) throws -> Tool.Measurement {
                let m = try Tool.measure([path] + arguments, log: options.work + "/mem-\(tag)-\(label).log")
                print(String(format: "  %@ %@: %.0f MB peak, %.1f s", name, label, m.peakMB, m.wall))
                return m
            }
            let analyze = try run("analyze", ["analyze", clip.path, "--out", features, "--force"])
            let bytes = (try FileManager.default.attributesOfItem(atPath: features)[.size] as? Int) ?? 0
            var budgets: [Tool.Measurement] = []
            // The baseline held about three copies of pixel_values_videos (2.4 GB each at 100,000
            // tokens): its large budget runs on the short clips only, where it fits beside others.
            for budget in [small, 100_000] where !(name == "baseline" && budget == 100_000 && clip.minutes > 10) {
                let out = options.work + "/mem-\(tag)-out-\(budget)"
                budgets.append(try run("compress --features \(budget)", ["compress", clip.path, "--query-image", needle, "--budget", "\(budget)",
                                                                          "--features", features, "--out", out, "--force"]))
                outputs["\(name) \(budget)"] = out
            }
            let fromVideo = try run("compress \(small)", ["compress", clip.path, "--query-image", needle, "--budget", "\(small)",
                                                          "--out", options.work + "/mem-\(tag)-video", "--force"])
            outputs[name] = features
            rows.append(MemoryRow(binary: name, minutes: clip.minutes, candidates: Int((info.durationSeconds ?? 0) * 2) + 1,
                                  featuresMB: Double(bytes) / 1_048_576, analyze: analyze, compressFeatures: budgets[0],
                                  compressLarge: budgets.count > 1 ? budgets[1] : nil, compressVideo: fromVideo, smallBudget: small))
        }
        if let a = outputs["this build"], let b = outputs["baseline"] {
            let same = FileManager.default.contentsEqual(atPath: a, andPath: b)
            var note = "  features file identical to the baseline's: \(same ? "yes" : "no")"
            for budget in [small, 100_000] {
                if let x = outputs["this build \(budget)"], let y = outputs["baseline \(budget)"] {
                    let equal = ["tensors.safetensors", "manifest.json", "prompt.txt"].allSatisfy {
                        FileManager.default.contentsEqual(atPath: x + "/" + $0, andPath: y + "/" + $0)
                    }
                    note += "; compress --features \(budget) outputs identical: \(equal ? "yes" : "no")"
                }
            }
            print(note)
            if let i = rows.lastIndex(where: { $0.binary == "this build" && $0.minutes == clip.minutes }) { rows[i].identical = note }
        }
        // Outputs of 100,000 tokens are 2.4 GB each: removed once compared.
        for (name, _) in binaries {
            let tag = "\(name == "baseline" ? "base" : "new")-\(clip.minutes)m"
            for suffix in [".features.safetensors", "-out-\(small)", "-out-100000", "-video"] {
                try? FileManager.default.removeItem(atPath: options.work + "/mem-\(tag)\(suffix)")
            }
        }
    }
    let table = MemoryRow.markdown(rows, load: load, cores: ProcessInfo.processInfo.activeProcessorCount)
    print("\n" + table)
    if let dir = options.report {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let saved = dir + "/memory-rows.json"
        let earlier = (FileManager.default.contents(atPath: saved)).flatMap { try? JSONDecoder().decode([MemoryRow].self, from: $0) } ?? []
        let all = (earlier.filter { old in !rows.contains { $0.minutes == old.minutes && $0.binary == old.binary } } + rows)
            .sorted { ($0.minutes, $0.binary) < ($1.minutes, $1.binary) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(all).write(to: URL(fileURLWithPath: saved))
        try MemoryRow.markdown(all, load: load, cores: ProcessInfo.processInfo.activeProcessorCount)
            .write(toFile: dir + "/memory-table.md", atomically: true, encoding: .utf8)
    }
}

/// One clip measured with one binary.
struct MemoryRow: Codable {
    struct Run: Codable {
        var peakMB: Double
        var seconds: Double
        init(_ m: Tool.Measurement) { peakMB = m.peakMB; seconds = m.wall }
    }

    var binary: String
    var minutes: Int
    var candidates: Int
    var featuresMB: Double
    var analyze: Run
    var compressFeatures: Run
    var compressLarge: Run?
    var compressVideo: Run
    var smallBudget: Int
    var identical: String? = nil
    var date = ISO8601DateFormatter().string(from: Date())

    init(binary: String, minutes: Int, candidates: Int, featuresMB: Double, analyze: Tool.Measurement, compressFeatures: Tool.Measurement,
         compressLarge: Tool.Measurement?, compressVideo: Tool.Measurement, smallBudget: Int) {
        self.binary = binary
        self.minutes = minutes
        self.candidates = candidates
        self.featuresMB = featuresMB
        self.analyze = Run(analyze)
        self.compressFeatures = Run(compressFeatures)
        self.compressLarge = compressLarge.map(Run.init)
        self.compressVideo = Run(compressVideo)
        self.smallBudget = smallBudget
    }

    /// The table: peak RSS in MB (beyond the features file's size in brackets), wall seconds.
    static func markdown(_ rows: [MemoryRow], load: String, cores: Int) -> String {
        func cell(_ r: Run?, _ file: Double) -> String {
            guard let r else { return "not run" }
            return String(format: "%.0f (%+.0f) · %.0f s", r.peakMB, r.peakMB - file, r.seconds)
        }
        var out = """
            Peak RSS in MB (in brackets: minus the features file's size) · wall time; 720p H.264 ultrafast GOP 250, \
            10 fps source, 2 fps candidates, 14×25 cells, D = 24. \(cores) cores, load average at the start \(load).

            | clip | binary | candidates | features file MB | analyze | compress --features (3%) | compress --features (100k tokens) | compress from the video (3%) |
            |---|---|---:|---:|---|---|---|---|

            """
        for r in rows {
            out += "| \(r.minutes) min | \(r.binary) | \(r.candidates) | \(String(format: "%.0f", r.featuresMB)) | \(cell(r.analyze, r.featuresMB)) | "
                + "\(cell(r.compressFeatures, r.featuresMB)) | \(cell(r.compressLarge, r.featuresMB)) | \(cell(r.compressVideo, r.featuresMB)) |\n"
        }
        for r in rows {
            if let note = r.identical { out += "\n- \(r.minutes) min: \(note.trimmingCharacters(in: .whitespaces))" }
        }
        return out + "\n"
    }
}
