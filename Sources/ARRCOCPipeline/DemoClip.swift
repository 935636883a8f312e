import ARRCOC
import Foundation
import VideoDecoding

/// The demo's material: the background video (a real sample, or a clip generated on the spot
/// when no sample is there) and the needle-in-a-haystack clip built from it, cached.
public enum DemoClip {
    /// The demo's haystack: the clip, its needle image and when the needle is shown.
    public struct Haystack: Sendable {
        public var clip: String
        public var needle: String
        public var interval: ClosedRange<Double>
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
            let staged = generated + ".\(ProcessInfo.processInfo.processIdentifier).tmp.mp4"
            try SyntheticClip.write(to: staged, size: PixelSize(width: 640, height: 360), fps: 25, seconds: 12)
            guard rename(staged, generated) == 0 else { throw OutputError.unwritable(path: generated, reason: String(cString: strerror(errno))) }
        } catch {
            throw PipelineError.noDemoVideo(reason: error.localizedDescription)
        }
        return generated
    }

    /// Builds (once, cached) the background with the built-in needle pasted from 40% to 60% of
    /// its length at the upper right, re-encoded with `VideoEncoder`.
    public static func haystack(background: String, progress: @escaping ProgressHandler = { _ in }) throws -> Haystack {
        let dir = CacheDirectory.generated
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let key = String(try SHA256.hexDigest(ofFile: background).prefix(12))
        let clip = dir.appendingPathComponent("demo-haystack-\(key)-v1.mp4").path
        let needlePath = dir.appendingPathComponent("demo-needle-v1.png").path
        let info = try VideoProbe.probe(path: background)
        let duration = info.durationSeconds ?? 10
        let interval = (duration * 0.4)...(duration * 0.6)
        let side = max(32, (min(info.width, info.height) / 5) & ~1)
        let needle = BuiltinNeedle.pixels(side: side)
        if !FileManager.default.fileExists(atPath: needlePath) {
            try PNGWriter.write(VideoFrame(time: 0, target: 0, sourceIndex: 0, size: PixelSize(width: side, height: side), rgb: needle), to: needlePath)
        }
        if FileManager.default.fileExists(atPath: clip) { return Haystack(clip: clip, needle: needlePath, interval: interval) }
        progress(.note("building the demo haystack from \(URL(fileURLWithPath: background).lastPathComponent) (once; cached in \(dir.path))"))
        let size = PixelSize(width: info.width & ~1, height: info.height & ~1)
        let fps = max(1, Int(info.fps.rounded()))
        let staged = clip + ".\(ProcessInfo.processInfo.processIdentifier).tmp.mp4"
        let encoder = try VideoEncoder(path: staged, size: size, fps: fps)
        let x0 = size.width - side - size.width / 10, y0 = size.height / 8
        try VideoReader(path: background).sample(fps: Double(fps), size: size) { frame in
            var rgb = frame.rgb
            if interval.contains(frame.time) {
                for y in 0..<side {
                    let dst = ((y0 + y) * size.width + x0) * 3
                    rgb.replaceSubrange(dst..<(dst + side * 3), with: needle[(y * side * 3)..<((y + 1) * side * 3)])
                }
            }
            try encoder.append(rgb: rgb)
        }
        try encoder.finish()
        guard rename(staged, clip) == 0 else { throw OutputError.unwritable(path: clip, reason: String(cString: strerror(errno))) }
        return Haystack(clip: clip, needle: needlePath, interval: interval)
    }
}
