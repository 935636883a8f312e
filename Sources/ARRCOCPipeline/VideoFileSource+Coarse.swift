import ARRCOC
import Foundation
import VideoDecoding

/// The passes of coarse-to-fine analysis over a video file (`VideoReader`'s keyframe index,
/// keyframe-only decoding, low-rate sampling and a seeking fetch).
extension VideoFileSource: CoarseFrameSource {
    public func keyframeTimes() throws -> [Double]? {
        let index = try VideoReader(path: path).keyframeIndex()
        return index.times.isEmpty ? nil : index.times
    }

    public func sampleKeyframes(minimumSpacing: Double, width: Int, height: Int,
                                _ body: (Double, PendingImage) throws -> Void) throws {
        let converter = FrameConverter(conversion: .viaYUV420)
        try VideoReader(path: path).sampleKeyframes(minimumSpacing: minimumSpacing, size: PixelSize(width: width, height: height)) { decoded in
            try body(decoded.time, Self.pending(decoded, converter))
        }
    }

    public func sampleLowRate(fps: Double, width: Int, height: Int, _ body: (Double, PendingImage) throws -> Void) throws {
        let converter = FrameConverter(conversion: .viaYUV420)
        try VideoReader(path: path).sampleDecodedSkippingNonReference(fps: fps, size: PixelSize(width: width, height: height)) { decoded in
            try body(decoded.time, Self.pending(decoded, converter))
        }
    }

    /// Seeks (`FetchStrategy.automatic`) to the keyframe before each stretch of `times` that
    /// lies beyond what was read, so that windows far apart cost only their own GOPs. A seek
    /// whose frames decode with errors before serving anything (a wrong sync-sample index, as in
    /// cockatoo.mp4) makes the pass rewind and stream from the start instead: the frames are then
    /// exactly a streamed decode's. Returns how many seeks fell back so.
    @discardableResult
    public func sampleTimes(_ times: [Double], width: Int, height: Int, _ body: (Double, PendingImage) throws -> Void) throws -> Int {
        let size = PixelSize(width: width, height: height)
        var lastIndex = -1
        let requests = times.map { FrameRequest(time: $0, size: size, conversion: .viaYUV420) }
        let report = try VideoReader(path: path).fetch(requests, strategy: .automatic) { frame in
            guard frame.sourceIndex != lastIndex else { return }  // one frame nearest to two times
            lastIndex = frame.sourceIndex
            let image = RGBImage(width: frame.size.width, height: frame.size.height, pixels: frame.rgb)
            try body(frame.time, PendingImage { image })
        }
        return report.seekFallbacks
    }

    /// This source, its `frames(_:)` seeking to the keyframe before each chosen frame that lies
    /// beyond what was read (`FetchStrategy.automatic`) instead of decoding the whole video: what
    /// coarse-to-fine compression emits from, so that no step decodes every frame. It trusts the
    /// container's index, as the fine pass does.
    public func seekingToFrames() -> VideoFileSource {
        var copy = self
        copy.fetchStrategy = .automatic
        return copy
    }

    private static func pending(_ decoded: DecodedFrame, _ converter: FrameConverter) -> PendingImage {
        PendingImage {
            let frame = try decoded.converted(with: converter)
            return RGBImage(width: frame.size.width, height: frame.size.height, pixels: frame.rgb)
        }
    }
}
