import Foundation
import Testing
import TestSupport
@testable import VideoDecoding

/// Targeted fetch: the frames nearest given times, by seeking where the index allows and
/// streaming otherwise; both ways must give the same frames.
@Suite struct FetchTests {
    static func fetch(_ path: String, _ times: [Double], size: PixelSize, _ strategy: FetchStrategy) throws
        -> ([VideoFrame], DecodeReport)
    {
        var frames: [VideoFrame] = []
        let report = try VideoReader(path: path).fetch(times: times, size: size, strategy: strategy) { frames.append($0) }
        return (frames, report)
    }

    @Test func seekingAndStreamingGiveTheSameFrames() throws {
        // bikes.mp4 has keyframes at 0, 1.2, 3.04, 5.48, 7.48 and 9.68 s (a correct index): the
        // late requests are reached by seeking, none falls back.
        let path = try Samples.path("bikes.mp4")
        let times = [0.3, 0.31, 4.0, 8.0, 8.02, 9.9, 20]
        let size = PixelSize(width: 160, height: 68)
        let (seeked, seekReport) = try Self.fetch(path, times, size: size, .automatic)
        let (streamed, streamReport) = try Self.fetch(path, times, size: size, .stream)
        #expect(seekReport.seeks >= 2 && seekReport.seekFallbacks == 0, "\(seekReport)")
        #expect(streamReport.seeks == 0)
        #expect(seekReport.framesDecoded < streamReport.framesDecoded)
        #expect(seeked.count == times.count && streamed.count == times.count)
        for (a, b) in zip(seeked, streamed) {
            #expect(a.time == b.time && a.sourceIndex == b.sourceIndex && a.rgb == b.rgb)
        }
        #expect(zip(streamed, times).allSatisfy { $0.target == $1 })
    }

    /// cockatoo.mp4's sync-sample index is wrong (keyframes listed at 3.8 and 7.25 s do not decode
    /// on their own: `ffmpeg -ss 7` gives another broken image each run). A seek there decodes with
    /// errors before serving anything, so the pass falls back to streaming from the start: the
    /// same frames as a streamed decode, byte for byte, on every run.
    @Test(arguments: [[4.52, 9.0, 13.4], [5.0], [9.0]])
    func aSeekThatDecodesWithErrorsFallsBackToStreaming(_ times: [Double]) throws {
        let path = try Samples.path("cockatoo.mp4")
        let size = PixelSize(width: 640, height: 360)
        let (streamed, _) = try Self.fetch(path, times, size: size, .stream)
        for run in 0..<2 {
            let (seeked, report) = try Self.fetch(path, times, size: size, .automatic)
            #expect(report.seekFallbacks == 1, "run \(run): \(report)")
            #expect(seeked.count == times.count)
            for (a, b) in zip(seeked, streamed) {
                let same = a.rgb == b.rgb  // compared outside #expect: it would print both arrays
                #expect(same && a.sourceIndex == b.sourceIndex && a.time == b.time, "run \(run), \(a.target) s")
            }
        }
    }

    /// Determinism: the default fetch gives the same bytes on every run. It streams: seeking
    /// trusts the container's sync-sample index, and cockatoo.mp4's misleads it (a seek to 5 s
    /// decodes with errors, as `ffmpeg -ss 5` does, differently from run to run).
    @Test(arguments: [[5.0], [9.0], [5.0, 9.0]])
    func theDefaultFetchGivesTheSameBytesEveryRun(_ times: [Double]) throws {
        let path = try Samples.path("cockatoo.mp4")
        let size = PixelSize(width: 1280, height: 720)
        var first: [VideoFrame] = []
        try VideoReader(path: path).fetch(times: times, size: size) { first.append($0) }
        let (streamed, _) = try Self.fetch(path, times, size: size, .stream)
        for run in 0..<3 {
            var again: [VideoFrame] = []
            let report = try VideoReader(path: path).fetch(times: times, size: size) { again.append($0) }
            #expect(report.seeks == 0)
            #expect(again.count == times.count)
            for (a, b) in zip(again, first) {
                let same = a.rgb == b.rgb  // compared outside #expect: it would print both 2.7 MB arrays
                #expect(same && a.sourceIndex == b.sourceIndex, "run \(run), \(a.target) s")
            }
        }
        #expect(zip(first, streamed).allSatisfy { $0.rgb == $1.rgb })
    }

