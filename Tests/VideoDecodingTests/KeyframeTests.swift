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

    static func close(_ a: [Double], _ b: [Double], within: Double = 0.001) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= within }
    }

    /// Presentation times of the key packets, as ffprobe lists them (the reference).
    static func keyPackets(_ path: String) throws -> [Double] {
        let csv = String(decoding: try FFmpegTool.run("ffprobe", ["-v", "error", "-select_streams", "v", "-show_entries", "packet=pts_time,flags",
                                                                  "-of", "csv=p=0", path]), as: UTF8.self)
        return csv.split(separator: "\n").compactMap { line -> Double? in
            let f = line.split(separator: ",")
            return f.count >= 2 && f[1].hasPrefix("K") ? Double(f[0]) : nil
        }.sorted()
    }

    @Test("the keyframe index lists every keyframe without decoding: MP4 from its sample index, Matroska by packet flags")
    func indexFindsKeyframes() throws {
        // MP4's index holds decode times: B-frames put them a frame or two before presentation.
        let mp4Path = try Self.clip("mp4")
        let mp4 = try VideoReader(path: mp4Path).keyframeIndex()
        #expect(mp4.origin == .containerIndex)
        #expect(Self.close(mp4.times, try Self.keyPackets(mp4Path), within: 0.09), "\(mp4.times)")
        #expect(mp4.times.count == 5)
        let mkvPath = try Self.clip("mkv")
        let mkv = try VideoReader(path: mkvPath).keyframeIndex()
        #expect(mkv.origin == .packetScan)
        #expect(Self.close(mkv.times, try Self.keyPackets(mkvPath)), "\(mkv.times)")
        #expect(mkv.times.count == 5)
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
        let keys = try Self.keyPackets(path)
        #expect(keys.count == 5 && Self.close(times, keys), "\(times) vs key packets \(keys)")
        #expect(report.framesDecoded == 5, "250 frames in the clip, 5 keyframes; decoded \(report.framesDecoded)")
        // The keyframe near 4 s, decoded alone, equals the frame a sequential decode gives there.
        try #require(times.count == 5)
        var sequential: [UInt8] = []
        try VideoReader(path: path).fetch(times: [times[2]], size: size) { sequential = $0.rgb }
        #expect(images.count == 5 && images[2] == sequential)

        var thinned: [Double] = []
        let sparse = try VideoReader(path: path).sampleKeyframes(minimumSpacing: 3, size: size) { thinned.append($0.time) }
        // At least 3 s apart: every other keyframe (about 0, 4, 8 s).
        #expect(keys.count == 5 && Self.close(thinned, [keys[0], keys[2], keys[4]]), "\(thinned)")
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
