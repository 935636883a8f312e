import Foundation

/// Runs the `ffmpeg`/`ffprobe` command line: the independent reference the decoding tests
/// compare against.
public enum FFmpegTool {
    public struct Failure: Error, CustomStringConvertible {
        public let command: [String]
        public let status: Int32
        public let stderr: String
        public var description: String { "\(command.joined(separator: " ")) exited \(status): \(stderr)" }

        public init(command: [String], status: Int32, stderr: String) {
            self.command = command
            self.status = status
            self.stderr = stderr
        }
    }

    /// Runs `tool` with `arguments`; returns standard output, throws on a non-zero exit.
    @discardableResult
    public static func run(_ tool: String, _ arguments: [String]) throws -> Data {
        let r = try ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/env"), [tool] + arguments)
        guard r.status == 0 else {
            throw Failure(command: [tool] + arguments, status: r.status, stderr: String(decoding: r.stderr.suffix(2000), as: UTF8.self))
        }
        return r.stdout
    }

    /// Presentation times (seconds from the stream's start) of every decoded frame, in order,
    /// as ffprobe reports them; nil where ffprobe has no timestamp.
    public static func frameTimes(_ path: String) throws -> [Double?] {
        let start = try run("ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=start_time",
                                        "-of", "csv=p=0", path])
        let startLine = String(decoding: start, as: UTF8.self).split(whereSeparator: \.isNewline).first ?? ""
        let startTime = Double(startLine.split(separator: ",").first.map(String.init) ?? "") ?? 0
        let out = try run("ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries",
                                      "frame=best_effort_timestamp_time", "-of", "csv=p=0", path])
        return String(decoding: out, as: UTF8.self).split(whereSeparator: \.isNewline).compactMap { line in
            let field = line.split(separator: ",").first.map(String.init) ?? ""
            if field.isEmpty { return nil }  // side-data lines
            return .some(Double(field).map { $0 - startTime })
        }
    }

    /// The frames with the given presentation indices, scaled (bicubic) to `width × height`,
    /// as packed RGB24, decoded by the ffmpeg command line.
    public static func rgbFrames(_ path: String, indices: [Int], width: Int, height: Int) throws -> [[UInt8]] {
        guard !indices.isEmpty else { return [] }
        let select = indices.map { "eq(n\\,\($0))" }.joined(separator: "+")
        let data = try run("ffmpeg", ["-v", "error", "-nostdin", "-i", path, "-map", "0:v:0",
                                      "-vf", "select='\(select)',scale=\(width):\(height):flags=bicubic",
                                      "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"])
        let frameBytes = width * height * 3
        return stride(from: 0, to: data.count - frameBytes + 1, by: frameBytes).map {
            [UInt8](data[data.startIndex + $0 ..< data.startIndex + $0 + frameBytes])
        }
    }

    /// Mean absolute difference per channel (R, G, B) between two packed RGB24 images.
    public static func meanAbsoluteDifference(_ a: [UInt8], _ b: [UInt8]) -> [Double] {
        precondition(a.count == b.count && a.count % 3 == 0)
        var sums = [0.0, 0.0, 0.0]
        for i in 0..<a.count { sums[i % 3] += Double(abs(Int(a[i]) - Int(b[i]))) }
        return sums.map { $0 / Double(a.count / 3) }
    }
}
