import Foundation
import Synchronization

/// Short clips generated with the ffmpeg command line (lavfi test sources) for decoding tests:
/// several codecs and containers, odd sizes, a variable frame rate, streams without timestamps,
/// a start-time offset. Made once per test process in a temporary directory, never committed.
public enum TestClips {
    public struct Recipe: Sendable, CustomStringConvertible {
        public let name: String
        public let arguments: [String]
        public var description: String { name }

        /// A clip made by `ffmpeg -v error -nostdin -y ARGUMENTS FILE`, FILE named `name`.
        public init(name: String, arguments: [String]) {
            self.name = name
            self.arguments = arguments
        }
    }

    private static let source = ["-f", "lavfi", "-i"]

    public static let recipes: [Recipe] = [
        Recipe(name: "h264-bframes.mp4", arguments: source + ["testsrc2=size=320x240:rate=25", "-t", "4",
                                                             "-c:v", "libx264", "-bf", "3", "-g", "50", "-pix_fmt", "yuv420p"]),
        Recipe(name: "mpeg4.avi", arguments: source + ["testsrc2=size=352x288:rate=30", "-t", "3", "-c:v", "mpeg4", "-q:v", "3"]),
        Recipe(name: "vp8-odd.webm", arguments: source + ["testsrc2=size=321x241:rate=24", "-t", "3", "-c:v", "libvpx",
                                                          "-b:v", "1M", "-deadline", "realtime"]),
        Recipe(name: "vp9.webm", arguments: source + ["testsrc2=size=256x144:rate=24", "-t", "2", "-c:v", "libvpx-vp9",
                                                      "-b:v", "500k", "-deadline", "realtime", "-cpu-used", "8"]),
        Recipe(name: "mjpeg.avi", arguments: source + ["testsrc2=size=240x180:rate=15", "-t", "3", "-c:v", "mjpeg", "-q:v", "3"]),
        Recipe(name: "vfr.mkv", arguments: source + ["testsrc2=size=320x240:rate=25", "-t", "6",
                                                     "-vf", "setpts='if(lt(N,50),N*0.04,2+(N-50)*0.12)/TB'",
                                                     "-fps_mode", "vfr", "-c:v", "libx264", "-pix_fmt", "yuv420p"]),
        Recipe(name: "no-timestamps.h264", arguments: source + ["testsrc2=size=320x240:rate=25", "-t", "3",
                                                                "-c:v", "libx264", "-bf", "2", "-pix_fmt", "yuv420p", "-f", "h264"]),
        Recipe(name: "no-timestamps.m1v", arguments: source + ["testsrc2=size=320x240:rate=25", "-t", "3",
                                                               "-c:v", "mpeg1video", "-f", "mpeg1video"]),
        Recipe(name: "offset.ts", arguments: source + ["testsrc2=size=320x240:rate=25", "-t", "3",
                                                       "-c:v", "libx264", "-pix_fmt", "yuv420p", "-output_ts_offset", "7"]),
    ]

    private static let made = Mutex<[String: String]>([:])
    /// `arrcoc-clips-PID` in the temporary directory, removed when the test process exits (the
    /// clips and scratch files of one full run take about 900 MB). Folders of test processes that
    /// no longer run (killed, crashed) are removed when the next one starts.
    private static let directory: URL = {
        let fm = FileManager.default, tmp = fm.temporaryDirectory
        for name in (try? fm.contentsOfDirectory(atPath: tmp.path)) ?? [] where name.hasPrefix("arrcoc-clips-") {
            if let pid = Int32(name.dropFirst("arrcoc-clips-".count)), pid > 0, kill(pid, 0) != 0, errno == ESRCH {
                try? fm.removeItem(at: tmp.appendingPathComponent(name))
            }
        }
        let dir = tmp.appendingPathComponent("arrcoc-clips-\(ProcessInfo.processInfo.processIdentifier)")
        try? fm.createDirectory(at: dir, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: TestClips.directory) }
        return dir
    }()

    /// Path of the clip made by `recipe`, generating it on first use.
    public static func path(_ recipe: Recipe) throws -> String {
        if let p = made.withLock({ $0[recipe.name] }) { return p }
        let p = directory.appendingPathComponent(recipe.name).path
        // Tests run in parallel and may ask for the same clip: each writes its own temporary
        // file and renames it into place, so nobody reads a half-written clip.
        let ext = (recipe.name as NSString).pathExtension
        let temporary = directory.appendingPathComponent("tmp-\(UUID().uuidString).\(ext)").path
        let arguments = recipe.arguments
        try FFmpegTool.run("ffmpeg", ["-v", "error", "-nostdin", "-y"] + arguments + [temporary])
        guard rename(temporary, p) == 0 else { throw CocoaError(.fileWriteUnknown) }
        made.withLock { $0[recipe.name] = p }
        return p
    }

    /// A scratch directory for a test's own files.
    public static func scratch(_ name: String) -> URL {
        let dir = directory.appendingPathComponent("\(name)-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }
}

extension TestClips {
    /// cockatoo.mp4 (14 s, 1280×720) with a 160-px Mandelbrot needle at (900, 100) from 6 to 9 s,
    /// composited by the ffmpeg command line into `directory`; returns the clip and the needle.
    public static func cockatooWithMandelbrot(in directory: URL) throws -> (video: String, needle: String) {
        let needle = directory.appendingPathComponent("needle.png").path
        let video = directory.appendingPathComponent("hay.mp4").path
        try FFmpegTool.run("ffmpeg", ["-v", "error", "-nostdin", "-y", "-f", "lavfi", "-i", "mandelbrot=s=160x160", "-frames:v", "1", needle])
        try FFmpegTool.run("ffmpeg", ["-v", "error", "-nostdin", "-y", "-i", try Samples.path("cockatoo.mp4"), "-i", needle,
                                      "-filter_complex", "[0:v][1:v]overlay=900:100:enable='between(t,6,9)'",
                                      "-an", "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", video])
        return (video, needle)
    }
}
