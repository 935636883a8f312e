import Foundation
import Testing
import TestSupport
@testable import VideoDecoding

/// Non-reference frames no request can choose are left undecoded (`DecodePass`): the frames
/// handed on must be those of a decode of every frame, bit for bit, on B-frame content of every
/// kind, including a variable frame rate that defeats the margin (the pass then starts again).
@Suite struct SkippedFrameTests {
    /// Clips with non-reference frames, made with the ffmpeg command line.
    static let recipes: [TestClips.Recipe] = [
        // x264's medium preset at 30 fps: adaptive B-frames, a B-pyramid (some B-frames are references).
        TestClips.Recipe(name: "h264-medium-30fps.mp4", arguments: ["-f", "lavfi", "-i", "testsrc2=size=320x180:rate=30", "-t", "8",
                                                                    "-c:v", "libx264", "-preset", "medium", "-g", "250", "-pix_fmt", "yuv420p"]),
        // MPEG-4 part 2 with B-VOPs.
        TestClips.Recipe(name: "mpeg4-bframes.mp4", arguments: ["-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-t", "6",
                                                                "-c:v", "mpeg4", "-bf", "2", "-q:v", "4"]),
        // A variable frame rate in MP4 (25 fps, then 0.5 s apart from 4 s): decoded whole.
        TestClips.Recipe(name: "h264-gaps.mp4", arguments: ["-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-t", "6",
                                                            "-vf", "setpts='if(lt(N,100),N*0.04,if(lt(N,104),4+(N-100)*0.5,6+(N-104)*0.04))/TB'",
                                                            "-fps_mode", "vfr", "-c:v", "libx264", "-bf", "3",
                                                            "-x264-params", "b-adapt=0:b-pyramid=none:scenecut=0", "-g", "1000", "-pix_fmt", "yuv420p"]),
    ]

