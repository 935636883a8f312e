import ARRCOC
import Foundation
import Testing
import TestSupport

/// Outputs stay what they were before the pipeline moved into the library (and through later
/// refactors): `compress` on a fixed clip and needle is compared with files recorded in
/// `Tests/Golden/` — manifest and prompt exactly (relevance within 1e-4), the integer tensors
/// exactly, `pixel_values_videos` within one 8-bit level per value.
///
/// Recorded by the code before the move (outputs of commit 8b73b36 and of the library were
/// compared byte for byte; `input_ids` and `prompt.txt` re-recorded when timestamp text got its
/// real token ids and `prompt.txt` became token-exact); re-record only for an intended change of
/// the outputs:
///   ARRCOC_RECORD_GOLDEN=1 swift test --filter GoldenOutputTests
@Suite(.serialized) struct GoldenOutputTests {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Golden")

    static let cases: [(name: String, arguments: [String])] = [
        ("resize-qwen3vl", ["--budget", "400"]),
        ("select-seed", ["--budget", "600", "--mode", "select", "--format", "seed"]),
        ("uniform", ["--budget", "400", "--strategy", "uniform"]),
    ]

    /// testsrc2 (4 s, 320×240, drawn in yuv420p, lossless libx264) and a 64-px crop of its
    /// frame at 1.5 s. Lossless, because libx264's lossy output depends on the CPU's SIMD (the
    /// same command gave other bytes, and other pixels, on an AVX-512 machine than on the one
    /// that recorded the files): lossless decoding gives back exactly the pixels testsrc2 drew,
    /// on any machine, and libswscale's output is the same for every SIMD level a real x86-64
    /// CPU has (checked with `ffmpeg -cpuflags`).
    static let inputs: Result<(video: String, needle: String, directory: URL), Error> = Result {
        let dir = TestClips.scratch("golden")
        let video = dir.appendingPathComponent("clip.mp4").path
        try FFmpegTool.run("ffmpeg", ["-v", "error", "-nostdin", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25,format=yuv420p",
                                      "-t", "4", "-c:v", "libx264", "-qp", "0", "-g", "50", video])
        let needle = dir.appendingPathComponent("needle.png").path
        try FFmpegTool.run("ffmpeg", ["-v", "error", "-nostdin", "-y", "-ss", "1.5", "-i", video, "-vf", "crop=64:64:200:40", "-frames:v", "1", needle])
        return (video, needle, dir)
    }

    @Test(arguments: cases.map(\.name))
    func compressOutputsMatchTheRecordedOnes(_ name: String) throws {
        let (video, needle, dir) = try Self.inputs.get()
        let arguments = try #require(Self.cases.first { $0.name == name }).arguments
        let out = dir.appendingPathComponent(name).path
        let r = try CLIRunner.run(["compress", video, "--query-image", needle, "--out", out] + arguments)
        #expect(r.status == 0, "\(r.stderr)")
        let summary = try Self.summary(of: URL(fileURLWithPath: out))
        let expected = Self.golden.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["ARRCOC_RECORD_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: expected, withIntermediateDirectories: true)
            for (file, data) in summary { try data.write(to: expected.appendingPathComponent(file)) }
            return
        }
        // The manifest names the input by path; compare with the recorded clip's path put back.
        let manifest = Self.withoutPaths(try Self.json(try #require(summary["manifest.json"])))
        let recorded = Self.withoutPaths(try Self.json(try Data(contentsOf: expected.appendingPathComponent("manifest.json"))))
        try Self.compare(manifest, recorded, path: "manifest")
        #expect(summary["prompt.txt"] == (try Data(contentsOf: expected.appendingPathComponent("prompt.txt"))), "prompt.txt differs")
        let tensors = try Self.json(try #require(summary["tensors.json"])), want = try Self.json(try Data(contentsOf: expected.appendingPathComponent("tensors.json")))
        for key in ["input_ids", "position_ids", "video_grid_thw", "pixel_values_videos.shape", "header_keys"] {
            #expect("\(tensors[key] ?? "none")" == "\(want[key] ?? "none")", "\(key) differs")
        }
        for key in ["pixel_values_videos.sum", "pixel_values_videos.abs_sum"] {
            let a = tensors[key] as? Double ?? .nan, b = want[key] as? Double ?? .nan, n = want["pixel_values_videos.count"] as? Double ?? 1
            #expect(abs(a - b) <= n / 127.5, "\(key): \(a) vs \(b)")
        }
    }

    /// manifest.json, prompt.txt, and a summary of tensors.safetensors (integer tensors in full,
    /// pixel sums) of an output directory.
    static func summary(of dir: URL) throws -> [String: Data] {
        let file = try Safetensors(contentsOf: dir.appendingPathComponent("tensors.safetensors").path)
        var t: [String: Any] = ["header_keys": file.tensors.keys.sorted().joined(separator: ",")]
        for name in ["input_ids", "position_ids", "video_grid_thw"] { t[name] = file.tensors[name]?.int64s?.map(String.init).joined(separator: ",") ?? "" }
        let pixels = file.tensors["pixel_values_videos"]
        let values = pixels?.floats ?? []
        t["pixel_values_videos.shape"] = pixels?.shape.map(String.init).joined(separator: "x") ?? ""
        t["pixel_values_videos.count"] = Double(values.count)
        t["pixel_values_videos.sum"] = values.reduce(0.0) { $0 + Double($1) }
        t["pixel_values_videos.abs_sum"] = values.reduce(0.0) { $0 + Double(abs($1)) }
        return [
            "manifest.json": try Data(contentsOf: dir.appendingPathComponent("manifest.json")),
            "prompt.txt": try Data(contentsOf: dir.appendingPathComponent("prompt.txt")),
            "tensors.json": try JSONSerialization.data(withJSONObject: t, options: [.sortedKeys, .prettyPrinted]),
        ]
    }

    static func json(_ data: Data) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func withoutPaths(_ m: [String: Any]) -> [String: Any] {
        var m = m
        // The file's hash is the encoder's, not arrcoc's: only the decoded pixels are fixed.
        if var s = m["source"] as? [String: Any] { s["path"] = nil; s["sha256"] = nil; m["source"] = s }
        if var q = m["query"] as? [String: Any] { q["path"] = nil; m["query"] = q }
        return m
    }

    /// Equal, numbers within 1e-4.
    static func compare(_ a: Any, _ b: Any, path: String) throws {
        switch (a, b) {
        case let (x as [String: Any], y as [String: Any]):
            #expect(Set(x.keys) == Set(y.keys), "\(path): keys \(x.keys.sorted()) vs \(y.keys.sorted())")
            for k in x.keys where y[k] != nil { try compare(x[k]!, y[k]!, path: "\(path).\(k)") }
        case let (x as [Any], y as [Any]):
            #expect(x.count == y.count, "\(path): \(x.count) vs \(y.count) elements")
            for (i, (p, q)) in zip(x, y).enumerated() { try compare(p, q, path: "\(path)[\(i)]") }
        case let (x as NSNumber, y as NSNumber):
            #expect(abs(x.doubleValue - y.doubleValue) <= 1e-4, "\(path): \(x) vs \(y)")
        default:
            #expect("\(a)" == "\(b)", "\(path): \(a) vs \(b)")
        }
    }
}
