import Foundation
import Testing
import TestSupport

/// `arrcoc haystack` and `arrcoc eval` from the command line; a failing video in a sweep.
@Suite(.serialized) struct HaystackTests {
    static func truthText(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    @Test func seededHaystackIsDeterministicAndEvaluates() throws {
        let dir = TestClips.scratch("haystack-cli")
        var texts: [String] = []
        var clips: [Data] = []
        for i in 0..<2 {
            let clip = dir.appendingPathComponent("h\(i).mp4").path, truth = dir.appendingPathComponent("h\(i).yaml").path
            let arguments = ["haystack", try Samples.path("bikes.mp4"), "--out", clip, "--truth", truth, "--events", "2", "--seed", "5"]
            // The second run sees one core (`taskset -c 0`): the clip must not depend on the
            // machine's core count (libx264's automatic thread count made it differ).
            let r = i == 0 ? try CLIRunner.run(arguments)
                : try CLIRunner.run(["-c", "0", try CLIRunner.executable.path] + arguments, via: URL(fileURLWithPath: "/usr/bin/taskset"))
            #expect(r.status == 0, "\(r.stderr)")
            texts.append(try Self.truthText(truth).replacingOccurrences(of: "h\(i).mp4", with: "h.mp4"))
            clips.append(try Data(contentsOf: URL(fileURLWithPath: clip)))
        }
        #expect(texts[0] == texts[1])
        #expect(clips[0] == clips[1], "the same seed gave different clips")
        #expect(texts[0].components(separatedBy: "start_s").count - 1 == 2)
        let info = try FFmpegTool.run("ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=codec_name,width,height", "-of", "csv=p=0",
                                                  dir.appendingPathComponent("h0.mp4").path])
        #expect(String(decoding: info, as: UTF8.self).hasPrefix("h264,640,272"))

        // The needle really is in the pixels: inside an event, the box differs from the background.
        let truth = dir.appendingPathComponent("h0.yaml").path
        let out = dir.appendingPathComponent("out").path
        let query = dir.appendingPathComponent("needle-builtin-v1.png").path
        let c = try CLIRunner.run(["compress", dir.appendingPathComponent("h0.mp4").path, "--query-image", query, "--budget", "600", "--out", out])
        #expect(c.status == 0, "\(c.stderr)")
        let e = try CLIRunner.run(["eval", "--truth", truth, "--manifest", out + "/manifest.json", "--json"])
        #expect(e.status == 0, "\(e.stderr)")
        let m = try #require(try JSONSerialization.jsonObject(with: Data(e.stdout.utf8)) as? [String: Any])
        #expect((m["event_hit"] as? Double ?? 0) == 1, "\(m)")
        #expect((m["tokens_used"] as? Int ?? .max) <= 600)
        let text = try CLIRunner.run(["eval", "--truth", truth, "--manifest", out + "/manifest.json", "--delta", "5"])
        #expect(text.stdout.contains("temporal recall@5.0s"))
        let bad = try CLIRunner.run(["eval", "--truth", truth, "--manifest", out + "/manifest.json", "--delta=-1"])
        #expect(bad.status != 0 && bad.stderr.contains("--delta -1"))
        // A truth file of another video (here the background itself) is not scored against this
        // manifest: the manifest's SHA-256 is not that video's.
        let other = dir.appendingPathComponent("other.yaml")
        let lines = try String(contentsOfFile: truth, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        try lines.map { $0.hasPrefix("video:") ? "video: \"\(try Samples.path("bikes.mp4"))\"" : String($0) }.joined(separator: "\n")
            .write(to: other, atomically: true, encoding: .utf8)
        let mismatched = try CLIRunner.run(["eval", "--truth", other.path, "--manifest", out + "/manifest.json"])
        #expect(mismatched.status != 0 && mismatched.stderr.contains("expected the manifest of a run on the truth's video"), "\(mismatched.stderr)")
    }

    @Test func aVideoNeedlePlaysItsFramesAndGivesAQueryImage() throws {
        let dir = TestClips.scratch("video-needle")
        let needle = dir.appendingPathComponent("needle.mp4").path
        try FFmpegTool.run("ffmpeg", ["-v", "error", "-nostdin", "-y", "-f", "lavfi", "-i", "testsrc2=size=96x64:rate=25", "-t", "2",
                                      "-c:v", "libx264", "-pix_fmt", "yuv420p", needle])
        let clip = dir.appendingPathComponent("h.mp4").path, truth = dir.appendingPathComponent("h.yaml").path
        let r = try CLIRunner.run(["haystack", try Samples.path("bikes.mp4"), "--needle", needle, "--out", clip, "--truth", truth,
                                   "--event", "2,4,0.5,0.2,0.3"])
        #expect(r.status == 0, "\(r.stderr)")
        let text = try Self.truthText(truth)
        #expect(text.contains("{start_s: 2, end_s: 4, box: [0.5, 0.2, 0.3,"))
        #expect(text.contains("h.query.png"))
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("h.query.png").path))
        // Frames at 2.5 s and 3.5 s differ inside the box (the needle clip moves) but not outside it.
        let frames = try FFmpegTool.rgbFrames(clip, indices: [62, 87], width: 640, height: 272)
        #expect(frames.count == 2)
        func region(_ f: [UInt8], x0: Int, y0: Int, w: Int, h: Int) -> [UInt8] {
            (y0..<(y0 + h)).flatMap { y in f[((y * 640 + x0) * 3)..<((y * 640 + x0 + w) * 3)] }
        }
        let inside = FFmpegTool.meanAbsoluteDifference(region(frames[0], x0: 330, y0: 60, w: 180, h: 100), region(frames[1], x0: 330, y0: 60, w: 180, h: 100))
        #expect(inside.reduce(0, +) > 6, "the needle's frames do not play: \(inside)")
        let bad = try CLIRunner.run(["haystack", try Samples.path("bikes.mp4"), "--out", clip, "--truth", truth, "--event", "4,2,0.5,0.2,0.3"])
        #expect(bad.status != 0 && bad.stderr.contains("--event 4,2,0.5,0.2,0.3"))
    }

    @Test func aFailingVideoIsReportedAndTheOthersGoOn() throws {
        let dir = TestClips.scratch("sweep-failure")
        let broken = dir.appendingPathComponent("broken.mp4")
        try Data("not a video".utf8).write(to: broken)
        let truth = dir.appendingPathComponent("broken.yaml")
        try "video: \"\(broken.path)\"\nquery: \"q.png\"\nevents:\n  - {start_s: 1, end_s: 2}\n".write(to: truth, atomically: false, encoding: .utf8)
        let sweep = dir.appendingPathComponent("sweep.yaml")
        try """
            name: failing
            dataset:
              haystacks:
                - {background: bikes.mp4, needle: builtin, clips: 1, events: 1, event_duration_s: [1, 1.5], scale: [0.15, 0.2]}
              videos:
                - {video: "\(broken.path)", truth: "\(truth.path)"}
            budgets: [300]
            strategies: [arrcoc, uniform]
            """.write(to: sweep, atomically: false, encoding: .utf8)
        let out = dir.appendingPathComponent("out")
        let r = try CLIRunner.run(["sweep", sweep.path, "--out", out.path])
        #expect(r.exitedNormally && r.status == 1)
        #expect(r.stderr.contains("video broken failed") && r.stderr.contains("not a media file"))
        let rows = try String(contentsOf: out.appendingPathComponent("results.csv"), encoding: .utf8).split(separator: "\n").dropFirst()
        #expect(rows.count == 2 && rows.allSatisfy { $0.hasPrefix("h0c0-bikes,") })
        #expect(try String(contentsOf: out.appendingPathComponent("failures.txt"), encoding: .utf8).contains("broken"))
        #expect(try String(contentsOf: out.appendingPathComponent("summary.md"), encoding: .utf8).contains("## Failed videos"))
    }
}
