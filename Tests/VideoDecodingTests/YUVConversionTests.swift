import Foundation
import Testing
import TestSupport
@testable import VideoDecoding

/// The analysis conversion (`FrameConversion.viaYUV420`) against the ffmpeg command line doing
/// the same two steps on the same frames: `scale=W:H,format=yuv420p` (libswscale, bicubic), then
/// `scale=W:H,format=rgb24` at that size (libswscale's unscaled YUV→RGB).
@Suite struct YUVConversionTests {
    /// The frames with the given presentation indices through `filter` (after `select`), as raw
    /// `pixelFormat` frames of `frameBytes` bytes each, from the ffmpeg command line.
    static func ffmpegFrames(_ path: String, indices: [Int], filter: String, pixelFormat: String, frameBytes: Int) throws -> [[UInt8]] {
        let select = indices.map { "eq(n\\,\($0))" }.joined(separator: "+")
        let data = try FFmpegTool.run("ffmpeg", ["-v", "error", "-nostdin", "-i", path, "-map", "0:v:0",
                                                 "-vf", "select='\(select)',\(filter)",
                                                 "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", pixelFormat, "-"])
        return stride(from: 0, to: data.count - frameBytes + 1, by: frameBytes).map {
            [UInt8](data[data.startIndex + $0 ..< data.startIndex + $0 + frameBytes])
        }
    }

    struct Difference {
        var maximum = [0, 0, 0]
        var sum = [0, 0, 0]
        var count = 0
        mutating func add(_ a: [UInt8], _ b: [UInt8]) {
            for i in 0..<min(a.count, b.count) {
                let d = Int(a[i]) - Int(b[i])
                maximum[i % 3] = max(maximum[i % 3], abs(d))
                sum[i % 3] += d
            }
            count += min(a.count, b.count) / 3
        }
        var mean: [Double] { sum.map { Double($0) / Double(max(count, 1)) } }
    }

    /// Samples `path` at 2 fps at `width` (even height, the aspect kept) and compares the first
    /// 8 frames' RGB with ffmpeg's two steps; returns the differences (ours − ffmpeg's).
    static func compare(_ path: String, width: Int, planes: String = "yuv420p") throws -> Difference {
        let reader = try VideoReader(path: path)
        let height = max(2, (width * reader.info.height / reader.info.width) & ~1)
        let size = "\(width):\(height)"
        var frames: [VideoFrame] = []
        try reader.sample(fps: 2, size: PixelSize(width: width, height: height), conversion: .viaYUV420) {
            if frames.count < 8 { frames.append($0) }
        }
        let theirs = try ffmpegFrames(path, indices: frames.map(\.sourceIndex),
                                      filter: "scale=\(size):flags=bicubic,format=\(planes),scale=\(size),format=rgb24",
                                      pixelFormat: "rgb24", frameBytes: width * height * 3)
        #expect(theirs.count == frames.count, "\(path): ffmpeg gave \(theirs.count) of \(frames.count) frames")
        var difference = Difference()
        for (ours, reference) in zip(frames, theirs) { difference.add(ours.rgb, reference) }
        return difference
    }

    /// Bit-identical (maximum difference 0 on every channel of every frame): the planes are
    /// libswscale's and the conversion is its x86 arithmetic, lane for lane.
    @Test(arguments: ["cockatoo.mp4", "vtest.avi", "display-dual-monitors.webm", "bikes.mp4", "Megamind.avi"])
    func analysisPixelsMatchFFmpegsTwoSteps(_ name: String) throws {
        // 328 px: 20 vectors of 16 pixels and a scalar tail of 8.
        let difference = try Self.compare(try Samples.path(name), width: 328)
        #expect(difference.count > 0)
        #expect(difference.maximum.allSatisfy { $0 <= 0 }, "\(name): max |difference| per channel \(difference.maximum)")
        #expect(difference.mean.allSatisfy { abs($0) < 0.05 }, "\(name): mean difference per channel \(difference.mean)")
    }

