import ARRCOC
import Foundation
import VideoDecoding

// arrcoc benchmarks (`--suite breakdown`: CPU per candidate frame by stage, not in `all`). Each figure is a ratio to a reference measured in the same run on the
// same input (these machines are noisy; absolute seconds are not comparable across runs).
// Thresholds are in Benchmarks/thresholds.json; the run exits 1 when one is exceeded.
//
//   swift run -c release arrcoc-bench [--suite sampling|compress|analysis|all] [--runs N] [--work DIR]
//   swift run -c release arrcoc-bench --suite analysis [--quick] [--only KIND] [--lengths 1,10,60] [--report DIR] [--long-runs N]
//                                     [--baseline OLD_ARRCOC] [--without-peer]
//   swift run -c release arrcoc-bench --suite memory [--lengths 1,10,60,600] [--baseline OLD_ARRCOC] [--report DIR]
//   swift run -c release arrcoc-bench --suite coarse [--report DIR] [--long-runs N]   (coarse-to-fine, 60-minute needle haystack)
//   Scripts/bench.sh   (the analysis suite with its report written into Docs/performance/)
//   Scripts/bench.sh --memory [--baseline OLD_ARRCOC]   (the memory suite, Docs/performance/memory-table.md)

/// What `--help` prints (and an unknown argument, to standard error).
let usage = """
    usage: arrcoc-bench [--suite sampling|compress|analysis|all] [--runs N] [--work DIR] [--thresholds FILE]
           arrcoc-bench --suite analysis [--quick] [--only KIND] [--lengths 1,10,60] [--report DIR] [--long-runs N]
                        [--baseline OLD_ARRCOC] [--without-peer]
           arrcoc-bench --suite memory [--lengths 1,10,60,600] [--baseline OLD_ARRCOC] [--report DIR]
           arrcoc-bench --suite coarse [--report DIR] [--long-runs N]
           arrcoc-bench --suite breakdown
    Build with `swift build -c release` first; Scripts/bench.sh runs the documented suites.
    """

struct Options {
    var runs = 5
    /// Whether `--runs` was given (the analysis suite defaults to 3 rounds).
    var runsGiven = false
    var work = FileManager.default.temporaryDirectory.appendingPathComponent("arrcoc-bench").path
    var thresholds = "Benchmarks/thresholds.json"
    var suite = "all"
    /// Analysis suite: skip the 60-minute clip.
    var quick = false
    /// Analysis suite: only clips whose kind contains this.
    var only: String? = nil
    /// Analysis suite: where the table and the plot go (default: the work directory).
    var report: String? = nil
    /// Analysis suite: rounds on 60-minute clips.
    var longRuns = 1
    /// Analysis suite: only clips of these lengths in minutes (`--lengths 1,10`).
    var lengths: Set<Int>? = nil
    /// Memory and analysis suites: an older arrcoc binary measured on the same commands (the
    /// memory suite's reference; in the analysis suite, paired with `arrcoc analyze` round by round).
    var baseline: String? = nil
    /// Analysis suite: leave the Python peer out.
    var withoutPeer = false

    init(_ arguments: [String]) {
        var it = arguments.dropFirst().makeIterator()
        while let a = it.next() {
            switch a {
            case "--runs":
                runs = it.next().flatMap(Int.init) ?? runs
                runsGiven = true
            case "--work": work = it.next() ?? work
            case "--thresholds": thresholds = it.next() ?? thresholds
            case "--suite": suite = it.next() ?? suite
            case "--quick": quick = true
            case "--only": only = it.next()
            case "--report": report = it.next()
            case "--long-runs": longRuns = it.next().flatMap(Int.init) ?? longRuns
            case "--baseline": baseline = it.next()
            case "--without-peer": withoutPeer = true
            case "--lengths": lengths = it.next().map { Set($0.split(separator: ",").compactMap { Int($0) }) }
            case "--help", "-h":
                print(usage)
                exit(0)
            default:
                FileHandle.standardError.write(Data("unknown argument \(a)\n\(usage)\n".utf8))
                exit(2)
            }
        }
    }
}

