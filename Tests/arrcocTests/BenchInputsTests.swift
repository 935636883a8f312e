import Foundation
import Testing
import TestSupport

/// `Benchmarks/make-inputs.sh` with an `ffmpeg` that only creates the file it is given last: which
/// inputs each benchmark suite's call makes, checked in no time.
@Suite struct BenchInputsTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Runs the script with `arguments` in a new folder (with Megamind.avi, the coarse needle's
    /// source, in its sample cache when `needle`); returns its exit status, output lines and files made.
    static func run(_ arguments: [String], needle: Bool = true) throws -> (status: Int32, lines: [String], files: Set<String>) {
        let dir = TestClips.scratch("bench-inputs")
        let bin = dir.appendingPathComponent("bin"), bench = dir.appendingPathComponent("bench"), samples = dir.appendingPathComponent("samples")
        for folder in [bin, samples] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        let ffmpeg = bin.appendingPathComponent("ffmpeg")
        try "#!/bin/sh\nfor last; do :; done\n: > \"$last\"\n".write(to: ffmpeg, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: ffmpeg.path)
        if needle { try Data().write(to: samples.appendingPathComponent("Megamind.avi")) }
        let script = Self.repository.appendingPathComponent("Benchmarks/make-inputs.sh")
        let r = try ProcessRunner.run(URL(fileURLWithPath: "/bin/bash"), [script.path] + arguments, environment: [
            "PATH": bin.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
            "ARRCOC_BENCH_DIR": bench.path, "ARRCOC_SAMPLES": samples.path,
        ])
        let lines = String(decoding: r.stdout, as: UTF8.self).split(separator: "\n").map(String.init)
        return (r.status, lines, Set(((try? FileManager.default.contentsOfDirectory(atPath: bench.path)) ?? []).filter { !$0.hasPrefix(".") }))
    }

    /// `--suite coarse` (`--coarse`) made all ten analysis clips, seven encodes, before its own input.
    @Test func theCoarseSuiteMakesOnlyTheInputsItNeeds() throws {
        let (status, lines, files) = try Self.run(["--coarse"])
        #expect(status == 0)
        let haystack = "haystack-h264-720p-ultrafast-g50-10fps-60m"
        #expect(lines.count == 1 && lines.first?.hasPrefix("haystack 60 ") == true, "\(lines)")
        #expect(files == ["base.mkv", "h264-720p-ultrafast-g250-10fps-1m.mp4", "h264-720p-ultrafast-g250-10fps-60m.mp4", "needle-megamind.png",
                          "\(haystack).mp4", "\(haystack).yaml"], "\(files.sorted())")
        // The analysis suite's inputs are as they were: seven kinds, ten clips (nine without the 60-minute one).
        let analysis = try Self.run([])
        #expect(analysis.status == 0 && analysis.lines.count == 10 && !analysis.lines.contains { $0.hasPrefix("haystack") }, "\(analysis.lines)")
        #expect(try Self.run(["--quick"]).lines.count == 9)
    }

    /// Without the needle's source there is no haystack to make: the 60-minute clip was made for nothing.
    @Test func theCoarseSuiteWithoutItsNeedleMakesNothing() throws {
        let r = try Self.run(["--coarse"], needle: false)
        #expect(r.status == 1 && r.lines.isEmpty && r.files.isEmpty, "\(r)")
    }
}
