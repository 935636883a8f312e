import ARRCOC
import Foundation
import Testing
import TestSupport

/// The core compresses frames handed in by any `FrameSource`: synthetic frames held in memory go
/// through analysis and compression without a file or FFmpeg (Docs/library.md shows this code).
@Suite struct FrameSourceTests {
    static let width = 320, height = 192, fps = 5.0, seconds = 8
    /// When the needle is in the frames.
    static let needleShown = 3.0...5.0

    /// A 64×64 checkerboard of saturated colours.
    static let needle: RGBImage = {
        let side = 64
        let colours: [[UInt8]] = [[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 0]]
        var pixels: [UInt8] = []
        for y in 0..<side {
            for x in 0..<side { pixels += colours[(y / 16 + x / 16) % 2 * 2 + (y / 32) % 2] }
        }
        return RGBImage(width: side, height: side, pixels: pixels)
    }()

    /// A slowly drifting grey gradient with noise; the needle pasted at (224, 32) while shown.
    static let frames: [RGBImage] = {
        var random = SeededGenerator(seed: 8)
        return (0..<(seconds * Int(fps))).map { i in
            let t = Double(i) / fps
            var pixels = [UInt8](repeating: 0, count: width * height * 3)
            for y in 0..<height {
                for x in 0..<width {
                    let base = 60 + (x + y + i) % 100
                    for c in 0..<3 { pixels[(y * width + x) * 3 + c] = UInt8(base + Int(random.next() % 24) + c * 10) }
                }
            }
            if needleShown.contains(t) {
                for y in 0..<needle.height {
                    let dst = ((32 + y) * width + 224) * 3
                    pixels.replaceSubrange(dst..<(dst + needle.width * 3), with: needle.pixels[(y * needle.width * 3)..<((y + 1) * needle.width * 3)])
                }
            }
            return RGBImage(width: width, height: height, pixels: pixels)
        }
    }()

    @Test func inMemoryFramesAreAnalysedAndCompressedWithinTheBudgetWithBlocksOnTheNeedle() throws {
        let frames = Self.frames, needle = Self.needle
        // snippet:begin usage
        let camera = InMemoryFrameSource(name: "camera", fps: 5, frames: frames)
        let config = CompressionConfig()
        // Sampled once at `analysis.candidate_fps` (2 per second).
        let features = try FeatureExtraction.analyze(camera, config: config)
        // The query: an image the app holds, as a one-frame source.
        let query = try QueryInput.image(InMemoryFrameSource(name: "needle", fps: 1, frames: [needle]),
                                         features: features, config: config)
        let result = try Compressor.compress(features: features, query: query, config: config,
                                             budget: 400, source: camera)
        // snippet:end usage

        #expect(features.frameCount == Self.seconds * 2)
        #expect(features.info.source.sha256 == camera.sha256())
        let manifest = result.manifest
        #expect(manifest.budget.used <= 400)
        #expect(manifest.budget.used == result.sequence.length)
        #expect(manifest.totals.sequenceLength == manifest.budget.used)
        #expect(!manifest.blocks.isEmpty)
        // In time order; two blocks share a time only as a whole frame followed by its zoom
        // (`allocation.zoom: follow` or `both`, Docs/engine.md).
        #expect(zip(manifest.blocks, manifest.blocks.dropFirst()).allSatisfy {
            $0.timeSeconds < $1.timeSeconds
                || ($0.timeSeconds == $1.timeSeconds && $0.region == nil && $1.region != nil && $0.frameTimes == $1.frameTimes)
        }, "\(manifest.blocks.map { ($0.timeSeconds, $0.frameTimes, $0.tokens, $0.region != nil) })")
        let best = try #require(manifest.blocks.max { $0.relevance < $1.relevance })
        #expect((Self.needleShown.lowerBound - 0.5...Self.needleShown.upperBound + 0.5).contains(best.timeSeconds),
                "most relevant block at \(best.timeSeconds) s, the needle is shown \(Self.needleShown)")
        #expect(manifest.blocks.contains { Self.needleShown.contains($0.timeSeconds) && $0.density == .dense })
    }

    @Test func inMemorySourceHandsOnOneFramePerRequestAtTheRequestedSize() throws {
        let source = InMemoryFrameSource(name: "camera", fps: Self.fps, frames: Array(Self.frames.prefix(20)))
        let requests = [PixelRequest(time: 0, width: 64, height: 32), PixelRequest(time: 1.5, width: 96, height: 64)]
        var sizes: [[Int]] = []
        try source.frames(requests) { sizes.append([$0.width, $0.height]) }
        #expect(sizes == [[64, 32], [96, 64]])
        var times: [Double] = []
        try source.sample(fps: 1, width: 32, height: 32) { time, _ in times.append(time) }
        #expect(times == [0, 1, 2, 3])
    }
}
