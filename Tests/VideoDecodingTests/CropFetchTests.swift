import Foundation
import Testing
import TestSupport
@testable import VideoDecoding

/// Crops (zoom blocks): cut from the full-resolution frame, then resized; the whole-frame path
/// unchanged.
@Suite struct CropFetchTests {
    /// Streaming (no seek): a first request that seeks from the very start of cockatoo.mp4 was
    /// measured to give slightly different pixels from run to run (the seek path, crop or not),
    /// which would make byte comparisons between fetches flaky.
    static func fetch(_ path: String, _ requests: [FrameRequest]) throws -> [VideoFrame] {
        var frames: [VideoFrame] = []
        try VideoReader(path: path).fetch(requests, strategy: .stream) { frames.append($0) }
        return frames
    }

    @Test func aCropAtItsOwnSizeIsThoseFullResolutionPixels() throws {
        let path = try Samples.path("cockatoo.mp4")
        let crop = FrameCrop(x: 0.25, y: 0.5, width: 0.5, height: 0.25)  // 320…960 × 360…540 of 1280×720
        let frames = try Self.fetch(path, [FrameRequest(time: 2, size: nil), FrameRequest(time: 2, size: nil, crop: crop)])
        #expect(frames.count == 2)
        let full = frames[0], cut = frames[1]
        #expect(full.size == PixelSize(width: 1280, height: 720))
        #expect(cut.size == PixelSize(width: 640, height: 180))
        var expected: [UInt8] = []
        for row in 360..<540 { expected += full.rgb[((row * 1280 + 320) * 3)..<((row * 1280 + 960) * 3)] }
        let difference = zip(expected, cut.rgb).map { abs(Int($0) - Int($1)) }
        #expect(expected.count == cut.rgb.count)
        #expect((difference.max() ?? 255) <= 1, "an unscaled crop should copy the pixels")
    }

    @Test func aScaledCropIsTheCropResizedNotTheFrame() throws {
        let path = try Samples.path("cockatoo.mp4")
        let crop = FrameCrop(x: 0.5, y: 0, width: 0.25, height: 0.25)
        let size = PixelSize(width: 64, height: 32)
        let frames = try Self.fetch(path, [FrameRequest(time: 5, size: size), FrameRequest(time: 5, size: size, crop: crop)])
        #expect(frames[1].size == size && frames[1].rgb.count == 64 * 32 * 3)
        #expect(frames[0].rgb != frames[1].rgb)
        // Whole-frame requests are unchanged by the crop path (same bytes as a fetch without any crop).
        let plain = try Self.fetch(path, [FrameRequest(time: 5, size: size)])
        #expect(plain[0].rgb == frames[0].rgb)
    }

    @Test(arguments: [FrameCrop(x: 0.8, y: 0, width: 0.3, height: 0.5), FrameCrop(x: 0, y: 0, width: 0, height: 0.5),
                      FrameCrop(x: -0.1, y: 0, width: 0.5, height: 0.5), FrameCrop(x: .nan, y: 0, width: 0.5, height: 0.5)])
    func aCropOutsideTheFrameIsAnErrorNamingIt(_ crop: FrameCrop) throws {
        let path = try Samples.path("cockatoo.mp4")
        #expect {
            try Self.fetch(path, [FrameRequest(time: 1, size: nil, crop: crop)])
        } throws: { error in
            guard case .invalidCrop(_, 0)? = error as? VideoError else { return false }
            return (error as? VideoError)?.errorDescription?.contains("not a rectangle inside the frame") == true
        }
    }
}
