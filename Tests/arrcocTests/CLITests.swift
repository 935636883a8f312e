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

    /// Inputs the hostile-input review found mishandled: each is refused up front with a message
    /// naming the value, and nothing is written.
    /// A file name that is not UTF-8 (here `bad\xFF.mp4`, a real file) is named as such, not
    /// reported as "no such file" (Swift decodes arguments as UTF-8, replacing the byte, so the
    /// file was looked for under another name). Run through `sh`, since `Process` takes arguments
    /// as Swift strings.
    @Test func anArgumentThatIsNotUTF8IsNamedAsSuch() throws {
        let dir = TestClips.scratch("cli-not-utf8")
        let video = try Samples.path("bikes.mp4")
        let script = #"name="$1/$(printf 'bad\377.mp4')"; cp "$2" "$name" && exec "$0" probe "$name""#
        let r = try ProcessRunner.run(URL(fileURLWithPath: "/bin/sh"), ["-c", script, CLIRunner.executable.path, dir.path, video])
        let stderr = String(decoding: r.stderr, as: UTF8.self)
        #expect(r.exitedNormally && r.status == 64, "\(r.status): \(stderr)")
        #expect(stderr.contains(#"bad\xFF.mp4") is not valid UTF-8; expected UTF-8 text"#), "\(stderr)")
        #expect(!stderr.contains("no such file"), "\(stderr)")
        // Not a usage mistake: the message alone, without ArgumentParser's usage line under it.
        #expect(stderr.hasPrefix("Error: argument 2") && !stderr.contains("Usage:") && stderr.split(separator: "\n").count == 1, "\(stderr)")
        // The working directory and the environment arrcoc reads: outputs went to a sibling
        // folder named with U+FFFD, and TMPDIR's error named another path.
        let others = [
            (#"d="$1/$(printf 'dir\377')"; mkdir -p "$d" && cd "$d" && exec "$0" probe "$2""#, #"the current directory (""#),
            (#"TMPDIR="$1/$(printf 't\377')" exec "$0" probe "$2""#, #"the environment variable TMPDIR ("TMPDIR="#),
        ]
        for (script, message) in others {
            let r = try ProcessRunner.run(URL(fileURLWithPath: "/bin/sh"), ["-c", script, CLIRunner.executable.path, dir.path, video])
            let stderr = String(decoding: r.stderr, as: UTF8.self)
            #expect(r.status == 64 && stderr.contains(message) && stderr.contains(#"\xFF") is not valid UTF-8"#) && !stderr.contains("Usage:"),
                    "\(r.status): \(stderr)")
        }
    }

    @Test func misusedFlagsAndEnvironmentAreClearErrors() throws {
        let dir = TestClips.scratch("cli-misuse")
        let video = try Samples.path("bikes.mp4")
        let out = dir.appendingPathComponent("out").path
        let needle = dir.appendingPathComponent("needle.png").path
        try FFmpegTool.run("ffmpeg", ["-v", "error", "-nostdin", "-y", "-i", video, "-vf", "crop=64:64:0:0", "-frames:v", "1", needle])
        // A 2×5000-px sliver: libswscale cannot scale it to a cell grid ("cannot convert a 2x5000
        // frame to RGB" after the whole analysis, before the shape was checked).
        let sliver = dir.appendingPathComponent("sliver.png").path
        try FFmpegTool.run("ffmpeg", ["-v", "error", "-nostdin", "-y", "-f", "lavfi", "-i", "color=red:s=2x5000", "-frames:v", "1", sliver])
        // A 4×4 picture was accepted: one flat colour, which every frame matches somewhere.
        let dot = dir.appendingPathComponent("dot.png").path
        try FFmpegTool.run("ffmpeg", ["-v", "error", "-nostdin", "-y", "-f", "lavfi", "-i", "color=red:s=4x4", "-frames:v", "1", dot])
        // A crafted name: control characters are escaped in messages, not printed raw.
        let crafted = dir.appendingPathComponent("no\u{1B}[2Jsuch\nfile.mp4").path
        let apng = dir.appendingPathComponent("anim.png").path
        try FFmpegTool.run("ffmpeg", ["-v", "error", "-nostdin", "-y", "-i", video, "-t", "0.3", "-vf", "scale=64:48", "-f", "apng", apng])
        let fifo = dir.appendingPathComponent("fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        // A [0, 24] float32 array: numpy's header, no data.
        let noVectors = dir.appendingPathComponent("none.npy").path
        try NPYFixture.write(shape: [0, 24], values: [], to: noVectors)
        let cases: [([String], [String: String], [String])] = [
            // A video given as the query image used its first frame without a word.
            (["compress", video, "--query-image", video, "--budget", "500", "--out", out], [:],
             [video, "a video", "expected a still image"]),
            (["compress", video, "--query-image", sliver, "--budget", "500", "--out", out], [:],
             [sliver, "2x5000 px", "at most 200 times"]),
            (["compress", video, "--query-image", dot, "--budget", "500", "--out", out], [:],
             [dot, "query image too small", "4x4 px", "at least 8 px"]),
            (["probe", crafted], [:], ["no\\u{1B}[2Jsuch\\nfile.mp4: no such file"]),
            // A C1 CSI (U+009B) is a control too; String.debugDescription kept it raw.
            (["probe", dir.appendingPathComponent("c1\u{9B}31m.mp4").path], [:], ["c1\\u{9B}31m.mp4: no such file"]),
            // Third hostile round: each of these was wrong (the old behaviour in brackets).
            // [exit 0, and the features file vanished when DIR was renamed into place]
            (["compress", video, "--query-image", needle, "--budget", "500", "--out", out, "--save-features", out + "/f.safetensors"], [:],
             ["--save-features", "is inside --out", "write it elsewhere"]),
            // [an animated PNG and raw H.264, whose headers count no frames, were used as images]
            (["compress", video, "--query-image", apng, "--budget", "500", "--out", out], [:], [apng, "holds more than one frame, a video"]),
            // [exit 0; the truth recorded a 0×0 box no strategy can see]
            (["haystack", video, "--out", dir.appendingPathComponent("h.mp4").path, "--truth", dir.appendingPathComponent("h.yaml").path,
              "--events", "1", "--scale", "1e-9,1e-9"], [:], ["event 1's box", "at least 2x2 px"]),
            // ["output same.mp4 is the input same.mp4": both are outputs]
            (["haystack", video, "--out", dir.appendingPathComponent("s.mp4").path, "--truth", dir.appendingPathComponent("s.mp4").path], [:],
             ["are the same path"]),
            // [exit 0: the built-in needle was copied there, then the truth file renamed over it]
            (["haystack", video, "--out", dir.appendingPathComponent("b.mp4").path, "--truth", dir.appendingPathComponent("needle-builtin-v1.png").path],
             [:], ["are the same path"]),
            // An ArgumentParser error quoting a value: printed terminal-safe by `Arrcoc.main`.
            (["compress", video, "--query-image", needle, "--budget", "500", "--out", out, "--strategy", "x\u{1B}[31m"], [:], ["x\\u{1B}[31m"]),
            // ["not a media file … (the file is empty)"]
            (["probe", fifo], [:], [fifo, "not a regular file"]),
            // ["shape [0, 24] does not match 0 values"]
            (["compress", video, "--query-embedding", noVectors, "--budget", "500", "--out", out], [:], ["shape [0, 24]", "at least one vector"]),
            (["probe", video], ["ARRCOC_MAX_BUDGET": "abc"], ["ARRCOC_MAX_BUDGET", "\"abc\"", "whole number"]),
            (["compress", video, "--query-image", needle, "--budget", "500", "--out", out], ["ARRCOC_MAX_QUERY_VECTORS": "0"],
             ["ARRCOC_MAX_QUERY_VECTORS", "\"0\""]),
            (["probe", dir.path], [:], [dir.path, "is a directory"]),
            (["compress", dir.path, "--query-image", needle, "--budget", "500", "--out", out], [:], [dir.path, "is a directory"]),
            (["compress", video, "--query-image", needle, "--budget", "500", "--out", out, "--features", needle, "--save-features",
              dir.appendingPathComponent("f.safetensors").path], [:], ["--save-features", "nothing to save"]),
            (["haystack", video, "--out", dir.appendingPathComponent("h.mp4").path, "--truth", dir.appendingPathComponent("h.yaml").path,
              "--event", "20,25,0.1,0.1,0.1"], [:], ["--event 1", "20.0–25.0 s", "the background's duration"]),
            (["haystack", video, "--out", dir.appendingPathComponent("h.mp4").path, "--truth", dir.appendingPathComponent("h.yaml").path,
              "--event", "8,20,0.1,0.1,0.1"], [:], ["--event 1", "8.0–20.0 s"]),
            (["compress", video, "--query-image", needle, "--budget", "500", "--out", needle + "/out"], [:], [needle + " is a file, not a folder"]),
            (["frames", video, "--fps", "0.1", "--size", "16384x16384", "--out", out], [:], ["16384x16384", "PNG encoder"]),
            (["compress", video, "--query-image", "/nonexistent/q.png", "--budget", "500", "--out", out], [:], ["/nonexistent/q.png: no such file"]),
            (["sweep", SweepTests.quick, "--out", video + "/x"], [:], [video + " is a file, not a folder"]),
            (["haystack", video, "--out", dir.appendingPathComponent("h.txt").path, "--truth", dir.appendingPathComponent("h.yaml").path],
             [:], ["--out", "h.txt", "a clip name ending in .mp4"]),
        ]
        for (command, environment, messages) in cases {
            let r = try CLIRunner.run(command, environment: environment)
            #expect(r.exitedNormally && r.status != 0, "\(command) \(environment): exit \(r.status)")
            #expect(messages.allSatisfy { r.stderr.contains($0) }, "\(command) \(environment): \(r.stderr)")
            #expect(!r.stderr.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{9B}" }, "\(command): a raw control character in \(r.stderr)")
        }
        for name in ["out", "h.mp4", "h.yaml", "f.safetensors"] {
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent(name).path), "\(name) was written")
        }
    }

    /// Inputs and outputs the file system allows work: a video behind a symbolic link (read as
    /// "truncated": the link's own size, 6 bytes, was taken for the video's), output names near
    /// the 255-byte limit (refused as "invalid": the staging prefix pushed them over), and a name
    /// with control characters, which the success line shows escaped (it printed them raw).
    @Test func linkedVideosLongNamesAndCraftedNamesWork() throws {
        let dir = TestClips.scratch("cli-names")
        let video = dir.appendingPathComponent("bikes.mp4").path
        try FileManager.default.copyItem(atPath: try Samples.path("bikes.mp4"), toPath: video)
        let needle = dir.appendingPathComponent("needle.png").path
        try FFmpegTool.run("ffmpeg", ["-v", "error", "-nostdin", "-y", "-i", video, "-vf", "crop=64:64:0:0", "-frames:v", "1", needle])
        let link = dir.appendingPathComponent("link.mp4").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "bikes.mp4")
        let probe = try CLIRunner.run(["probe", link, "--json", "--no-count"])
        let size = try #require(try FileManager.default.attributesOfItem(atPath: video)[.size] as? Int)
        #expect(probe.status == 0 && probe.stdout.contains("\"file_bytes\" : \(size)"), "\(probe.stdout) \(probe.stderr)")
        let features = dir.appendingPathComponent(String(repeating: "f", count: 240) + ".safetensors").path
        let analyzed = try CLIRunner.run(["analyze", link, "--out", features])
        #expect(analyzed.status == 0 && FileManager.default.fileExists(atPath: features), "\(analyzed.stderr)")
        let long = dir.appendingPathComponent(String(repeating: "o", count: 250)).path
        let compressed = try CLIRunner.run(["compress", link, "--features", features, "--query-image", needle, "--budget", "500", "--out", long])
        #expect(compressed.status == 0 && FileManager.default.fileExists(atPath: long + "/manifest.json"), "\(compressed.stderr)")
        let crafted = dir.appendingPathComponent("x\u{1B}[31mred\nout").path
        let r = try CLIRunner.run(["compress", video, "--features", features, "--query-image", needle, "--budget", "500", "--out", crafted])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("x\\u{1B}[31mred\\nout: ") && !r.stdout.contains("\u{1B}"), "\(r.stdout)")
    }

    /// Features files are the same on every CPU: arrcoc links Debian's reference BLAS and LAPACK
    /// even where the system's `libblas.so.3` is OpenBLAS (the tests' setup installs it so), whose
    /// kernels, chosen by CPU, round differently (`OPENBLAS_CORETYPE` picks one by hand: with
    /// OpenBLAS linked the two files below differed).
    @Test func theFeaturesDoNotDependOnTheBLASKernelTheCPUGets() throws {
        let linked = String(decoding: try FFmpegTool.run("ldd", [try CLIRunner.executable.path]), as: UTF8.self)
        let libraries = linked.split(separator: "\n").filter { $0.contains("libblas") || $0.contains("liblapack") || $0.contains("openblas") }
        #expect(libraries.count == 2 && libraries.allSatisfy { $0.contains("/blas/libblas.so.3") || $0.contains("/lapack/liblapack.so.3") },
                "\(libraries)")
        let dir = TestClips.scratch("blas-kernel")
        var files: [Data] = []
        for core in ["Prescott", "Haswell"] {
            let out = dir.appendingPathComponent("\(core).safetensors").path
            let r = try CLIRunner.run(["analyze", try Samples.path("bikes.mp4"), "--out", out], environment: ["OPENBLAS_CORETYPE": core])
            #expect(r.status == 0, "\(r.stderr)")
            files.append(try Data(contentsOf: URL(fileURLWithPath: out)))
        }
        #expect(files[0] == files[1], "the features depend on OpenBLAS's kernel")
    }

    @Test func framesWritesPNGsNamedByTime() throws {
        let out = TestClips.scratch("cli-frames").appendingPathComponent("frames")
        let r = try CLIRunner.run(["frames", try Samples.path("bikes.mp4"), "--fps", "1", "--size", "160x68", "--out", out.path])
        #expect(r.status == 0, "\(r.stderr)")
        // The PNGs, and arrcoc's marker (which lets --force replace the folder later).
        func pngs() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: out.path).filter { $0.hasSuffix(".png") }.sorted() }
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(".arrcoc-output").path))
        let names = try pngs()
        #expect(names == (0..<10).map { String(format: "%09.3f.png", Double($0)) })
        let probe = try FFmpegTool.run("ffprobe", ["-v", "error", "-show_entries", "stream=codec_name,width,height",
                                                   "-of", "csv=p=0", out.appendingPathComponent(names[3]).path])
        #expect(String(decoding: probe, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) == "png,160,68")

        // An existing directory is refused without --force, and left as it was.
        let again = try CLIRunner.run(["frames", try Samples.path("bikes.mp4"), "--fps", "2", "--out", out.path])
        #expect(again.status != 0 && again.stderr.contains("--force"))
        #expect(try pngs().count == 10)
        let forced = try CLIRunner.run(["frames", try Samples.path("bikes.mp4"), "--fps", "0.5", "--out", out.path, "--force"])
        #expect(forced.status == 0)
        #expect(try pngs().count == 5)
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
        // A cache of its own (XDG_CACHE_HOME is honoured): nothing generated before.
        let cache = samples.deletingLastPathComponent().appendingPathComponent("cache")
        let r = try CLIRunner.run(["demo", "--out", out], environment: ["ARRCOC_SAMPLES": samples.path, "XDG_CACHE_HOME": cache.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("generating a demo clip"))
        #expect(FileManager.default.fileExists(atPath: cache.appendingPathComponent("arrcoc/generated/demo-v1.mp4").path))
        #expect(r.stdout.contains("640x360") && r.stdout.contains("built-in checkerboard"))
        _ = try Self.checkDemo(r.stdout, out: out)
    }

    @Test func demoOnTheDefaultSample() throws {
        let out = TestClips.scratch("demo").appendingPathComponent("out").path
        let r = try CLIRunner.run(["demo", "--out", out], environment: ["ARRCOC_SAMPLES": Samples.directory.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("1280x720") && r.stdout.contains("bigbuckbunny.mp4"))
        let rows = try Self.checkDemo(r.stdout, out: out)
        // With a quarter of the default, arrcoc puts more tokens on the real needle than uniform.
        let a = try #require(rows["arrcoc 25%"]), u = try #require(rows["uniform 25%"])
        #expect(a.onNeedle > u.onNeedle, "arrcoc \(a.onNeedle) vs uniform \(u.onNeedle) tokens on the needle")
    }

    /// The demo's table: arrcoc and uniform at three budgets, each within its budget, each
    /// output written with its previews, and each row's recall what `arrcoc eval` says of the
    /// written manifest against the demo's truth.
    static func checkDemo(_ stdout: String, out: String) throws -> [String: (recall: Double, onNeedle: Double)] {
        let truthLine = try #require(stdout.split(separator: "\n").first { $0.contains("truth in ") })
        let truth = String(truthLine[truthLine.range(of: "truth in ")!.upperBound...])
        var rows: [String: (recall: Double, onNeedle: Double)] = [:]
        for line in stdout.split(separator: "\n") where line.hasPrefix("arrcoc ") || line.hasPrefix("uniform ") {
            let f = line.split(separator: " ", omittingEmptySubsequences: true)
            #expect(f.count == 8, "\(line)")
            guard f.count == 8, let budget = Int(f[2]), let used = Int(f[3]), let recall = Double(f[5]), let onNeedle = Double(f[7]) else { continue }
            #expect(used <= budget, "\(line)")
            let dir = "\(out)/\(f[0])-\(f[1].dropLast())pct"
            for file in ["manifest.json", "prompt.txt", "tensors.safetensors", "preview.png", "timeline.svg"] {
                #expect(FileManager.default.fileExists(atPath: "\(dir)/\(file)"), "\(dir)/\(file)")
            }
            let e = try CLIRunner.run(["eval", "--truth", truth, "--manifest", dir + "/manifest.json", "--json"])
            let m = try #require(try JSONSerialization.jsonObject(with: Data(e.stdout.utf8)) as? [String: Any])
            #expect(abs((m["temporal_recall"] as? Double ?? -1) - recall) < 0.006, "\(line) vs \(m)")
            rows["\(f[0]) \(f[1])"] = (recall, onNeedle)
        }
        #expect(rows.count == 6, "\(stdout)")
        return rows
    }
}