    /// Full range (MJPEG decodes to yuvj420p: the planes stay full range, the JPEG-range
    /// coefficients apply) and a BT.709-tagged stream (its matrix, not BT.601).
    @Test func fullRangeAndBT709FramesMatchFFmpegsTwoSteps() throws {
        let mjpeg = try TestClips.path(try #require(TestClips.recipes.first { $0.name == "mjpeg.avi" }))
        let full = try Self.compare(mjpeg, width: 160, planes: "yuvj420p")
        #expect(full.count > 0 && full.maximum == [0, 0, 0], "mjpeg.avi: max |difference| \(full.maximum)")
        let bt709 = TestClips.scratch("bt709").appendingPathComponent("bt709.mp4").path
        try FFmpegTool.run("ffmpeg", ["-v", "error", "-nostdin", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=10", "-t", "2",
                                      "-c:v", "libx264", "-pix_fmt", "yuv420p", "-colorspace", "bt709", "-color_primaries", "bt709",
                                      "-color_trc", "bt709", bt709])
        let tagged = try Self.compare(bt709, width: 160)
        #expect(tagged.count > 0 && tagged.maximum == [0, 0, 0], "bt709.mp4: max |difference| \(tagged.maximum)")
        // The BT.709 matrix matters: read as BT.601 the same planes give other colours.
        let reader = try VideoReader(path: bt709)
        var first: VideoFrame? = nil
        try reader.sample(fps: 2, size: PixelSize(width: 160, height: 120), conversion: .viaYUV420) { if first == nil { first = $0 } }
        let as601 = try Self.ffmpegFrames(bt709, indices: [0], filter: "scale=160:120:flags=bicubic,format=yuv420p,scale=160:120:in_color_matrix=bt601,format=rgb24",
                                          pixelFormat: "rgb24", frameBytes: 160 * 120 * 3)
        var wrong = Difference()
        wrong.add(try #require(first).rgb, try #require(as601.first))
        #expect(wrong.maximum.max() ?? 0 > 4, "BT.601 and BT.709 readings differ by \(wrong.maximum)")
    }

    /// The yuv420p planes libswscale gives arrcoc are the command line's `scale=W:H` output,
    /// byte for byte (the decode floor's own work).
    @Test(arguments: ["cockatoo.mp4", "vtest.avi"])
    func planesMatchFFmpegsScale(_ name: String) throws {
        let path = try Samples.path(name)
        let converter = FrameConverter(conversion: .viaYUV420)
        var indices: [Int] = []
        var planes: [[UInt8]] = []
        try VideoReader(path: path).sampleDecoded(fps: 2, size: PixelSize(width: 800, height: 448)) { decoded in
            guard planes.count < 4 else { return }
            _ = try decoded.converted(with: converter)
            indices.append(decoded.sourceIndex)
            planes.append(converter.lastPlanes)
        }
        let theirs = try Self.ffmpegFrames(path, indices: indices, filter: "scale=800:448:flags=bicubic,format=yuv420p",
                                           pixelFormat: "yuv420p", frameBytes: 800 * 448 * 3 / 2)
        #expect(theirs.count == planes.count)
        let identical = zip(planes, theirs).map { $0 == $1 }
        #expect(identical.allSatisfy { $0 }, "\(name): frames \(indices) identical: \(identical)")
    }

    @Test func fullRangeSourceUsesTheJPEGRangeFormula() throws {
        // limited: Y 16 → 0, Y 235 → 255; full: Y 0 → 0, Y 255 → 255, grey chroma.
        let limited = YUVToRGB(inverseTable: (104597, 132201, 25675, 53279), fullRange: false)
        let full = YUVToRGB(inverseTable: (104597, 132201, 25675, 53279), fullRange: true)
        var y: [UInt8] = [16, 235, 0, 255] + [UInt8](repeating: 128, count: 12)
        var chroma = [UInt8](repeating: 128, count: 8)
        var out = [UInt8](repeating: 0, count: 16 * 3)
        func run(_ c: YUVToRGB) -> [UInt8] {
            y.withUnsafeMutableBufferPointer { yp in chroma.withUnsafeMutableBufferPointer { cp in out.withUnsafeMutableBufferPointer { op in
                c.convert(y: yp.baseAddress!, yStride: 16, u: cp.baseAddress!, v: cp.baseAddress!, chromaStride: 8, width: 16, rows: 0..<1, into: op.baseAddress!)
            } } }
            return out
        }
        let l = run(limited), f = run(full)
        #expect(Array(l[0..<12]) == [0, 0, 0, 255, 255, 255, 0, 0, 0, 255, 255, 255])
        #expect(Array(f[0..<12]) == [16, 16, 16, 235, 235, 235, 0, 0, 0, 255, 255, 255])
    }
}
