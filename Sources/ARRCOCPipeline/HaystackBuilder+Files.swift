import ARRCOC
import Foundation
import VideoDecoding

extension HaystackBuilder {
    /// When the needle appears.
    public enum Events: Sendable {
        /// `count` non-overlapping events drawn from `seed` (`HaystackRecipe.random`).
        case random(count: Int, duration: ClosedRange<Double>, scale: ClosedRange<Double>, moving: Bool, seed: UInt64)
        /// Explicit events: start, end (seconds), box corner x, y and width (0…1); the height
        /// follows from the needle's aspect ratio.
        case explicit([(start: Double, end: Double, x: Double, y: Double, width: Double)])
    }

    /// `arrcoc haystack` as a library call: builds the clip for `events` and writes it to `clip`
    /// and its truth to `truth`, both staged (never over an input; an existing output replaced
    /// only with `force` and only when arrcoc wrote it). `needle` is an image or video path, or
    /// `builtin` (the checkerboard, copied beside the clip as the query image).
    public static func make(
        background: String, needle: String, events: Events, clip: String, truth: String, force: Bool = false,
        progress: @escaping ProgressHandler = { _ in }
    ) throws -> Truth {
        let needlePath = needle == "builtin" ? try builtinNeedle(in: CacheDirectory.generated) : needle
        let info = try VideoProbe.probe(path: background)
        let needleInfo = try VideoProbe.probe(path: needlePath, countFrames: false)
        guard info.width > 0, info.height > 0, needleInfo.width > 0, needleInfo.height > 0 else {
            let path = info.width > 0 && info.height > 0 ? needlePath : background
            throw FormatError.malformed(path: path, format: "video or image", reason: "no picture size")
        }
        let duration = info.durationSeconds ?? 10
        try Limit.durationSeconds.check(duration, in: background, what: "duration")
        let needleAspect = Double(needleInfo.height) / Double(needleInfo.width)
        let frameAspect = Double(info.width) / Double(info.height)
        let recipe: HaystackRecipe
        switch events {
        case let .random(count, eventDuration, scale, moving, seed):
            recipe = try HaystackRecipe.random(duration: duration, count: count, eventDuration: eventDuration, scale: scale,
                                           needleAspect: needleAspect, frameAspect: frameAspect, moving: moving, seed: seed)
        case let .explicit(list):
            // An event the clip does not reach would be truth no strategy can find.
            for (i, e) in list.enumerated() where !(e.start >= 0 && e.start < e.end && e.end <= duration + 1e-6) {
                throw ConfigError.outOfRange(key: "--event \(i + 1)", value: "\(e.start)–\(e.end) s",
                                             expected: "0 ≤ start < end ≤ \(duration) s, the background's duration")
            }
            recipe = HaystackRecipe(events: list.map { e in
                let h = min(1 - e.y, e.width * frameAspect * needleAspect)
                return .init(startSeconds: e.start, endSeconds: e.end, box: [e.x, e.y, e.width, h])
            })
        }
        // A clip needle's query image (its first frame) is an output too: staged, never over a
        // user's file; replaced (with `force`) only when it holds exactly what arrcoc writes now.
        let queryPath = (clip as NSString).deletingPathExtension + ".query.png"
        let needleIsClip = needle != "builtin" && (needleInfo.frameCount ?? 1) > 1
        // The built-in needle is copied beside the clip once; a file of that name that is not it
        // would become the truth's query, so it stops the run before any work.
        let beside = URL(fileURLWithPath: clip).deletingLastPathComponent().appendingPathComponent(URL(fileURLWithPath: needlePath).lastPathComponent).path
        if needle == "builtin", FileManager.default.fileExists(atPath: beside),
           FileManager.default.contents(atPath: beside) != FileManager.default.contents(atPath: needlePath) {
            throw OutputError.unwritable(path: beside, reason: "a different file of that name is there, and the truth file would name it as "
                                         + "the built-in needle's query image; move it, or write the clip to another folder")
        }
        try StagedOutput.checkSeparate((truth, "--truth \(truth)"), from: (clip, "--out \(clip)"), otherIsDirectory: false)
        if needleIsClip {
            try StagedOutput.checkSeparate((truth, "--truth \(truth)"), from: (queryPath, "the clip needle's query image \(queryPath)"),
                                           otherIsDirectory: false)
            // Found now, not when the query image is renamed into place after the whole clip.
            guard URL(fileURLWithPath: queryPath).lastPathComponent.utf8.count <= 255 else {
                throw ConfigError.invalidValue(key: "--out", value: clip, expected: "a name whose stem is at most 245 bytes (the clip "
                                                   + "needle's query image beside it is STEM.query.png)")
            }
        }
        if needle == "builtin" {
            try StagedOutput.checkSeparate((truth, "--truth \(truth)"), from: (beside, "the built-in needle's copy \(beside)"), otherIsDirectory: false)
        }
        let clipOutput = try StagedOutput(path: clip, kind: .haystackClip, force: force, inputs: [background, needle])
        let truthOutput = try StagedOutput(path: truth, kind: .truthFile, force: force, inputs: [background, needle])
        // The clip's container follows its extension; one that cannot hold H.264 or MPEG-4 video
        // would fail only after the whole clip was decoded and pasted. (Checked after the outputs'
        // own checks, so that an output that is an input is named as such.)
        let containers = ["mp4", "m4v", "mov", "mkv", "avi"]
        guard containers.contains(URL(fileURLWithPath: clip).pathExtension.lowercased()) else {
            throw ConfigError.invalidValue(key: "--out", value: clip, expected: "a clip name ending in .\(containers.joined(separator: ", ."))")
        }
        let queryPNG = needleIsClip ? try firstFramePNG(needlePath) : nil
        let queryOutput = try queryPNG.map {
            try StagedOutput(path: queryPath, kind: .queryImage($0), force: force, inputs: [background, needle, clip, truth])
        }
        var value = try build(background: background, needle: needlePath, recipe: recipe, output: clipOutput.staging.path,
                              queryPath: queryOutput?.staging.path ?? queryPath, queryPNG: queryPNG, progress: progress)
        value.video = clip
        if let queryOutput {
            value.query = queryPath
            try queryOutput.commit()
        }
        try clipOutput.commit()
        if needle == "builtin" {
            // The query image beside the clip (written once, never replaced).
            value.query = beside
            if !FileManager.default.fileExists(atPath: beside) { try FileManager.default.copyItem(atPath: needlePath, toPath: beside) }
        }
        let folder = URL(fileURLWithPath: truth).deletingLastPathComponent().path
        try Data(try value.relativizingPaths(to: folder).yaml().utf8).write(to: truthOutput.staging)
        try truthOutput.commit()
        return value
    }

    /// The PNG of a clip needle's first frame, as `build` writes it for the query image.
    static func firstFramePNG(_ needle: String) throws -> Data {
        var first: VideoFrame? = nil
        try VideoReader(path: needle).fetch(times: [0]) { first = $0 }
        guard let first else { throw FormatError.malformed(path: needle, format: "video", reason: "no first frame") }
        return try PNGWriter.encode(first, path: needle)
    }
}
