import ARRCOC
import Foundation
import VideoDecoding

/// Analysis + compression of a 10-minute 720p H.264 video (`arrcoc compress`, release build, as a
/// user runs it) against the decode floor for the same sampling (`ffmpeg -vf fps=2,scale` at the
/// analysis size); and the allocator alone on 7,200 candidate frames (an hour at 2 fps).
func compressBenchmark(_ options: Options) throws {
    let video = options.work + "/bench-600s-720p.mp4"
    let needle = options.work + "/bench-needle.png"
    if !FileManager.default.fileExists(atPath: needle) {
        try shell(["ffmpeg", "-v", "error", "-nostdin", "-y", "-f", "lavfi", "-i", "mandelbrot=s=160x160", "-frames:v", "1", needle])
    }
    if !FileManager.default.fileExists(atPath: video) {
        let base = try makeInput(options)  // 60 s; loop it to 10 minutes with the needle at 300–306 s
        print("making a 10-minute 720p clip (once, in \(options.work)) …")
        try shell(["ffmpeg", "-v", "error", "-nostdin", "-y", "-stream_loop", "9", "-i", base, "-i", needle,
                   "-filter_complex", "[0:v][1:v]overlay=900:100:enable='between(t,300,306)'", "-t", "600",
                   "-an", "-c:v", "libx264", "-preset", "veryfast", "-g", "250", "-bf", "3", "-pix_fmt", "yuv420p", video])
    }
    let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("arrcoc").path
    guard FileManager.default.isExecutableFile(atPath: binary) else {
        throw NSError(domain: "bench", code: 1, userInfo: [NSLocalizedDescriptionKey: "build arrcoc first: swift build -c release"])
    }
    let info = try VideoProbe.probe(path: video)
    let grid = TokenGrid.levels(width: info.width, height: info.height).last!
    let size = "\(grid.w * 32):\(grid.h * 32)"
    print("\nanalysis + compression, \(info.width)x\(info.height) \(info.codec), \(Int(info.durationSeconds ?? 0)) s, budget 8000, needle query")
    let out = options.work + "/bench-out"
    let features = options.work + "/bench-600s.features.safetensors"
    var ours: [Double] = [], floor: [Double] = [], analyse: [Double] = [], reuse: [Double] = []
    for _ in 0..<max(1, options.runs / 2) {
        floor.append(try seconds {
            try shell(["ffmpeg", "-v", "error", "-nostdin", "-i", video, "-vf", "fps=2,scale=\(size)", "-f", "null", "-"])
        })
        analyse.append(try seconds { try shell([binary, "analyze", video, "--out", features]) })
        ours.append(try seconds {
            try shell([binary, "compress", video, "--query-image", needle, "--budget", "8000", "--out", out, "--force"])
        })
        reuse.append(try seconds {
            try shell([binary, "compress", video, "--query-image", needle, "--budget", "8000", "--features", features, "--out", out, "--force"])
        })
    }
    print(String(format: "  ffmpeg decode floor (fps=2, scale=%@): median %.2f s", size, median(floor)))
    print(String(format: "  arrcoc analyze:                         median %.2f s  (%.2f× the floor)", median(analyse), median(analyse) / median(floor)))
    print(String(format: "  arrcoc compress (analysis included):    median %.2f s  (%.2f× the floor)", median(ours), median(ours) / median(floor)))
    print(String(format: "  arrcoc compress --features (reused):    median %.2f s  (%.2f× the floor)", median(reuse), median(reuse) / median(floor)))
    if let data = FileManager.default.contents(atPath: out + "/manifest.json"),
       let manifest = try? JSONDecoder().decode(Manifest.self, from: data) {
        let inside = manifest.blocks.filter { $0.timeSeconds >= 300 && $0.timeSeconds <= 306 }
        print("  result: \(manifest.blocks.count) blocks, \(manifest.totals.sequenceLength) tokens (Qwen3-VL default \(manifest.totals.qwen3vlDefaultTokens)); \(inside.count) blocks on the needle (300–306 s) with \(inside.reduce(0) { $0 + $1.tokens }) vision tokens")
    }

    // The allocator alone: 7,200 candidates, three relevance peaks.
    var times: [Double] = []
    var relevance: [Double] = []
    for i in 0..<7200 {
        times.append(Double(i) / 2)
        let t = Double(i) / 2
        relevance.append(0.1 + 0.05 * sin(t / 7) + ([600.0, 1800, 3000].contains { abs(t - $0) < 5 } ? 0.8 : 0))
    }
    let input = AllocationInput(times: times, relevance: relevance, levels: TokenGrid.levels(width: 1280, height: 720),
                                budget: 20_000, format: .qwen3vl, config: AllocationConfig())
    var allocationTimes: [Double] = []
    var blocks = 0
    for _ in 0..<5 {
        allocationTimes.append(try seconds { blocks = try LagrangianAllocator().allocate(input).blocks.count })
    }
    var uniformTimes: [Double] = []
    for _ in 0..<5 { uniformTimes.append(try seconds { _ = try UniformAllocator().allocate(input) }) }
    print(String(format: "\nallocation of 7,200 candidate frames (budget 20,000): arrcoc median %.1f ms (%d blocks), uniform %.2f ms; %.4f× the 10-minute decode floor",
                 median(allocationTimes) * 1000, blocks, median(uniformTimes) * 1000, median(allocationTimes) / median(floor)))
}
