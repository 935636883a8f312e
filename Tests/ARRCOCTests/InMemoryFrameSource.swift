import ARRCOC
import Foundation

// snippet:begin source
/// Frames an app already holds (camera buffers, renders, a decoder of its own) as a
/// `FrameSource`: no file, no FFmpeg.
struct InMemoryFrameSource: FrameSource {
    var name: String
    /// Frames per second of `frames`.
    var fps: Double
    /// In time order, all of one size; at least one.
    var frames: [RGBImage]

    func metadata() -> SourceMetadata {
        SourceMetadata(path: name, durationSeconds: Double(frames.count) / fps, fps: fps,
                       width: frames[0].width, height: frames[0].height, codec: "rgb24")
    }

    /// Manifests and features files name their source by this digest.
    func sha256() -> String {
        var digest = SHA256()
        for frame in frames { digest.update(Data(frame.pixels)) }
        return digest.finalize()
    }

    /// The frame nearest each time k / fps, at the size the analysis asks for.
    func sample(fps rate: Double, width: Int, height: Int, _ body: (Double, RGBImage) throws -> Void) throws {
        let duration = Double(frames.count) / fps
        var k = 0
        while Double(k) / rate < duration {
            let index = nearestIndex(Double(k) / rate)
            try body(Double(index) / fps, Self.resized(frames[index], width: width, height: height))
            k += 1
        }
    }

    /// One frame per request, in the order given, at the size the emitter asks for (a zoom
    /// block's region cut from the whole frame first).
    func frames(_ requests: [PixelRequest], _ body: (RGBImage) throws -> Void) throws {
        for request in requests {
            let frame = frames[nearestIndex(request.time)]
            try body(Self.resized(request.region.map { frame.cropped(to: $0) } ?? frame, width: request.width, height: request.height))
        }
    }

    private func nearestIndex(_ time: Double) -> Int {
        min(frames.count - 1, max(0, Int((time * fps).rounded())))
    }

    /// Nearest-neighbour resampling: any will do (arrcoc's own decoder uses bicubic).
    static func resized(_ image: RGBImage, width: Int, height: Int) -> RGBImage {
        if image.width == width && image.height == height { return image }
        let columns = (0..<width).map { $0 * image.width / width * 3 }
        var pixels: [UInt8] = []
        pixels.reserveCapacity(width * height * 3)
        for y in 0..<height {
            let row = image.pixels[(y * image.height / height * image.width * 3)...]
            for x in columns { pixels += row[(row.startIndex + x)..<(row.startIndex + x + 3)] }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }
}
// snippet:end source
