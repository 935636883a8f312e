import Foundation
import Testing
import TestSupport

/// The command line as a user meets it: help, output, exit codes, no half-written output.
@Suite struct CLITests {
    @Test func helpNamesEverySubcommand() throws {
        let r = try CLIRunner.run(["--help"])
        #expect(r.status == 0)
        for word in ["demo", "probe", "frames"] { #expect(r.stdout.contains(word)) }
        let frames = try CLIRunner.run(["frames", "--help"])
        #expect(frames.stdout.contains("--fps") && frames.stdout.contains("--size") && frames.stdout.contains("--out"))
        #expect(frames.stdout.contains("nearest"))
    }

    @Test func probeJSON() throws {
        let path = try Samples.path("vtest.avi")
        let r = try CLIRunner.run(["probe", path, "--json"])
        #expect(r.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(json["codec"] as? String == "msmpeg4v3")
        #expect(json["width"] as? Int == 768 && json["height"] as? Int == 576)
        #expect(json["frame_count_counted"] as? Int == 795)
        #expect(json["duration_s"] as? Double == 79.5)
    }

    @Test func probeText() throws {
        let r = try CLIRunner.run(["probe", try Samples.path("bikes.mp4")])
        #expect(r.status == 0)
        #expect(r.stdout.contains("640x272") && r.stdout.contains("header 250, counted 250"))
    }

    @Test func badInputsExitNonZeroWithTheTypedError() throws {
        let dir = TestClips.scratch("cli-bad")
        let empty = dir.appendingPathComponent("empty.mp4")
        try Data().write(to: empty)
        let text = dir.appendingPathComponent("notes.mp4")
        try Data("not a video".utf8).write(to: text)
        let random = dir.appendingPathComponent("random.avi")
        try Data((0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 7919 &+ 13) }).write(to: random)
        let cut = dir.appendingPathComponent("cut.mp4")
        let source = try Data(contentsOf: URL(fileURLWithPath: try Samples.path("cockatoo.mp4")))
        try source.prefix(source.count / 2).write(to: cut)
        let audio = dir.appendingPathComponent("tone.wav").path
        try FFmpegTool.run("ffmpeg", ["-v", "error", "-nostdin", "-y", "-f", "lavfi", "-i", "sine=duration=0.5", audio])
        let cases: [(String, String)] = [
            ("/nonexistent/x.mp4", "no such file"),
            (empty.path, "empty"),
            (text.path, "not a media file"),
            (random.path, "not a media file"),
            (cut.path, "not a media file"),
            (audio, "no video stream"),
        ]
        for (path, message) in cases {
            for command in [["probe", path], ["frames", path, "--out", dir.appendingPathComponent("out").path]] {
                let r = try CLIRunner.run(command)
                #expect(r.exitedNormally, "\(command) crashed")
                #expect(r.status != 0, "\(command) exited 0")
                #expect(r.stderr.contains("Error:") && r.stderr.contains(path) && r.stderr.contains(message),
                        "\(command): \(r.stderr)")
            }
        }
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out").path))
    }

    @Test func framesWritesPNGsNamedByTime() throws {
        let out = TestClips.scratch("cli-frames").appendingPathComponent("frames")
        let r = try CLIRunner.run(["frames", try Samples.path("bikes.mp4"), "--fps", "1", "--size", "160x68", "--out", out.path])
        #expect(r.status == 0, "\(r.stderr)")
        let names = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        #expect(names == (0..<10).map { String(format: "%09.3f.png", Double($0)) })
        let probe = try FFmpegTool.run("ffprobe", ["-v", "error", "-show_entries", "stream=codec_name,width,height",
                                                   "-of", "csv=p=0", out.appendingPathComponent(names[3]).path])
        #expect(String(decoding: probe, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) == "png,160,68")

        // An existing directory is refused without --force, and left as it was.
        let again = try CLIRunner.run(["frames", try Samples.path("bikes.mp4"), "--fps", "2", "--out", out.path])
        #expect(again.status != 0 && again.stderr.contains("--force"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).count == 10)
        let forced = try CLIRunner.run(["frames", try Samples.path("bikes.mp4"), "--fps", "0.5", "--out", out.path, "--force"])
        #expect(forced.status == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).count == 5)
    }

    @Test func framesRejectsBadOptionsNamingTheValue() throws {
        let path = try Samples.path("bikes.mp4")
        let size = try CLIRunner.run(["frames", path, "--size", "640by360", "--out", "/tmp/never"])
        #expect(size.status != 0 && size.stderr.contains("640by360"))
        let fps = try CLIRunner.run(["frames", path, "--fps=-2", "--out", "/tmp/never"])
        #expect(fps.status != 0 && fps.stderr.contains("-2"))
        #expect(!FileManager.default.fileExists(atPath: "/tmp/never"))
    }

    @Test func demoFallsBackToAGeneratedClip() throws {
        let samples = TestClips.scratch("no-samples").appendingPathComponent("samples")
        try FileManager.default.createDirectory(at: samples, withIntermediateDirectories: true)
        let out = samples.deletingLastPathComponent().appendingPathComponent("demo-out").path
        let r = try CLIRunner.run(["demo", "--out", out], environment: ["ARRCOC_SAMPLES": samples.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("generating a demo clip"))
        #expect(r.stdout.contains("640x360"))
        try Self.checkDemo(r.stdout, out: out)
    }

    @Test func demoOnTheDefaultSample() throws {
        let out = TestClips.scratch("demo").appendingPathComponent("out").path
        let r = try CLIRunner.run(["demo", "--out", out], environment: ["ARRCOC_SAMPLES": Samples.directory.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("1280x720"))
        try Self.checkDemo(r.stdout, out: out)
    }

    /// The demo's summary: arrcoc puts more of its vision tokens on the needle than uniform, and
    /// both outputs are written.
    static func checkDemo(_ stdout: String, out: String) throws {
        func share(_ strategy: String) -> Int? {
            guard let line = stdout.split(separator: "\n").first(where: { $0.hasPrefix(strategy + " ") && $0.contains("tokens used") }),
                  let open = line.lastIndex(of: "("), let pct = line[line.index(after: open)...].split(separator: "%").first
            else { return nil }
            return Int(pct)
        }
        let a = try #require(share("arrcoc"))
        let u = try #require(share("uniform"))
        #expect(a > u, "arrcoc \(a)% vs uniform \(u)% of tokens on the needle")
        #expect(stdout.contains("← needle"))
        for s in ["arrcoc", "uniform"] {
            #expect(FileManager.default.fileExists(atPath: "\(out)/\(s)/manifest.json"))
        }
    }
}
