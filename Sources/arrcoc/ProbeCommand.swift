import ARRCOC
import ArgumentParser
import Foundation
import VideoDecoding

struct ProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Show what a video file holds: container, codec, size, frame rate, duration, frame counts.",
        discussion: """
            The frame count is given twice: as the header states it and as counted by reading every \
            video packet (headers of AVI files, for example, can overstate it). Counting reads the \
            whole file once without decoding; --no-count skips it.

            Examples:
              arrcoc probe clip.mp4
              arrcoc probe clip.mp4 --json
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The video file to probe.")
    var file: String

    @Flag(help: "Print the result as JSON (snake_case keys).")
    var json = false

    @Flag(name: .customLong("no-count"), help: "Do not count frames by reading the file.")
    var noCount = false

    func run() throws {
        global.bootstrapLogging()
        let info = try VideoProbe.probe(path: file, countFrames: !noCount)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(info), as: UTF8.self))
            return
        }
        print(Self.describe(info))
    }

    static func describe(_ info: VideoInfo) -> String {
        func opt(_ v: Int?) -> String { v.map(String.init) ?? "unknown" }
        let duration = info.durationSeconds.map { String(format: "%.3f s (from %@)", $0, info.durationSource) } ?? "unknown"
        return """
            file:         \(ConfigError.escaped(info.path))
            container:    \(info.container)
            codec:        \(info.codec)
            size:         \(info.width)x\(info.height)
            fps:          \(String(format: "%.3f", info.fps))
            duration:     \(duration)
            frames:       header \(opt(info.frameCountHeader)), counted \(opt(info.frameCountCounted))
            start time:   \(String(format: "%.3f s", info.startTimeSeconds))
            seek index:   \(info.hasSeekIndex ? "yes" : "no")
            bytes:        \(info.fileBytes)
            """
    }
}
