import ARRCOC
import Foundation
import VideoDecoding

/// `--suite analysis`: `arrcoc analyze` (the release binary, as a user runs it) against the
/// decode floor for the same sampling and size (`ffmpeg -threads 0 -i F -vf fps=2,scale=W:H -f
/// null -`) and against the Python peer (`Benchmarks/peers/descriptor_peer.py`: PyAV + numpy, the
/// same analysis), on every clip `Benchmarks/make-inputs.sh` makes: H.264 720p/1080p, GOP 250 and
/// 30, ultrafast and medium, 10 and 30 fps, MPEG-4 and VP9; 1, 10 and 60 minutes.
///
/// Each round runs the three tools back to back on one clip, in an order that rotates between
/// rounds; ratios are taken within a round, then their median is reported. Wall time, CPU time
/// and peak RSS of each child come from `/usr/bin/time`.
///
/// With `--baseline OLD_ARRCOC`, an older `arrcoc` binary runs `analyze` in the same rounds
/// (same rotation): the paired A/B that shows a change's effect under a noisy machine's load
/// (`AnalysisRow.ratioToBaseline`). `--without-peer` leaves the Python peer out (on a 60-minute
/// clip it takes longer than the other tools together).
func analysisBenchmark(_ options: Options) throws {
    let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("arrcoc").path
    guard FileManager.default.isExecutableFile(atPath: binary) else {
        throw BenchError.missing("build arrcoc first: swift build -c release --product arrcoc")
    }
    let found = options.withoutPeer ? nil : Tool.announcedPeer()
    let peer = found?.command
    if let baseline = options.baseline, !FileManager.default.isExecutableFile(atPath: baseline) {
        throw BenchError.missing("--baseline \(baseline): expected an executable arrcoc binary")
    }
    func loadAverage() -> [Double] {
        ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "").split(separator: " ").prefix(3).compactMap { Double($0) }
    }
    let load = loadAverage().map { String(format: "%.2f", $0) }.joined(separator: " ")
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime]
    print("making inputs (once) with Benchmarks/make-inputs.sh …")
    let clips = try Tool.makeInputs(quick: options.quick)
    var rows: [AnalysisRow] = []
    let dir = options.report ?? options.work
    // Rows of earlier runs (analysis-rows.json) are kept unless this run measures the same clip.
    let saved = dir + "/analysis-rows.json"
    let earlier = (FileManager.default.contents(atPath: saved)).flatMap { try? JSONDecoder().decode([AnalysisRow].self, from: $0) } ?? []
    @discardableResult func write(_ new: [AnalysisRow]) throws -> AnalysisReport {
        let kept = earlier.filter { old in !new.contains { $0.kind == old.kind && $0.minutes == old.minutes } }
        let rows = (kept + new).sorted { ($0.minutes, $0.kind) < ($1.minutes, $1.kind) }
        let report = AnalysisReport(rows: rows, cores: ProcessInfo.processInfo.activeProcessorCount,
                                    date: formatter.string(from: Date()) + " UTC", load: load)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try report.markdown().write(toFile: dir + "/analysis-table.md", atomically: false, encoding: .utf8)
        try report.svg().write(toFile: dir + "/analysis-scaling.svg", atomically: false, encoding: .utf8)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(rows).write(to: URL(fileURLWithPath: saved))
        return report
    }
    let lengths = options.lengths
    for clip in clips where (options.only.map { clip.kind.contains($0) } ?? true) && (lengths.map { $0.contains(clip.minutes) } ?? true) {
        let info = try VideoProbe.probe(path: clip.path)
        let grid = TokenGrid.levels(width: info.width, height: info.height).last ?? THW(t: 1, h: 1, w: 1)
        let size = "\(grid.w * 32):\(grid.h * 32)"
        let wanted = options.runsGiven ? options.runs : 3
        let rounds = clip.minutes >= 60 ? options.longRuns : clip.minutes >= 10 ? max(1, wanted / 3) : wanted
        print("\n\(clip.kind), \(clip.minutes) min (\(info.width)x\(info.height) \(info.codec)), analysis \(size), \(rounds) rounds")
        let out = options.work + "/analysis-out"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let commands: [(name: String, arguments: [String])] = [
            ("floor", ["ffmpeg", "-v", "error", "-nostdin", "-threads", "0", "-i", clip.path, "-vf", "fps=2,scale=\(size)", "-f", "null", "-"]),
            // The same with RGB output in one scaled bicubic conversion: features version 1's pixels.
            ("rgb", ["ffmpeg", "-v", "error", "-nostdin", "-threads", "0", "-i", clip.path, "-vf", "fps=2,scale=\(size),format=rgb24", "-f", "null", "-"]),
            // Scaled in YUV first, then converted to RGB at the same size (libswscale's fast unscaled
            // path): arrcoc's analysis pixels since features version 2 (FrameConversion.viaYUV420).
            ("2-step", ["ffmpeg", "-v", "error", "-nostdin", "-threads", "0", "-i", clip.path, "-vf",
                        "fps=2,scale=\(size),format=yuv420p,scale=\(size),format=rgb24", "-f", "null", "-"]),
            ("arrcoc", [binary, "analyze", clip.path, "--force", "--out", out + "/arrcoc.features.safetensors"]),
        ] + (peer.map { [("peer", $0 + [clip.path, "--out", out + "/peer.features.safetensors"])] } ?? [])
            + (options.baseline.map { [("baseline", [$0, "analyze", clip.path, "--force", "--out", out + "/baseline.features.safetensors"])] } ?? [])
        var runs: [String: [Tool.Measurement]] = [:]
        let measured = formatter.string(from: Date()), loadBefore = loadAverage().first ?? 0
        for round in 0..<rounds {
            for k in 0..<commands.count {
                let (name, arguments) = commands[(k + round) % commands.count]
                let m = try Tool.measure(arguments, log: out + "/\(name).log")
                runs[name, default: []].append(m)
                print(String(format: "  round %d %-7@ %7.2f s  %5.2f cores  %5.0f MB", round + 1, name as NSString, m.wall, m.cores, m.peakMB))
            }
        }
        let floor = runs["floor"] ?? [], ours = runs["arrcoc"] ?? [], theirs = runs["peer"], rgb = runs["rgb"] ?? []
        let twoStep = runs["2-step"] ?? [], base = runs["baseline"]
        let features = try FeatureSet(contentsOf: out + "/arrcoc.features.safetensors")
        // A baseline that writes other bytes is not the same analysis: its time says nothing.
        let sameBytes = try options.baseline.map { _ in
            try Data(contentsOf: URL(fileURLWithPath: out + "/arrcoc.features.safetensors"))
                == Data(contentsOf: URL(fileURLWithPath: out + "/baseline.features.safetensors"))
        }
        let row = AnalysisRow(
            kind: clip.kind, minutes: clip.minutes, candidates: features.frameCount,
            floorSeconds: median(floor.map(\.wall)), arrcocSeconds: median(ours.map(\.wall)), peerSeconds: theirs.map { median($0.map(\.wall)) },
            ratioToFloor: median(zip(ours, floor).map { $0.wall / $1.wall }),
            rgbFloorRatio: median(zip(rgb, floor).map { $0.wall / $1.wall }),
            twoStepFloorRatio: median(zip(twoStep, floor).map { $0.wall / $1.wall }),
            peerRatioToFloor: theirs.map { median(zip($0, floor).map { $0.wall / $1.wall }) },
            speedupOverPeer: theirs.map { median(zip($0, ours).map { $0.wall / $1.wall }) },
            arrcocPeakMB: ours.map(\.peakMB).max() ?? 0, peerPeakMB: theirs?.map(\.peakMB).max(), floorPeakMB: floor.map(\.peakMB).max() ?? 0,
            arrcocCores: median(ours.map(\.cores)), floorCores: median(floor.map(\.cores)), rounds: rounds,
            measured: measured, load: loadBefore,
            baselineSeconds: base.map { median($0.map(\.wall)) },
            ratioToBaseline: base.map { median(zip(ours, $0).map { $0.wall / $1.wall }) },
            baselineWins: base.map { zip(ours, $0).filter { $0.wall < $1.wall }.count },
            baselineSameFeatures: sameBytes, peerLibraries: theirs == nil ? nil : found?.libraries)
        print(String(format: "  → arrcoc %.2f× the floor%@%@", row.ratioToFloor,
                     row.speedupOverPeer.map { String(format: ", %.2f× faster than the peer", $0) } ?? "",
                     row.ratioToBaseline.map { String(format: ", %.3f× the baseline (faster in %d of %d rounds)", $0, row.baselineWins ?? 0, rounds) } ?? ""))
        rows.append(row)
        try write(rows)  // after every clip: a long run interrupted still leaves its table
    }
    let report = try write(rows)
    print("\n" + report.markdown())
    print("wrote \(dir)/analysis-table.md and \(dir)/analysis-scaling.svg")
    if let limit = thresholds["analysis_ratio_to_ffmpeg"]?["max"] {
        for row in rows where row.ratioToFloor > limit {
            print("  threshold ≤ \(limit) EXCEEDED: \(row.kind) \(row.minutes) min at \(String(format: "%.2f", row.ratioToFloor))×")
            failed = true
        }
    }
}