@discardableResult
func shell(_ arguments: [String]) throws -> Int32 {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = arguments
    p.standardInput = FileHandle.nullDevice
    try p.run()
    p.waitUntilExit()
    guard p.terminationStatus == 0 else {
        throw NSError(domain: "bench", code: Int(p.terminationStatus),
                      userInfo: [NSLocalizedDescriptionKey: "\(arguments.joined(separator: " ")) failed"])
    }
    return p.terminationStatus
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

func peakRSSMegabytes() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

/// A 60 s 1280×720 H.264 file with long GOPs (250 frames) and B-frames: cockatoo.mp4 looped
/// when the sample cache has it (real content), the lavfi test source otherwise.
func makeInput(_ options: Options) throws -> String {
    try FileManager.default.createDirectory(atPath: options.work, withIntermediateDirectories: true)
    let path = options.work + "/bench-60s-720p.mp4"
    if FileManager.default.fileExists(atPath: path) { return path }
    let samples = ProcessInfo.processInfo.environment["ARRCOC_SAMPLES"]
        ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/arrcoc/samples").path
    let cockatoo = samples + "/cockatoo.mp4"
    let input = FileManager.default.fileExists(atPath: cockatoo)
        ? ["-stream_loop", "5", "-i", cockatoo]
        : ["-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=20"]
    try shell(["ffmpeg", "-v", "error", "-nostdin", "-y"] + input + [
        "-t", "60", "-an", "-c:v", "libx264", "-preset", "veryfast", "-g", "250", "-bf", "3",
        "-pix_fmt", "yuv420p", path,
    ])
    return path
}

let options = Options(CommandLine.arguments)
nonisolated(unsafe) var failed = false
let thresholds = (try? JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: options.thresholds)))) as? [String: [String: Double]] ?? [:]

func samplingBenchmark() throws {
    let path = try makeInput(options)
    let info = try VideoProbe.probe(path: path)
    let size = PixelSize(width: 864, height: 480)  // the analysis grid: 27×15 cells of 32 px
    print("sequential 2 fps sampling, \(info.width)x\(info.height) \(info.codec), \(String(format: "%.0f", info.durationSeconds ?? 0)) s, \(info.frameCountCounted ?? 0) frames → \(size)")

    var ours: [Double] = []
    var reference: [Double] = []
    var emitted = 0
    // Warm-up of both (page cache, dynamic loading), then alternate runs.
    _ = try VideoReader(path: path).sample(fps: 2, size: size) { _ in }
    try shell(["ffmpeg", "-v", "error", "-nostdin", "-i", path, "-vf", "fps=2,scale=\(size.width):\(size.height)", "-f", "null", "-"])
    for _ in 0..<options.runs {
        ours.append(try seconds {
            emitted = 0
            try VideoReader(path: path).sample(fps: 2, size: size) { _ in emitted += 1 }
        })
        reference.append(try seconds {
            try shell(["ffmpeg", "-v", "error", "-nostdin", "-i", path, "-vf", "fps=2,scale=\(size.width):\(size.height)",
                       "-f", "null", "-"])
        })
    }
    let ratio = median(ours) / median(reference)
    print(String(format: "  arrcoc VideoReader.sample: median %.3f s (%d frames out), runs %@", median(ours), emitted,
                 ours.map { String(format: "%.2f", $0) }.joined(separator: " ")))
    print(String(format: "  ffmpeg -vf fps=2,scale -f null: median %.3f s, runs %@", median(reference),
                 reference.map { String(format: "%.2f", $0) }.joined(separator: " ")))
    print(String(format: "  ratio arrcoc / ffmpeg = %.3f   (peak RSS of this process %.0f MB)", ratio, peakRSSMegabytes()))
    if let limit = thresholds["sampling_2fps_60s_720p_h264"]?["max_ratio_to_ffmpeg"] {
        let ok = ratio <= limit
        print("  threshold ≤ \(limit): \(ok ? "ok" : "EXCEEDED")")
        failed = failed || !ok
    }
}

do {
    if options.suite == "sampling" || options.suite == "all" { try samplingBenchmark() }
    if options.suite == "compress" || options.suite == "all" { try compressBenchmark(options) }
    if options.suite == "analysis" || options.suite == "all" { try analysisBenchmark(options) }
    if options.suite == "breakdown" { try breakdownBenchmark(options) }
    if options.suite == "memory" { try memoryBenchmark(options) }
    if options.suite == "coarse" { try coarseBenchmark(options) }
} catch {
    print("benchmark failed: \(error.localizedDescription)")
    exit(1)
}
exit(failed ? 1 : 0)
