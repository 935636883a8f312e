import Foundation
import Testing
import TestSupport
import VideoDecoding

/// The keyframe index (no decoding) and keyframe-only decoding behind the coarse pass of
/// coarse-to-fine analysis, on clips with keyframes exactly every 2 s (GOP 50 at 25 fps, no
/// scene-cut keyframes), in MP4 (sample index) and Matroska (packet scan).
@Suite struct KeyframeTests {
    static func clip(_ container: String) throws -> String {
        let dir = TestClips.scratch("keyframes")
        let path = dir.appendingPathComponent("gop50.\(container)").path
        try FFmpegTool.run("ffmpeg", ["-v", "error", "-nostdin", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-t", "10",
                                      "-c:v", "libx264", "-preset", "veryfast", "-g", "50", "-keyint_min", "50", "-sc_threshold", "0",
                                      "-bf", "2", "-pix_fmt", "yuv420p", path])
        return path
    }

    static func close(_ a: [Double], _ b: [Double], within: Double = 0.05) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= within }
    }

    @Test("the keyframe index lists every keyframe without decoding: MP4 from its sample index, Matroska by packet flags")
    func indexFindsKeyframes() throws {
        let mp4 = try VideoReader(path: try Self.clip("mp4")).keyframeIndex()
        #expect(mp4.origin == .containerIndex)
        #expect(Self.close(mp4.times, [0, 2, 4, 6, 8]), "\(mp4.times)")
        let mkv = try VideoReader(path: try Self.clip("mkv")).keyframeIndex()
        #expect(mkv.origin == .packetScan)
        #expect(Self.close(mkv.times, [0, 2, 4, 6, 8]), "\(mkv.times)")
    }

    @Test("keyframe sampling decodes only the keyframes, thinned to the spacing asked, with the pixels a full decode gives")
    func decodesOnlyKeyframes() throws {
        let path = try Self.clip("mp4")
        let size = PixelSize(width: 160, height: 128)
        var times: [Double] = []
        var images: [[UInt8]] = []
        let converter = FrameConverter()
        let report = try VideoReader(path: path).sampleKeyframes(minimumSpacing: 0, size: size) { decoded in
            times.append(decoded.time)
            images.append(try decoded.converted(with: converter).rgb)
        }
        #expect(Self.close(times, [0, 2, 4, 6, 8]), "\(times)")
        #expect(report.framesDecoded == 5, "250 frames in the clip, 5 keyframes; decoded \(report.framesDecoded)")
        // The keyframe at 4 s, decoded alone, equals the frame a sequential decode gives there.
        var sequential: [UInt8] = []
        try VideoReader(path: path).fetch(times: [4], size: size) { sequential = $0.rgb }
        #expect(images.count == 5 && images[2] == sequential)

        var thinned: [Double] = []
        let sparse = try VideoReader(path: path).sampleKeyframes(minimumSpacing: 3, size: size) { thinned.append($0.time) }
        #expect(Self.close(thinned, [0, 4, 8]), "\(thinned)")
        #expect(sparse.framesDecoded == 3)
    }

    @Test("a bad keyframe spacing or size is an error naming the value")
    func badArguments() throws {
        let reader = try VideoReader(path: try Self.clip("mp4"))
        #expect(throws: VideoError.self) { try reader.sampleKeyframes(minimumSpacing: -1) { _ in } }
        #expect(throws: VideoError.self) { try reader.sampleKeyframes(minimumSpacing: .nan) { _ in } }
        #expect(throws: VideoError.self) { try reader.sampleKeyframes(size: PixelSize(width: 0, height: 10)) { _ in } }
        do {
            try reader.sampleKeyframes(minimumSpacing: -1) { _ in }
        } catch {
            #expect(error.localizedDescription.contains("-1"))
        }
    }
}