enum BenchError: LocalizedError {
    case missing(String)
    case failed(command: String, status: Int32)

    var errorDescription: String? {
        switch self {
        case let .missing(what): what
        case let .failed(command, status): "\(command) exited with \(status)"
        }
    }
}

/// Running the tools of the analysis suite.
enum Tool {
    struct Clip {
        var kind: String
        var minutes: Int
        var path: String
    }

    struct Measurement {
        var wall: Double
        var cpu: Double
        var peakMB: Double
        var cores: Double { wall > 0 ? cpu / wall : 0 }
    }

    /// `Benchmarks/make-inputs.sh` (next to the sources), whose output lines are `kind minutes path`.
    static func makeInputs(quick: Bool) throws -> [Clip] {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("make-inputs.sh").path
        let output = try capture(["bash", script] + (quick ? ["--quick"] : []))
        return output.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: " ", maxSplits: 2).map(String.init)
            guard parts.count == 3, let minutes = Int(parts[1]) else { return nil }
            return Clip(kind: parts[0], minutes: minutes, path: parts[2])
        }.sorted { ($0.minutes, $0.kind) < ($1.minutes, $1.kind) }
    }

    /// The peer's command, a Python with PyAV and numpy: `ARRCOC_PYTHON`, else the peer's own venv
    /// (`peers/setup-peer.sh`: PyAV on the system's FFmpeg, the floor's and arrcoc's decoders),
    /// else the project's venv (PyAV's wheel, its own FFmpeg); and what it decodes with
    /// ("PyAV 11.0.0, libavcodec 59.37.100"), which the report prints.
    static func peerCommand() -> (command: [String], libraries: String)? {
        let home = FileManager.default.homeDirectoryForCurrentUser
        let candidates = ProcessInfo.processInfo.environment["ARRCOC_PYTHON"].map { [$0] }
            ?? ["peer-venv", "venv"].map { home.appendingPathComponent(".cache/arrcoc/\($0)/bin/python").path }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("peers/descriptor_peer.py").path
        let probe = "import av, numpy; print('PyAV %s, libavcodec %s' % (av.__version__, '.'.join(map(str, av.library_versions['libavcodec']))))"
        for python in candidates where FileManager.default.isExecutableFile(atPath: python) {
            if let libraries = try? capture([python, "-c", probe]) {
                return ([python, script], libraries.trimmingCharacters(in: .whitespacesAndNewlines))
            }
        }
        return nil
    }

    /// `peerCommand()`, printing which Python the peer runs on, or that it is left out.
    static func announcedPeer() -> (command: [String], libraries: String)? {
        let found = peerCommand()
        if let found {
            print("  the Python peer decodes with \(found.libraries) (\(found.command[0]))")
        } else {
            print("  (no Python with PyAV and numpy: the peer is left out; run Benchmarks/peers/setup-peer.sh)")
        }
        return found
    }

    /// Runs `arguments` under `/usr/bin/time`; output goes to `log`.
    static func measure(_ arguments: [String], log: String) throws -> Measurement {
        let timing = log + ".time"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/time")
        p.arguments = ["-f", "%e %U %S %M", "-o", timing] + arguments
        p.standardInput = FileHandle.nullDevice
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        defer { try? handle.close() }
        p.standardOutput = handle
        p.standardError = handle
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw BenchError.failed(command: arguments.joined(separator: " ") + " (see \(log))", status: p.terminationStatus) }
        let fields = try String(contentsOfFile: timing, encoding: .utf8).split(whereSeparator: \.isWhitespace).compactMap { Double($0) }
        guard fields.count >= 4 else { throw BenchError.missing("no timing in \(timing)") }
        return Measurement(wall: fields[0], cpu: fields[1] + fields[2], peakMB: fields[3] / 1024)
    }

    static func capture(_ arguments: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = arguments
        p.standardInput = FileHandle.nullDevice
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw BenchError.failed(command: arguments.joined(separator: " "), status: p.terminationStatus) }
        return String(decoding: data, as: UTF8.self)
    }
}
