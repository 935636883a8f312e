import ARRCOC
import Foundation
import Testing
import TestSupport

/// The benchmark's Python peer (`Benchmarks/peers/descriptor_peer.py`, PyAV + numpy) writes a
/// features file `arrcoc compress --features` accepts, with the candidate times `arrcoc analyze`
/// picks for the same video and the built-in descriptor's version. Needs the project's Python
/// (`Scripts/python-setup.sh`); skipped without it. The peer's speed is measured by
/// `arrcoc-bench --suite analysis`, never here.
struct PythonPeerTests {
    static let python: String? = {
        let path = ProcessInfo.processInfo.environment["ARRCOC_PYTHON"]
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/arrcoc/venv/bin/python").path
        guard FileManager.default.isExecutableFile(atPath: path), (try? FFmpegTool.run(path, ["-c", "import av, numpy"])) != nil else { return nil }
        return path
    }()

    @Test(.enabled(if: python != nil, "no Python with PyAV and numpy (Scripts/python-setup.sh)"))
    func peerFeaturesAreAcceptedAndShareArrcocsCandidateTimes() throws {
        let python = try #require(Self.python)
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let dir = TestClips.scratch("peer")
        let video = try TestClips.path(TestClips.recipes[0])  // testsrc2 320×240, 4 s, B-frames
        let peer = dir.appendingPathComponent("peer.safetensors").path
        _ = try FFmpegTool.run(python, [root.appendingPathComponent("Benchmarks/peers/descriptor_peer.py").path, video, "--out", peer])
        let ours = dir.appendingPathComponent("ours.safetensors").path
        let analyzed = try CLIRunner.run(["analyze", video, "--out", ours])
        #expect(analyzed.status == 0, "\(analyzed.stderr)")
        let theirs = try FeatureSet(contentsOf: peer), mine = try FeatureSet(contentsOf: ours)
        #expect(theirs.times == mine.times)
        #expect(theirs.info.analysis == mine.info.analysis)
        #expect(theirs.info.source.sha256 == mine.info.source.sha256)
        #expect(theirs.dimension == mine.dimension)
        // The peer computes the current descriptor: it follows each version of CellDescriptor.
        #expect(theirs.info.embedder.version == DescriptorEmbedder.version)
        let out = dir.appendingPathComponent("out").path
        let needle = dir.appendingPathComponent("needle.png").path
        _ = try FFmpegTool.run("ffmpeg", ["-v", "error", "-nostdin", "-y", "-ss", "1.5", "-i", video, "-vf", "crop=64:64:200:40", "-frames:v", "1", needle])
        let r = try CLIRunner.run(["compress", video, "--features", peer, "--query-image", needle, "--budget", "400", "--out", out])
        #expect(r.status == 0, "\(r.stderr)")
    }
}
