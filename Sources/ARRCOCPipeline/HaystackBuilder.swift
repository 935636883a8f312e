import ARRCOC
import Foundation
import VideoDecoding

/// Builds needle-in-a-haystack clips: the needle's pixels really are in the video (pasted into
/// decoded background frames, re-encoded with libavcodec), so every selector can see it.
public enum HaystackBuilder {
    /// Writes the clip for `recipe` to `output` and returns its truth (query = `needle`, or for a
    /// clip needle a PNG of its first frame, written to `queryPath`, default beside the output;
    /// `queryPNG` is that PNG when the caller already has it, `firstFramePNG(needle)`).
    public static func build(
        background: String, needle: String, recipe: HaystackRecipe, output: String, queryPath: String? = nil, queryPNG: Data? = nil,
        progress: @escaping ProgressHandler = { _ in }
    ) throws -> Truth {
        let info = try VideoProbe.probe(path: background)
        let size = PixelSize(width: max(2, info.width & ~1), height: max(2, info.height & ~1))
        let fps = max(1, Int(info.fps.rounded()))
        // A box under 2 px would paste a 2-px needle while the truth records a box of nothing.
        for (i, e) in recipe.events.enumerated() {
            let w = e.box[2] * Double(size.width), h = e.box[3] * Double(size.height)
            guard w >= 2, h >= 2 else {
                throw ConfigError.outOfRange(key: "event \(i + 1)'s box", value: String(format: "%.2fx%.2f px", w, h),
                                             expected: "a needle of at least 2x2 px on this \(size.width)x\(size.height) background "
                                                 + "(a larger --scale or --event width, or a sweep haystack's scale)")
            }
        }
        // Needle frames per event at the event's box size (FFmpeg scales them, bicubic).
        var needleFrames: [[[UInt8]]] = []
        var boxSizes: [PixelSize] = []
        for e in recipe.events {
            let box = PixelSize(width: max(2, Int(e.box[2] * Double(size.width))), height: max(2, Int(e.box[3] * Double(size.height))))
            var frames: [[UInt8]] = []
            try VideoReader(path: needle).sample(fps: Double(fps), size: box) { frames.append($0.rgb) }
            guard !frames.isEmpty else { throw VideoError.unreadableData(path: needle, reason: "no needle frame") }
            needleFrames.append(frames)
            boxSizes.append(box)
        }
        let encoder = try VideoEncoder(path: output, size: size, fps: fps)
        progress(.started(task: "haystack \(URL(fileURLWithPath: output).lastPathComponent)", total: info.frameCount))
        var index = 0
        try VideoReader(path: background).sample(fps: Double(fps), size: size) { frame in
            var rgb = frame.rgb
            let t = Double(index) / Double(fps)  // the encoder's timeline
            for (k, e) in recipe.events.enumerated() where t >= e.startSeconds && t <= e.endSeconds {
                let b = e.box(at: t)
                let box = boxSizes[k]
                let frames = needleFrames[k]
                let pixels = frames[Int(((t - e.startSeconds) * Double(fps)).rounded()) % frames.count]
                let x0 = min(size.width - box.width, max(0, Int(b[0] * Double(size.width))))
                let y0 = min(size.height - box.height, max(0, Int(b[1] * Double(size.height))))
                for y in 0..<box.height {
                    let dst = ((y0 + y) * size.width + x0) * 3
                    rgb.replaceSubrange(dst..<(dst + box.width * 3), with: pixels[(y * box.width * 3)..<((y + 1) * box.width * 3)])
                }
            }
            try encoder.append(rgb: rgb)
            index += 1
            progress(.advanced(done: index))
        }
        try encoder.finish()
        progress(.finished)
        var query = needle
        if try VideoProbe.probe(path: needle, countFrames: false).frameCount ?? 1 > 1 {
            query = queryPath ?? (output as NSString).deletingPathExtension + ".query.png"
            try AtomicWrite.write(try queryPNG ?? firstFramePNG(needle), to: query)
        }
        return Truth(video: output, query: query, events: recipe.events.map(\.truthEvent))
    }

    /// The built-in needle: a checkerboard of saturated colours (`BuiltinNeedle`) as a PNG.
    public static func builtinNeedle(in directory: URL) throws -> String {
        let path = directory.appendingPathComponent("needle-builtin-v1.png").path
        if !FileManager.default.fileExists(atPath: path) {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try PNGWriter.write(VideoFrame(time: 0, target: 0, sourceIndex: 0, size: PixelSize(width: 128, height: 128),
                                           rgb: BuiltinNeedle.pixels(side: 128)), to: path)
        }
        return path
    }
}
