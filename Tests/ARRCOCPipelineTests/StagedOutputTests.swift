import ARRCOCPipeline
import Foundation
import Testing
import TestSupport

/// The rules of `StagedOutput` one by one, without a video.
@Suite struct StagedOutputTests {
    static func write(_ text: String, _ url: URL) throws { try Data(text.utf8).write(to: url) }
    static func read(_ url: URL) throws -> String { String(decoding: try Data(contentsOf: url), as: UTF8.self) }

    @Test func aDirectoryAppearsOnlyOnCommitWithItsParentsAndMarker() throws {
        let root = TestClips.scratch("staged-new")
        let dest = root.appendingPathComponent("a/b/out")
        do {
            let output = try StagedOutput(path: dest.path, kind: .directory, force: false, inputs: [])
            try Self.write("x", output.staging.appendingPathComponent("f.txt"))
            #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("a").path), "parents made before commit")
            #expect(StagingRegistry.shared.staged.contains(output.staging.path))
            try output.commit()
            #expect(!StagingRegistry.shared.staged.contains(output.staging.path))
        }
        #expect(try Self.read(dest.appendingPathComponent("f.txt")) == "x")
        #expect(FileManager.default.fileExists(atPath: dest.appendingPathComponent(StagedOutput.markerName).path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path) == ["a"])
    }

    /// Something put at the output path while the command runs (another program, another run)
    /// is never replaced without --force, and with it only if it is an output arrcoc may replace:
    /// the check is made again at the swap. Before, the commit renamed over whatever was there
    /// (a user's folder that appeared mid-run was deleted).
    @Test func anOutputThatAppearsWhileWritingIsNotReplaced() throws {
        let root = TestClips.scratch("staged-appeared")
        let dir = root.appendingPathComponent("out")
        for force in [false, true] {
            try? FileManager.default.removeItem(at: dir)
            let output = try StagedOutput(path: dir.path, kind: .directory, force: force, inputs: [])
            try Self.write("x", output.staging.appendingPathComponent("f.txt"))
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try Self.write("mine", dir.appendingPathComponent("mine.txt"))
            let expected = force ? OutputError.notArrcocOutput(path: dir.path, expected: "an output directory") : OutputError.appeared(path: dir.path)
            #expect(throws: expected) { try output.commit() }
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["mine.txt"])
        }
        // An empty path is named as such (was "Error:  already exists").
        #expect(throws: OutputError.unwritable(path: "\"\"", reason: "the output path is empty; expected a file or folder name")) {
            try StagedOutput(path: "", kind: .directory, force: false, inputs: [])
        }
        // A file output (features): the same.
        let file = root.appendingPathComponent("f.safetensors")
        let staged = try StagedOutput(path: file.path, kind: .file(description: "a features file", recognise: { _ in true }), force: false, inputs: [])
        try Self.write("features", staged.staging)
        try Self.write("precious", file)
        #expect(throws: OutputError.appeared(path: file.path)) { try staged.commit() }
        #expect(try Self.read(file) == "precious")
    }

    /// A run directory (sweep, batch) is held by one run at a time: a second run stopped with
    /// an error instead of redoing every task and replacing the first run's outputs (two batches
    /// into one DIR both ran everything and exited 0). Released when the run ends.
    @Test func aRunDirectoryIsHeldByOneRunAtATime() throws {
        let dir = TestClips.scratch("run-lock")
        let first = try DirectoryLock(dir, command: "batch")
        #expect(throws: OutputError.inUse(path: dir.path, command: "batch")) { try DirectoryLock(dir, command: "batch") }
        first.release()
        let again = try DirectoryLock(dir, command: "sweep")
        again.release()
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty, "the lock added a file")
    }

    @Test func anAbandonedOutputLeavesNothing() throws {
        let root = TestClips.scratch("staged-abandon")
        var staging = ""
        do {
            let output = try StagedOutput(path: root.appendingPathComponent("out").path, kind: .directory, force: false, inputs: [])
            staging = output.staging.path
            try Self.write("x", output.staging.appendingPathComponent("f.txt"))
        }
        #expect(!FileManager.default.fileExists(atPath: staging))
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path).isEmpty)
        #expect(!StagingRegistry.shared.staged.contains(staging))
    }

    @Test func forceSwapsArrcocsOwnDirectoryAndNothingElse() throws {
        let root = TestClips.scratch("staged-force")
        let dest = root.appendingPathComponent("out")
        for text in ["old", "new"] {
            let output = try StagedOutput(path: dest.path, kind: .directory, force: true, inputs: [])
            try Self.write(text, output.staging.appendingPathComponent("f.txt"))
            try output.commit()
        }
        #expect(try Self.read(dest.appendingPathComponent("f.txt")) == "new")
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path) == ["out"], "the old output was not removed")

        let users = root.appendingPathComponent("users")
        try FileManager.default.createDirectory(at: users, withIntermediateDirectories: true)
        try Self.write("keep", users.appendingPathComponent("notes.txt"))
        #expect(throws: OutputError.exists(path: users.path)) {
            try StagedOutput(path: users.path, kind: .directory, force: false, inputs: [])
        }
        #expect(throws: OutputError.notArrcocOutput(path: users.path, expected: "an output directory")) {
            try StagedOutput(path: users.path, kind: .directory, force: true, inputs: [])
        }
        // A symbolic link to arrcoc's own output is not followed.
        let link = root.appendingPathComponent("link")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: dest)
        #expect(throws: OutputError.notArrcocOutput(path: link.path, expected: "an output directory")) {
            try StagedOutput(path: link.path, kind: .directory, force: true, inputs: [])
        }
        #expect(try Self.read(users.appendingPathComponent("notes.txt")) == "keep")
    }

    @Test func anOutputIsNeverAnInputNorHoldsOne() throws {
        let root = TestClips.scratch("staged-input")
        let input = root.appendingPathComponent("dir/in.mp4")
        try FileManager.default.createDirectory(at: input.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Self.write("video", input)
        let dotted = root.path + "/dir/../dir/in.mp4"
        #expect(throws: OutputError.isInput(output: dotted, input: input.path)) {
            try StagedOutput(path: dotted, kind: .featuresFile, force: true, inputs: [input.path])
        }
        #expect(throws: OutputError.containsInput(output: root.appendingPathComponent("dir").path, input: input.path)) {
            try StagedOutput(path: root.appendingPathComponent("dir").path, kind: .directory, force: true, inputs: [input.path])
        }
        #expect(try Self.read(input) == "video")
    }

    @Test func filesAreReplacedOnlyWhenRecognisedAsArrcocs() throws {
        let root = TestClips.scratch("staged-file")
        let truth = root.appendingPathComponent("t.yaml")
        try Self.write("video: a.mp4\nquery: q.png\nevents:\n  - {start_s: 1, end_s: 2}\n", truth)
        let output = try StagedOutput(path: truth.path, kind: .truthFile, force: true, inputs: [])
        try Self.write("video: b.mp4\nquery: q.png\nevents: []\n", output.staging)
        try output.commit()
        #expect(try Self.read(truth).contains("b.mp4"))
        let notes = root.appendingPathComponent("notes.yaml")
        try Self.write("shopping: [milk]\n", notes)
        #expect(throws: OutputError.notArrcocOutput(path: notes.path, expected: "a truth file")) {
            try StagedOutput(path: notes.path, kind: .truthFile, force: true, inputs: [])
        }
    }
}
