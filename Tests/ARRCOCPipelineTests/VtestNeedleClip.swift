import ARRCOC
import ARRCOCPipeline
import Foundation
import Testing
import TestSupport

/// A needle cropped from a sample video, pasted on 12 s of vtest.avi's pedestrians (10–22 s, cut
/// to 768×432 as the real-needles backgrounds are) and analysed: the clip of the tests of how a
/// query image is matched (`QueryScaleTests`, `ShiftedGridTests`).
struct VtestNeedleClip: Sendable {
    let features: FeatureSet
    let query: String
    let event: ClosedRange<Double>

    /// The crop (`sample` at `time`, `w × h` px from (`x`, `y`)) pasted at `box` during `event`.
    static func make(
        name: String, sample: String, time: Double, x: Int, y: Int, w: Int, h: Int, box: [Double], event: ClosedRange<Double>
    ) throws -> VtestNeedleClip {
        let dir = TestClips.scratch(name)
        let query = dir.appendingPathComponent("\(name).query.png").path
        try ExploreExploitTests.crop(sample, time: time, x: x, y: y, w: w, h: h, brightness: 1.0, to: query)
        let background = dir.appendingPathComponent("vtest-12s.mp4").path
        try FFmpegTool.run("ffmpeg", ["-v", "error", "-nostdin", "-y", "-ss", "10", "-t", "12", "-i", try Samples.path("vtest.avi"),
                                      "-vf", "crop=768:432", "-an", "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p", background])
        let clip = dir.appendingPathComponent("\(name).mp4").path
        let recipe = HaystackRecipe(events: [.init(startSeconds: event.lowerBound, endSeconds: event.upperBound, box: box)])
        _ = try HaystackBuilder.build(background: background, needle: query, recipe: recipe, output: clip)
        return VtestNeedleClip(features: try Engine().analyze(video: clip), query: query, event: event)
    }

    /// The frames' similarity to the query (the mean of each frame's best cells' template match,
    /// before any blending with salience) on the needle's frames and elsewhere, and the
    /// peakedness, with the query image described as `configure` sets `query`.
    func scores(_ configure: (inout CompressionConfig.QuerySettings) -> Void) throws -> (inside: [Double], outside: [Double], peakedness: Double) {
        var config = CompressionConfig()
        configure(&config.query)
        let query = try Engine(config: config).query(image: self.query, features: features).query
        let scores = try OpponentProcessingScorer(config: config.scoring).score(features, query: query)
        let times = features.times
        return (times.indices.filter { event.contains(times[$0]) }.map { scores.frameSimilarity[$0] },
                times.indices.filter { !event.contains(times[$0]) }.map { scores.frameSimilarity[$0] }, scores.peakedness)
    }
}