    /// h264-bframes.mp4 cut with `-ss 1.3 -c copy` (an edit list drops the samples before the
    /// keyframe it starts from), and its raw stream remuxed with `-r 25 -c copy`, which stamps
    /// every packet in decode order (pts = dts on a B-frame stream): a common remux.
    static func remuxed() throws -> (cut: String, decodeOrder: String) {
        let source = try TestClips.path(#require(TestClips.recipes.first { $0.name == "h264-bframes.mp4" }))
        let dir = TestClips.scratch("skipped-frames")
        let cut = dir.appendingPathComponent("cut.mp4").path, raw = dir.appendingPathComponent("raw.h264").path
        let decodeOrder = dir.appendingPathComponent("decode-order.mp4").path
        let quiet = ["-v", "error", "-nostdin", "-y"]
        try FFmpegTool.run("ffmpeg", quiet + ["-ss", "1.3", "-i", source, "-c", "copy", cut])
        try FFmpegTool.run("ffmpeg", quiet + ["-i", source, "-c:v", "copy", "-f", "h264", raw])
        try FFmpegTool.run("ffmpeg", quiet + ["-r", "25", "-i", raw, "-c", "copy", decodeOrder])
        return (cut, decodeOrder)
    }

    static func paths() throws -> [String] {
        let generated = try recipes.map { try TestClips.path($0) }
        let shipped = try ["h264-bframes.mp4", "vfr.mkv"].map { name in try TestClips.path(#require(TestClips.recipes.first { $0.name == name })) }
        let (cut, decodeOrder) = try remuxed()
        return generated + shipped + [cut, decodeOrder, try Samples.path("bikes.mp4"), try Samples.path("cockatoo.mp4"), try Samples.path("Megamind.avi")]
    }

    static func sample(_ path: String, fps: Double, skipping: Bool) throws -> ([VideoFrame], DecodeReport) {
        let reader = try VideoReader(path: path)
        reader.skipsUnneededFrames = skipping
        var frames: [VideoFrame] = []
        let report = try reader.sample(fps: fps, size: PixelSize(width: 96, height: 54), conversion: .viaYUV420) { frames.append($0) }
        return (frames, report)
    }

    static func fetch(_ path: String, _ times: [Double], skipping: Bool) throws -> ([VideoFrame], DecodeReport) {
        let reader = try VideoReader(path: path)
        reader.skipsUnneededFrames = skipping
        var frames: [VideoFrame] = []
        let report = try reader.fetch(times: times, size: PixelSize(width: 96, height: 54)) { frames.append($0) }
        return (frames, report)
    }

    static func same(_ a: [VideoFrame], _ b: [VideoFrame]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.time == $1.time && $0.sourceIndex == $1.sourceIndex && $0.target == $1.target && $0.rgb == $1.rgb }
    }

    @Test func sampledFramesAreThoseOfAFullDecode() throws {
        var skipped: [String: Int] = [:]
        for path in try Self.paths() {
            for fps in [0.5, 2, 7] {
                let (frames, report) = try Self.sample(path, fps: fps, skipping: true)
                let (full, fullReport) = try Self.sample(path, fps: fps, skipping: false)
                #expect(Self.same(frames, full), "\(path) at \(fps) fps: \(frames.count) vs \(full.count) frames")
                // Every frame decoded or skipped once, unless the pass started again.
                #expect(fullReport.framesSkipped == 0 && fullReport.skipFallbacks == 0
                        && (report.skipFallbacks > 0 || report.framesDecoded + report.framesSkipped == fullReport.framesDecoded),
                        "\(path) at \(fps) fps: \(report) vs \(fullReport)")
                skipped[(path as NSString).lastPathComponent, default: 0] += report.framesSkipped
            }
        }
        // Constant-rate MP4 with B-frames skips; the cut one after its first frame out.
        for name in ["h264-medium-30fps.mp4", "mpeg4-bframes.mp4", "h264-bframes.mp4", "cut.mp4", "bikes.mp4"] {
            #expect(skipped[name, default: 0] > 0, "\(name): \(skipped)")
        }
        // A variable rate, Matroska, AVI: decoded whole.
        for name in ["h264-gaps.mp4", "vfr.mkv", "Megamind.avi"] { #expect(skipped[name] == 0, "\(name): \(skipped)") }
    }

    @Test func fetchedFramesAreThoseOfAFullDecode() throws {
        var g = SeededGenerator(seed: 11)
        for path in try Self.paths() {
            let duration = try VideoReader(path: path).info.durationSeconds ?? 4
            // Sorted random times, some repeated, some past the end (they get the last frame).
            let times = ((0..<12).map { _ in Double.random(in: 0...(duration + 1), using: &g) } + [duration + 3, duration + 3]).sorted()
            let (skipped, report) = try Self.fetch(path, times, skipping: true)
            let (full, _) = try Self.fetch(path, times, skipping: false)
            #expect(Self.same(skipped, full), "\(path): \(times)")
            #expect(skipped.count == times.count, "\(path): \(report)")
        }
    }

    /// Packets stamped in decode order: libavcodec times the frames by its own guess, which
    /// dropped frames change, so the pass notices the frames' times going back and starts
    /// again decoding every frame.
    @Test func framesTimedInDecodeOrderAreCaughtAndThePassStartsAgain() throws {
        let path = try Self.remuxed().decodeOrder
        let (frames, report) = try Self.sample(path, fps: 2, skipping: true)
        let (full, _) = try Self.sample(path, fps: 2, skipping: false)
        #expect(Self.same(frames, full), "\(frames.map(\.time)) vs \(full.map(\.time))")
        #expect(report.skipFallbacks == 1 && report.framesSkipped == 0, "\(report)")
    }
}

/// A reader used for a second pass starts it at the very beginning, whatever the container:
/// MPEG-TS and MPEG-PS demuxers asked to seek to the start time land up to a second late.
@Suite struct SecondPassTests {
    @Test func aSecondPassStartsAtTheBeginning() throws {
        let dir = TestClips.scratch("second-pass")
        let ts = dir.appendingPathComponent("mpeg2.ts").path, ps = dir.appendingPathComponent("mpeg2.mpg").path
        let quiet = ["-v", "error", "-nostdin", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-t", "4", "-c:v", "mpeg2video", "-bf", "2"]
        try FFmpegTool.run("ffmpeg", quiet + [ts])
        try FFmpegTool.run("ffmpeg", quiet + [ps])
        let offset = try TestClips.path(#require(TestClips.recipes.first { $0.name == "offset.ts" }))
        for path in [ts, ps, offset, try Samples.path("bikes.mp4")] {
            let reader = try VideoReader(path: path)
            var first: [VideoFrame] = [], second: [VideoFrame] = [], fetched: [VideoFrame] = []
            try reader.sample(fps: 2, size: PixelSize(width: 64, height: 48)) { first.append($0) }
            try reader.sample(fps: 2, size: PixelSize(width: 64, height: 48)) { second.append($0) }
            try reader.fetch(times: first.map(\.time), size: PixelSize(width: 64, height: 48)) { fetched.append($0) }
            #expect(SkippedFrameTests.same(first, second), "\(path): \(first.map(\.time)) then \(second.map(\.time))")
            #expect(first.map(\.time) == fetched.map(\.time) && zip(first, fetched).allSatisfy { $0.rgb == $1.rgb }, "\(path)")
        }
    }
}