    @Test(arguments: ["vtest.avi", "display-dual-monitors.webm", "bigbuckbunny.mp4"])
    func fetchMatchesFFmpegPixels(_ name: String) throws {
        let path = try Samples.path(name)
        let info = try VideoProbe.probe(path: path, countFrames: false)
        let duration = try #require(info.durationSeconds)
        let times = [0.0, duration * 0.37, duration * 0.81, duration * 0.82]
        let size = PixelSize(width: 128, height: (128 * info.height / info.width) & ~1)
        let (frames, _) = try Self.fetch(path, times, size: size, .automatic)
        #expect(frames.count == 4)
        let reference = try FFmpegTool.rgbFrames(path, indices: Array(Set(frames.map(\.sourceIndex))).sorted(),
                                                 width: size.width, height: size.height)
        let byIndex = Dictionary(uniqueKeysWithValues: zip(Array(Set(frames.map(\.sourceIndex))).sorted(), reference))
        let ffTimes = try FFmpegTool.frameTimes(path)
        for frame in frames {
            let theirs = try #require(byIndex[frame.sourceIndex])
            let mad = FFmpegTool.meanAbsoluteDifference(frame.rgb, theirs)
            #expect(mad.allSatisfy { $0 < 2 }, "\(name) frame \(frame.sourceIndex): \(mad)")
            if let t = ffTimes[frame.sourceIndex] { #expect(abs(t - frame.time) < 1e-3) }
            #expect(abs(frame.time - frame.target) <= 0.5 / info.fps + 1e-6)
        }
    }

    @Test func eachRequestHasItsOwnSize() throws {
        let path = try Samples.path("bikes.mp4")
        let requests = [
            FrameRequest(time: 1, size: PixelSize(width: 64, height: 32)),
            FrameRequest(time: 1, size: PixelSize(width: 320, height: 128)),
            FrameRequest(time: 6, size: nil),
        ]
        var sizes: [PixelSize] = []
        try VideoReader(path: path).fetch(requests) { sizes.append($0.size) }
        #expect(sizes == [PixelSize(width: 64, height: 32), PixelSize(width: 320, height: 128), PixelSize(width: 640, height: 272)])
    }

    @Test func readerCanServeSeveralPasses() throws {
        let reader = try VideoReader(path: try Samples.path("bikes.mp4"))
        var first: [Int] = []
        var second: [Int] = []
        try reader.sample(fps: 1) { first.append($0.sourceIndex) }
        try reader.sample(fps: 1) { second.append($0.sourceIndex) }
        #expect(first == second && first.count == 10)
    }
}

@Suite struct EncoderTests {
    @Test func pngRoundTripIsLossless() throws {
        var g = SeededGenerator(seed: 11)
        let size = PixelSize(width: 37, height: 21)
        let rgb = (0..<(37 * 21 * 3)).map { _ in UInt8.random(in: 0...255, using: &g) }
        let frame = VideoFrame(time: 0, target: 0, sourceIndex: 0, size: size, rgb: rgb)
        let path = TestClips.scratch("png").appendingPathComponent("f.png").path
        try PNGWriter.write(frame, to: path)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(data.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        let decoded = try FFmpegTool.run("ffmpeg", ["-v", "error", "-i", path, "-f", "rawvideo", "-pix_fmt", "rgb24", "-"])
        #expect([UInt8](decoded) == rgb)
    }

    @Test func syntheticClipEncodesAndDecodesBack() throws {
        let path = TestClips.scratch("enc").appendingPathComponent("clip.mp4").path
        let size = PixelSize(width: 160, height: 96)
        try SyntheticClip.write(to: path, size: size, fps: 10, seconds: 3)
        let info = try VideoProbe.probe(path: path)
        #expect(info.width == 160 && info.height == 96 && info.frameCountCounted == 30)
        #expect(abs(info.fps - 10) < 1e-9)
        var checked = 0
        try VideoReader(path: path).sample(fps: 10) { frame in
            let original = SyntheticClip.frame(index: frame.sourceIndex, size: size, fps: 10, seconds: 3)
            let mad = FFmpegTool.meanAbsoluteDifference(frame.rgb, original)
            #expect(mad.allSatisfy { $0 < 6 }, "frame \(frame.sourceIndex): \(mad)")
            #expect(abs(frame.time - Double(frame.sourceIndex) / 10) < 1e-9)
            checked += 1
        }
        #expect(checked == 30)
    }

    @Test func encoderRejectsOddSizesAndLeavesNothingOnFailure() throws {
        let dir = TestClips.scratch("enc-bad")
        let path = dir.appendingPathComponent("odd.mp4").path
        #expect(throws: VideoError.oddEncoderSize(PixelSize(width: 15, height: 10))) {
            try VideoEncoder(path: path, size: PixelSize(width: 15, height: 10), fps: 10)
        }
        #expect(throws: VideoError.encoderRateOutOfRange(fps: 0, maximum: 240)) {
            try VideoEncoder(path: path, size: PixelSize(width: 16, height: 16), fps: 0)
        }
        let encoder = try VideoEncoder(path: path, size: PixelSize(width: 16, height: 16), fps: 10)
        #expect(throws: VideoError.frameSizeMismatch(bytes: 3, size: PixelSize(width: 16, height: 16), expected: 768)) {
            try encoder.append(rgb: [0, 1, 2])
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { !$0.hasPrefix(".") }.isEmpty)
    }
}
