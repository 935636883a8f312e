import ARRCOC
import ARRCOCPipeline
import ArgumentParser
import Foundation
import VideoDecoding

struct FramesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "frames",
        abstract: "Sample a video at a fixed rate and write the frames as PNG files.",
        discussion: """
            The video is decoded once, front to back; for each time k/FPS (k = 0, 1, …) the decoded \
            frame nearest to it is converted (bicubic) to the requested size and written as \
            DIR/<seconds>.png, e.g. 00012.500.png. Times count from the start of the video stream.

            DIR must not exist (or pass --force to replace it); it appears only when every frame \
            was written, so a failed run leaves nothing behind.

            Example:
              arrcoc frames clip.mp4 --fps 2 --size 640x360 --out frames/
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The video file to sample.")
    var file: String

    @Option(help: "Samples per second of video.")
    var fps: Double = 2

    @Option(help: "Output size as WxH, e.g. 640x360 (default: the video's own size).")
    var size: String?

    @Option(help: "Directory to create for the PNG files.")
    var out: String

    @Flag(help: "Replace DIR if it exists and arrcoc wrote it.")
    var force = false

    func validate() throws {
        guard fps.isFinite, fps > 0, fps <= 1000 else {
            throw ValidationError("--fps \(fps): expected a rate in (0, 1000] frames per second")
        }
        if let size {
            do { _ = try PixelSize(parsing: size) } catch { throw ValidationError("--size: \(error.localizedDescription)") }
        }
    }

    func run() throws {
        global.bootstrapLogging()
        let target = try size.map { try PixelSize(parsing: $0) }
        // Checked here, after logging is set up: FFmpeg's check logs a line of its own.
        if let target, !PNGWriter.canEncode(target) {
            throw ValidationError("--size \(target.width)x\(target.height): beyond what FFmpeg's PNG encoder takes (about 268 million pixels, e.g. 16000x16000)")
        }
        let reader = try VideoReader(path: file)
        StagingRegistry.shared.installSignalHandlers(message: "interrupted: \(out) was not written")
        let output = try StagedOutput(path: out, kind: .directory, force: force, inputs: [file], command: "frames")
        var written = 0
        let report = try reader.sample(fps: fps, size: target) { frame in
            let name = String(format: "%09.3f.png", frame.time)
            try PNGWriter.write(frame, to: output.staging.appendingPathComponent(name).path)
            written += 1
        }
        try output.commit()
        printErr(
            "wrote \(written) frames to \(ConfigError.escaped(out)) (decoded \(report.framesDecoded), damaged packets \(report.corruptPackets))")
    }
}
