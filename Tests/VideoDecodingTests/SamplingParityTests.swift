import Foundation
import Testing
import TestSupport
@testable import VideoDecoding

/// Sequential sampling checked against the ffmpeg command line: sample times against ffprobe's
/// frame times, pixels against `ffmpeg -vf select,scale` of the same frames.
@Suite struct SamplingParityTests {
    /// The definition of sampling, computed from ffprobe's frame list: for k = 0, 1, … the frame
    /// nearest k/fps (ties to the earlier), each frame once, up to the last frame + half a frame.
    static func expectedSamples(times: [Double], sourceFPS: Double, fps: Double) -> [Int] {
        guard let last = times.last else { return [] }
        var picks: [Int] = []
        var k = 0
        var j = 0
        while Double(k) / fps <= last + 0.5 / sourceFPS + 1e-9 {
            let target = Double(k) / fps
            while j + 1 < times.count, abs(times[j + 1] - target) < abs(times[j] - target) { j += 1 }
            if picks.last != j { picks.append(j) }
            k += 1
        }
        return picks
    }

    /// ffprobe's times with gaps (no timestamp) filled the documented way: previous + 1/fps.
    static func filled(_ times: [Double?], fps: Double) -> [Double] {
        var out: [Double] = []
        for t in times {
            let previous = out.last
            var v = t ?? (previous.map { $0 + 1 / fps } ?? 0)
            if let previous, v <= previous { v = previous + 1 / fps }
            out.append(v)
        }
        return out
    }

    static func check(path: String, fps: Double = 2, width: Int = 160) throws {
        let reader = try VideoReader(path: path)
        let height = max(2, (width * reader.info.height / reader.info.width) & ~1)
        var frames: [VideoFrame] = []
        let report = try reader.sample(fps: fps, size: PixelSize(width: width, height: height)) { frames.append($0) }

        // Raw elementary streams have no real timestamps: frames are timed index / fps.
        let probed = try FFmpegTool.frameTimes(path)
        let reference = path.contains("no-timestamps")
            ? probed.indices.map { Double($0) / reader.info.fps } : filled(probed, fps: reader.info.fps)
        // Every frame is decoded, or dropped by the decoder as one no sample could be (a
        // non-reference frame far from every grid time: `DecodePass`); a pass that found it had
        // dropped one too many started again and decoded the frames up to there twice.
        #expect(report.skipFallbacks > 0 ? report.framesDecoded >= reference.count : report.framesDecoded + report.framesSkipped == reference.count,
                "decoded \(report.framesDecoded) and skipped \(report.framesSkipped) frames, ffprobe \(reference.count)")
        let expected = expectedSamples(times: reference, sourceFPS: reader.info.fps, fps: fps)
        #expect(frames.map(\.sourceIndex) == expected)
        for frame in frames where frame.sourceIndex < reference.count {
            #expect(abs(frame.time - reference[frame.sourceIndex]) < 1e-3,
                    "frame \(frame.sourceIndex): \(frame.time) s, ffprobe \(reference[frame.sourceIndex]) s")
            #expect(frame.size == PixelSize(width: width, height: height))
        }
        #expect(zip(frames, frames.dropFirst()).allSatisfy { $0.time < $1.time })

        // Pixels against ffmpeg's decode + bicubic scale of the same frames.
        let picked = Array(frames.prefix(12))
        let ffmpegFrames = try FFmpegTool.rgbFrames(path, indices: picked.map(\.sourceIndex), width: width, height: height)
        #expect(ffmpegFrames.count == picked.count)
        for (ours, theirs) in zip(picked, ffmpegFrames) {
            let mad = FFmpegTool.meanAbsoluteDifference(ours.rgb, theirs)
            #expect(mad.allSatisfy { $0 < 2 }, "\(path) frame \(ours.sourceIndex): MAD per channel \(mad)")
        }
    }

    @Test(arguments: Samples.all)
    func sampleVideoMatchesFFmpeg(_ name: String) throws {
        try Self.check(path: try Samples.path(name))
    }

    @Test(arguments: TestClips.recipes)
    func generatedClipMatchesFFmpeg(_ recipe: TestClips.Recipe) throws {
        try Self.check(path: try TestClips.path(recipe), fps: 3, width: 128)
    }

    @Test func clipsWithoutTimestampsGetTimesFromTheFrameRate() throws {
        for name in ["no-timestamps.h264", "no-timestamps.m1v"] {
            let recipe = try #require(TestClips.recipes.first { $0.name == name })
            let reader = try VideoReader(path: try TestClips.path(recipe))
            var times: [Double] = []
            let report = try reader.sample(fps: 25) { times.append($0.time) }
            #expect(report.framesDecoded == 75, "\(name)")
            #expect(times.count == 75, "\(name)")
            for (i, t) in times.enumerated() { #expect(abs(t - Double(i) / 25) < 1e-6, "\(name) frame \(i) at \(t)") }
        }
    }

    @Test func startTimeIsSubtracted() throws {
        let recipe = try #require(TestClips.recipes.first { $0.name == "offset.ts" })
        let path = try TestClips.path(recipe)
        let info = try VideoProbe.probe(path: path)
        #expect(info.startTimeSeconds > 7)
        var first: VideoFrame? = nil
        try VideoReader(path: path).sample(fps: 1) { if first == nil { first = $0 } }
        #expect(try #require(first).time < 0.05)
    }

    @Test func variableFrameRateSamplesFollowRealTimes() throws {
        let recipe = try #require(TestClips.recipes.first { $0.name == "vfr.mkv" })
        var frames: [VideoFrame] = []
        try VideoReader(path: try TestClips.path(recipe)).sample(fps: 2) { frames.append($0) }
        // 50 frames at 25 fps (0…1.96 s), then one frame every 0.12 s: the grid continues in real time.
        #expect(frames.count >= 12)
        for f in frames { #expect(abs(f.time - f.target) <= 0.06 + 1e-6, "\(f.time) for \(f.target)") }
    }
}
