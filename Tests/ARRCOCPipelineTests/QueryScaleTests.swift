import ARRCOC
import ARRCOCPipeline
import Foundation
import Testing
import TestSupport

/// A needle shown at about its query image's own size must be found: the query image is
/// described on grids of 1, 4, 9 … up to `query.image_cells` cells and each grid is slid over
/// the frames, so the largest grid must reach the cells such a needle covers.
///
/// The case that showed it (held-vtest-cockatoo of the real-needles sweep): cockatoo.mp4's eye,
/// a 192-px crop, shown at 1.25× (240 px, about 8×8 cells at the analysis size) over vtest.avi's
/// pedestrians. With grids of at most 3×3 cells (`image_cells: 9`, the default until 2026-11-26)
/// the needle's frames were no more relevant than the rest (peakedness 0.05); with the default
/// they stand out.
@Suite(.serialized) struct QueryScaleTests {
    struct Fixture: Sendable {
        let features: FeatureSet
        let query: String
        let event: ClosedRange<Double>
    }

    static let fixture: Result<Fixture, Error> = Result {
        let dir = TestClips.scratch("query-scale")
        let query = dir.appendingPathComponent("cockatoo.query.png").path
        try ExploreExploitTests.crop("cockatoo.mp4", time: 5, x: 1010, y: 90, w: 192, h: 192, brightness: 1.0, to: query)
        // 12 s of vtest's pedestrians cut to 768×432 as the real-needles backgrounds are, the eye
        // at 240 px from 6 to 8 s.
        let background = dir.appendingPathComponent("vtest-12s.mp4").path
        try FFmpegTool.run("ffmpeg", ["-v", "error", "-nostdin", "-y", "-ss", "10", "-t", "12", "-i", try Samples.path("vtest.avi"),
                                      "-vf", "crop=768:432", "-an", "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p", background])
        let clip = dir.appendingPathComponent("vtest-cockatoo.mp4").path
        let w = 240.0 / 768, h = 240.0 / 432
        let recipe = HaystackRecipe(events: [.init(startSeconds: 6, endSeconds: 8, box: [0.34, 0.185, w, h])])
        _ = try HaystackBuilder.build(background: background, needle: query, recipe: recipe, output: clip)
        return Fixture(features: try Engine().analyze(video: clip), query: query, event: 6...8)
    }

    /// The frames' similarity to the query (the mean of each frame's best cells' template match,
    /// before any blending with salience) on the needle's frames and elsewhere, and the peakedness,
    /// with the query image described up to `imageCells` cells.
    static func scores(imageCells: Int?) throws -> (inside: [Double], outside: [Double], peakedness: Double) {
        let f = try fixture.get()
        var config = CompressionConfig()
        if let imageCells { config.query.imageCells = imageCells }
        let query = try Engine(config: config).query(image: f.query, features: f.features).query
        let scores = try OpponentProcessingScorer(config: config.scoring).score(f.features, query: query)
        let times = f.features.times
        return (times.indices.filter { f.event.contains(times[$0]) }.map { scores.frameSimilarity[$0] },
                times.indices.filter { !f.event.contains(times[$0]) }.map { scores.frameSimilarity[$0] }, scores.peakedness)
    }

    /// Measured: the event's frames 0.66, every other frame at most 0.62; peakedness 0.28.
    @Test func aNeedleAtItsQuerysOwnSizeStandsOut() throws {
        let s = try Self.scores(imageCells: nil)
        let weakest = s.inside.min() ?? 0, best = s.outside.max() ?? 1
        #expect(weakest > best + 0.02, "needle's frames \(s.inside), the best other frame \(best)")
        #expect(s.peakedness > 0.2, "peakedness \(s.peakedness)")
    }

    /// The same clip with the old largest grid, 3×3 cells: the needle's frames read like the rest
    /// (measured: 0.55–0.62 against up to 0.62; peakedness 0.05). Shows that the test above can fail.
    @Test func withGridsOfAtMostThreeByThreeCellsItDoesNot() throws {
        let s = try Self.scores(imageCells: 9)
        let mean = s.inside.reduce(0, +) / Double(max(s.inside.count, 1)), best = s.outside.max() ?? 1
        #expect(mean <= best, "needle's frames \(s.inside), the best other frame \(best)")
        #expect(s.peakedness < 0.1, "peakedness \(s.peakedness)")
    }
}
