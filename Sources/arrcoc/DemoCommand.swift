import ArgumentParser
import Foundation
import VideoDecoding

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run arrcoc on the built-in sample video (no arguments needed).",
        discussion: """
            Uses cockatoo.mp4 from the sample cache ($ARRCOC_SAMPLES, default \
            ~/.cache/arrcoc/samples; Scripts/setup.sh fetches it). When no sample is there, it \
            generates a 12-second clip with arrcoc's own encoder instead, so the demo always runs.

            Today the demo probes the video and samples candidate frames at 2 fps at the analysis \
            size; the compression stages grow it into the full pipeline.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "Use this video instead of the built-in default.")
    var video: String?

    @Option(help: "Candidate frames per second.")
    var fps: Double = 2

    func run() throws {
        global.bootstrapLogging()
        let path = try video ?? DemoVideo.locate()
        let info = try VideoProbe.probe(path: path)
        print(ProbeCommand.describe(info))
        let analysis = DemoVideo.analysisSize(width: info.width, height: info.height)
        print("\nsampling at \(fps) fps, \(analysis) (\(analysis.width / 32)×\(analysis.height / 32) cells of 32 px):")
        print("   time    source   mean R   mean G   mean B")
        let started = Date()
        let report = try VideoReader(path: path).sample(fps: fps, size: analysis) { frame in
            var sums = (0, 0, 0)
            for i in stride(from: 0, to: frame.rgb.count, by: 3) {
                sums.0 += Int(frame.rgb[i])
                sums.1 += Int(frame.rgb[i + 1])
                sums.2 += Int(frame.rgb[i + 2])
            }
            let n = Double(frame.rgb.count / 3)
            print(String(format: "%7.3f  %7d  %7.1f  %7.1f  %7.1f", frame.time, frame.sourceIndex,
                         Double(sums.0) / n, Double(sums.1) / n, Double(sums.2) / n))
        }
        let seconds = Date().timeIntervalSince(started)
        print(String(format: "\n%d frames decoded, %d sampled, %d damaged packets, in %.2f s",
                     report.framesDecoded, report.framesEmitted, report.corruptPackets, seconds))
    }
}

/// Where the demo's video comes from: the sample cache, or a clip generated on the spot.
enum DemoVideo {
    static var cacheRoot: URL {
        if let dir = ProcessInfo.processInfo.environment["ARRCOC_SAMPLES"], !dir.isEmpty {
            return URL(fileURLWithPath: dir)
        }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/arrcoc/samples")
    }

    /// The cached cockatoo.mp4, or a generated clip when it is missing.
    static func locate() throws -> String {
        let sample = cacheRoot.appendingPathComponent("cockatoo.mp4").path
        if FileManager.default.fileExists(atPath: sample) { return sample }
        let generatedDir = cacheRoot.deletingLastPathComponent().appendingPathComponent("generated")
        let generated = generatedDir.appendingPathComponent("demo-v1.mp4").path
        if FileManager.default.fileExists(atPath: generated) { return generated }
        printErr("cockatoo.mp4 is not in \(cacheRoot.path); generating a demo clip with arrcoc's encoder")
        do {
            try FileManager.default.createDirectory(at: generatedDir, withIntermediateDirectories: true)
            try SyntheticClip.write(to: generated, size: PixelSize(width: 640, height: 360), fps: 25, seconds: 12)
        } catch {
            throw CLIError.noDemoVideo(reason: error.localizedDescription)
        }
        return generated
    }

    /// About 400 cells of 32 px keeping the aspect ratio (the analysis grid of the design).
    static func analysisSize(width: Int, height: Int) -> PixelSize {
        let aspect = Double(width) / Double(height)
        let rows = max(1, Int((400 / aspect).squareRoot().rounded()))
        let cols = max(1, Int((Double(rows) * aspect).rounded()))
        return PixelSize(width: cols * 32, height: rows * 32)
    }
}
