import ARRCOC
import Foundation
import Testing
import TestSupport

/// Outputs never destroy what arrcoc did not write, never overwrite an input, appear whole or
/// not at all, and leave nothing behind when a run fails or is interrupted. Each lost-data case
/// here destroyed user files before output safety (issue 7).
@Suite(.serialized) struct OutputSafetyTests {
    /// A 4 s clip, a needle image cut from it, and a scratch directory holding both.
    struct Fixture {
        let directory: URL
        let video: String
        let needle: String
    }

    static func fixture(_ name: String) throws -> Fixture {
        let dir = TestClips.scratch(name)
        let video = dir.appendingPathComponent("in.mp4").path
        try FileManager.default.copyItem(atPath: try TestClips.path(TestClips.recipes[0]), toPath: video)
        let needle = dir.appendingPathComponent("needle.png").path
        try FFmpegTool.run("ffmpeg", ["-v", "error", "-nostdin", "-y", "-ss", "1", "-i", video, "-vf", "crop=96:96:40:40", "-frames:v", "1", needle])
        return Fixture(directory: dir, video: video, needle: needle)
    }

    static func digest(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    static func leftovers(_ dir: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".arrcoc-staging-") || $0.contains(".partial-") }
    }

    @Test func demoRefusesADirectoryItDidNotWrite() throws {
        let f = try Self.fixture("safety-demo")
        let out = f.directory.appendingPathComponent("mine")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try Data("precious".utf8).write(to: out.appendingPathComponent("thesis.tex"))
        let r = try CLIRunner.run(["demo", "--video", f.video, "--out", out.path])
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains(out.path) && r.stderr.contains("not an output directory written by arrcoc"), "\(r.stderr)")
        // `demo` has no --force: the refusal must not suggest one (it said "even with --force").
        #expect(!r.stderr.contains("--force"), "\(r.stderr)")
        #expect(try Self.digest(out.appendingPathComponent("thesis.tex").path) == Data("precious".utf8))
    }

    @Test func forcedOutputOnTheCurrentDirectoryKeepsTheInput() throws {
        let f = try Self.fixture("safety-cwd")
        let before = try Self.digest(f.video)
        let r = try CLIRunner.run(["compress", "in.mp4", "--query-image", "needle.png", "--budget", "500", "--out", ".", "--force"], in: f.directory)
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains("in.mp4"), "\(r.stderr)")
        #expect(try Self.digest(f.video) == before)
        #expect(FileManager.default.fileExists(atPath: f.needle))
        #expect(try Self.leftovers(f.directory).isEmpty)
    }

    @Test func anOutputThatIsAnInputIsRefusedNamingBoth() throws {
        let f = try Self.fixture("safety-same")
        let before = try Self.digest(f.video)
        let link = f.directory.appendingPathComponent("alias.mp4").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: f.video)
        let cases: [[String]] = [
            ["compress", f.video, "--query-image", f.needle, "--budget", "500", "--out", f.video, "--force"],
            ["compress", f.video, "--query-image", f.needle, "--budget", "500", "--out", link, "--force"],
            ["analyze", f.video, "--out", f.video],
            ["analyze", f.video, "--out", link, "--force"],
            ["haystack", f.video, "--out", f.directory.appendingPathComponent("h.mp4").path, "--truth", f.video],
            ["haystack", f.video, "--needle", f.needle, "--out", f.needle, "--truth", f.directory.appendingPathComponent("h.yaml").path, "--force"],
        ]
        for c in cases {
            let r = try CLIRunner.run(c)
            #expect(r.status == 1, "\(c): \(r.stderr)")
            #expect(r.stderr.contains("is the input"), "\(c): \(r.stderr)")
        }
        #expect(try Self.digest(f.video) == before)
        #expect(FileManager.default.fileExists(atPath: f.needle))
        #expect(!FileManager.default.fileExists(atPath: f.directory.appendingPathComponent("h.mp4").path))
        #expect(try Self.leftovers(f.directory).isEmpty)
    }

    @Test func forceReplacesOnlyFilesOfTheKindArrcocWrites() throws {
        let f = try Self.fixture("safety-kind")
        let features = f.directory.appendingPathComponent("f.safetensors").path
        try Data("not a features file".utf8).write(to: URL(fileURLWithPath: features))
        let r = try CLIRunner.run(["analyze", f.video, "--out", features, "--force"])
        #expect(r.status == 1 && r.stderr.contains("not a features file written by arrcoc"), "\(r.stderr)")
        #expect(try Self.digest(features) == Data("not a features file".utf8))
        try FileManager.default.removeItem(atPath: features)
        #expect(try CLIRunner.run(["analyze", f.video, "--out", features]).status == 0)
        let again = try CLIRunner.run(["analyze", f.video, "--out", features])
        #expect(again.status == 1 && again.stderr.contains("--force"))
        #expect(try CLIRunner.run(["analyze", f.video, "--out", features, "--force"]).status == 0)
    }

    /// `--force` replaced an arrcoc output directory whole, deleting what the user had put in it
    /// since; the marker now lists arrcoc's files, and anything else stops the replacement.
    @Test func forceKeepsAnOutputDirectoryTheUserAddedFilesTo() throws {
        let f = try Self.fixture("safety-foreign")
        let out = f.directory.appendingPathComponent("c").path
        let compress = ["compress", f.video, "--query-image", f.needle, "--budget", "500", "--out", out, "--force"]
        #expect(try CLIRunner.run(compress).status == 0)
        let marker = try JSONSerialization.jsonObject(with: Self.digest(out + "/.arrcoc-output")) as? [String: Any]
        #expect((marker?["files"] as? [String]) == ["manifest.json", "prompt-compact.txt", "prompt.txt", "tensors.safetensors"], "\(String(describing: marker))")
        // Arrcoc's own output alone is replaced.
        #expect(try CLIRunner.run(compress).status == 0)
        for added in ["notes.txt", "sub/"] {
            let path = out + "/" + added
            if added.hasSuffix("/") { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } else {
                try Data("mine".utf8).write(to: URL(fileURLWithPath: path))
            }
            let r = try CLIRunner.run(compress)
            #expect(r.status == 1 && r.stderr.contains("also holds files arrcoc did not write (\(added))"), "\(r.stderr)")
            #expect(FileManager.default.fileExists(atPath: path))
            try FileManager.default.removeItem(atPath: path)
        }
        #expect(try CLIRunner.run(compress).status == 0)
        // A marker that lists nothing (an older version's, a sweep's, a damaged one), or none
        // beside an arrcoc manifest: the directory may hold a user's files and is never replaced.
        try Data("mine".utf8).write(to: URL(fileURLWithPath: out + "/notes.txt"))
        for marker in [#"{"tool": "arrcoc", "command": "sweep"}"#, "zz", ""] {
            try Data(marker.utf8).write(to: URL(fileURLWithPath: out + "/.arrcoc-output"))
            let r = try CLIRunner.run(compress)
            #expect(r.status == 1 && r.stderr.contains("does not list the files arrcoc wrote"), "\(marker): \(r.stderr)")
            #expect(FileManager.default.fileExists(atPath: out + "/notes.txt"))
        }
        try FileManager.default.removeItem(atPath: out + "/.arrcoc-output")
        let bare = try CLIRunner.run(compress)
        #expect(bare.status == 1 && bare.stderr.contains("does not list the files arrcoc wrote"), "\(bare.stderr)")
        #expect(FileManager.default.fileExists(atPath: out + "/notes.txt"))
        #expect(try Self.leftovers(f.directory).isEmpty)
    }

    /// `haystack` with a clip needle writes the clip's first frame as `OUT.query.png`; it wrote it
    /// over a user's file of that name, without `--force`. And a file named like the built-in
    /// needle beside the clip became the truth's query.
    @Test func haystackNeverWritesOverAUsersQueryImage() throws {
        let f = try Self.fixture("safety-query")
        let clip = f.directory.appendingPathComponent("h.mp4").path, truth = f.directory.appendingPathComponent("h.yaml").path
        let query = f.directory.appendingPathComponent("h.query.png").path
        try Data("MY QUERY".utf8).write(to: URL(fileURLWithPath: query))
        let make = ["haystack", f.video, "--needle", f.video, "--out", clip, "--truth", truth, "--event", "1,2,0.1,0.1,0.2"]
        for force in [false, true] {
            let r = try CLIRunner.run(make + (force ? ["--force"] : []))
            #expect(r.status == 1 && r.stderr.contains(query), "force \(force): \(r.stderr)")
            #expect(try Self.digest(query) == Data("MY QUERY".utf8))
            #expect(!FileManager.default.fileExists(atPath: clip))
        }
        try FileManager.default.removeItem(atPath: query)
        #expect(try CLIRunner.run(make).status == 0)
        #expect(try Truth.load(path: truth).query == query)
        // Its own query image is replaced with --force; a user's file put there since is not, even
        // though the truth being replaced names that path.
        let r = try CLIRunner.run(make + ["--force"])
        #expect(r.status == 0, "\(r.stderr)")
        try Data("MINE NOW".utf8).write(to: URL(fileURLWithPath: query))
        let over = try CLIRunner.run(make + ["--force"])
        #expect(over.status == 1 && over.stderr.contains(query), "\(over.stderr)")
        #expect(try Self.digest(query) == Data("MINE NOW".utf8))

        let builtin = f.directory.appendingPathComponent("needle-builtin-v1.png").path
        try Data("MY PRECIOUS".utf8).write(to: URL(fileURLWithPath: builtin))
        let b = try CLIRunner.run(["haystack", f.video, "--out", f.directory.appendingPathComponent("b.mp4").path,
                                   "--truth", f.directory.appendingPathComponent("b.yaml").path])
        #expect(b.status == 1 && b.stderr.contains(builtin) && b.stderr.contains("built-in needle"), "\(b.stderr)")
        #expect(try Self.digest(builtin) == Data("MY PRECIOUS".utf8))
        #expect(!FileManager.default.fileExists(atPath: f.directory.appendingPathComponent("b.yaml").path))
        #expect(try Self.leftovers(f.directory).isEmpty)
    }

    @Test func aFailedRunCreatesNoParentFoldersAndCleansStaleStaging() throws {
        let f = try Self.fixture("safety-parents")
        // A staging folder left by a process that no longer runs.
        let dead = Process()
        dead.executableURL = URL(fileURLWithPath: "/bin/true")
        try dead.run()
        dead.waitUntilExit()
        let stale = f.directory.appendingPathComponent(".arrcoc-staging-\(dead.processIdentifier)-deadbeef-old")
        try FileManager.default.createDirectory(at: stale, withIntermediateDirectories: true)
        let out = f.directory.appendingPathComponent("a/b/c").path
        let r = try CLIRunner.run(["compress", f.video, "--query-image", f.needle, "--budget", "3", "--out", out])
        #expect(r.status == 1, "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: f.directory.appendingPathComponent("a").path))
        #expect(!FileManager.default.fileExists(atPath: stale.path), "the stale staging folder was not removed")
        let ok = try CLIRunner.run(["compress", f.video, "--query-image", f.needle, "--budget", "500", "--out", out])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(FileManager.default.fileExists(atPath: out + "/manifest.json"))
        #expect(try Self.leftovers(f.directory).isEmpty)
    }

    /// (SIGHUP, a closed terminal or ssh session, left the staging behind before.)
    @Test(arguments: [SIGINT, SIGTERM, SIGHUP])
    func anInterruptedCompressLeavesNothingBehind(_ signal: Int32) throws {
        let dir = TestClips.scratch("safety-signal")
        let needle = dir.appendingPathComponent("needle.png").path
        let video = try Samples.path("cockatoo.mp4")
        try FFmpegTool.run("ffmpeg", ["-v", "error", "-nostdin", "-y", "-i", video, "-vf", "crop=128:128:600:200", "-frames:v", "1", needle])
        let out = dir.appendingPathComponent("out").path
        let process = try CLIRunner.start(["compress", video, "--query-image", needle, "--budget", "2000", "--out", out])
        // Wait until the staging folder exists, then interrupt.
        let deadline = Date().addingTimeInterval(60)
        while try Self.leftovers(dir).isEmpty, process.isRunning, Date() < deadline { usleep(20_000) }
        #expect(process.isRunning, "compress finished before it could be interrupted")
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        #expect(process.terminationStatus == 128 + signal)
        #expect(try Self.leftovers(dir).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}
