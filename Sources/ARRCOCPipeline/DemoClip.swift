import ARRCOC
import Foundation
import VideoDecoding

/// The demo's material, made once and cached in `CacheDirectory.generated`: a background video
/// (the sample cockatoo.mp4, or a clip generated on the spot when no sample is there), a needle
/// cropped from *another* real video (Big Buck Bunny's bunny; the built-in checkerboard only
/// when that sample is missing), and the needle-in-a-haystack clip with its truth.
public enum DemoClip {
    /// The demo's haystack: the clip, its needle image (the query) and the truth.
    public struct Haystack: Sendable {
        public var clip: String
        public var needle: String
        public var truth: Truth
        /// Where the needle came from, for people ("bigbuckbunny.mp4 at 3 s, cropped").
        public var needleOrigin: String
    }

    /// The cached cockatoo.mp4, or a generated clip when it is missing.
    public static func background(progress: @escaping ProgressHandler = { _ in }) throws -> String {
        let sample = CacheDirectory.samples.appendingPathComponent("cockatoo.mp4").path
        if FileManager.default.fileExists(atPath: sample) { return sample }
        let generated = CacheDirectory.generated.appendingPathComponent("demo-v1.mp4").path
        if FileManager.default.fileExists(atPath: generated) { return generated }
        progress(.note("cockatoo.mp4 is not in \(CacheDirectory.samples.path); generating a demo clip with arrcoc's encoder"))
        do {
            try FileManager.default.createDirectory(at: CacheDirectory.generated, withIntermediateDirectories: true)
            try SyntheticClip.write(to: generated, size: PixelSize(width: 640, height: 360), fps: 25, seconds: 12)
        } catch {
            throw PipelineError.noDemoVideo(reason: error.localizedDescription)
        }
        return generated
    }

    /// The needle: the bunny of bigbuckbunny.mp4 at 3 s (a 480×320 crop), or the checkerboard.
    public static func needle() throws -> (path: String, origin: String) {
        let dir = CacheDirectory.generated
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let bunny = CacheDirectory.samples.appendingPathComponent("bigbuckbunny.mp4").path
        guard FileManager.default.fileExists(atPath: bunny) else {
            let path = dir.appendingPathComponent("demo-needle-v1.png").path
            if !FileManager.default.fileExists(atPath: path) {
                try PNGWriter.write(VideoFrame(time: 0, target: 0, sourceIndex: 0, size: PixelSize(width: 128, height: 128),
                                               rgb: BuiltinNeedle.pixels(side: 128)), to: path)
            }
            return (path, "the built-in checkerboard (bigbuckbunny.mp4 is not in \(CacheDirectory.samples.path))")
        }
        let path = dir.appendingPathComponent("demo-needle-bunny-v2.png").path
        let origin = "bigbuckbunny.mp4 at 3 s, cropped to 480×320"
        if FileManager.default.fileExists(atPath: path) { return (path, origin) }
        var frame: VideoFrame? = nil
        try VideoReader(path: bunny).fetch(times: [3]) { frame = $0 }
        guard let frame, frame.size.width >= 630, frame.size.height >= 380 else {
            throw PipelineError.noDemoVideo(reason: "\(bunny) has no 1280×720 frame at 3 s")
        }
        let (x0, y0, w, h) = (150, 60, 480, 320)
        var crop = [UInt8](repeating: 0, count: w * h * 3)
        for y in 0..<h {
            let src = ((y0 + y) * frame.size.width + x0) * 3
            crop.replaceSubrange((y * w * 3)..<((y + 1) * w * 3), with: frame.rgb[src..<(src + w * 3)])
        }
        try PNGWriter.write(VideoFrame(time: 0, target: 0, sourceIndex: 0, size: PixelSize(width: w, height: h), rgb: crop), to: path)
        return (path, origin)
    }

    /// Builds (once, cached) the haystack: the needle shown twice, still at the upper right from
    /// 20% to 35% of the clip and moving across the lower half from 60% to 78%, each time at
    /// about a sixth of the frame's width.
    public static func haystack(background: String, progress: @escaping ProgressHandler = { _ in }) throws -> Haystack {
        let dir = CacheDirectory.generated
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let (needle, origin) = try needle()
        let key = String(try SHA256.hexDigest(ofFile: background).prefix(12))
        let stem = "demo-haystack-\(key)-\(URL(fileURLWithPath: needle).deletingPathExtension().lastPathComponent)-v2"
        let clip = dir.appendingPathComponent(stem + ".mp4").path
        let truthPath = dir.appendingPathComponent(stem + ".yaml").path
        if FileManager.default.fileExists(atPath: clip), let truth = try? Truth.load(path: truthPath) {
            return Haystack(clip: clip, needle: needle, truth: truth, needleOrigin: origin)
        }
        let info = try VideoProbe.probe(path: background)
        let n = try VideoProbe.probe(path: needle, countFrames: false)
        let duration = info.durationSeconds ?? 10
        let w = 0.17, h = w * Double(info.width) / Double(info.height) * Double(n.height) / Double(n.width)
        let round = { (t: Double) in (t * 100).rounded() / 100 }
        let recipe = HaystackRecipe(events: [
            .init(startSeconds: round(duration * 0.2), endSeconds: round(duration * 0.35), box: [0.74, 0.08, w, h]),
            .init(startSeconds: round(duration * 0.6), endSeconds: round(duration * 0.78), box: [0.08, 0.55, w, h], moveTo: [0.5, 0.6]),
        ])
        progress(.note("building the demo haystack from \(URL(fileURLWithPath: background).lastPathComponent) and \(origin) (once; cached in \(dir.path))"))
        var truth = try HaystackBuilder.build(background: background, needle: needle, recipe: recipe, output: clip, progress: progress)
        truth.video = clip
        try AtomicWrite.write(Data(try truth.relativizingPaths(to: dir.path).yaml().utf8), to: truthPath)
        return Haystack(clip: clip, needle: needle, truth: truth, needleOrigin: origin)
    }
}
