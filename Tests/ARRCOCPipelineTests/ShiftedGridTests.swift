@testable import ARRCOC
import ARRCOCPipeline
import Foundation
import Testing
import TestSupport

/// A needle off the video's 32-px cell grid must be found: each query grid is also matched
/// shifted by multiples of a quarter cell across, down and both (`query.shifted_grids`,
/// `query.grid_shift` 8), so that every needle sits within an eighth of a cell of one of them.
///
/// The case that showed it (held-vtest-pedestrians of the real-needles sweep): two of vtest.avi's
/// pedestrians, a 128×160 crop at 4 s, pasted at their own size on 12 s of the same busy scene,
/// 18 px right of a cell edge and 1 px above one at the analysis size. The descriptor of a
/// textured object changes a lot when its cells move by a fraction of a cell, and the scene's own
/// pedestrians resemble the crop: with grids on the image's own corner only, the needle's frames
/// match the query no better than the scene's. The second clip puts the same crop 8 px off the
/// cell edges both ways, as far as a needle can be from every half-cell grid.
@Suite(.serialized) struct ShiftedGridTests {
    // At native size (the clip is 768 px wide, as vtest); analysed at 800×448, the box's corner
    // is at (146, 222.6) px: 18 px right of a cell edge, 1.4 px above one.
    static let fixture: Result<VtestNeedleClip, Error> = Result {
        try VtestNeedleClip.make(name: "shifted-grids", sample: "vtest.avi", time: 4, x: 544, y: 200, w: 128, h: 160,
                                 box: [0.1825, 0.4968, 128.0 / 768, 160.0 / 432], event: 6...8)
    }

    static func scores(shiftedGrids: Bool) throws -> (inside: [Double], outside: [Double], peakedness: Double) {
        try fixture.get().scores { $0.shiftedGrids = shiftedGrids }
    }

    // The same crop with its corner at (168, 232) px of the 800×448 analysis frame: 8 px past a
    // cell edge both ways, the worst place for half-cell grids, on a quarter-cell grid exactly.
    static let quarterFixture: Result<VtestNeedleClip, Error> = Result {
        try VtestNeedleClip.make(name: "quarter-grids", sample: "vtest.avi", time: 4, x: 544, y: 200, w: 128, h: 160,
                                 box: [168.0 / 800, 232.0 / 448, 128.0 / 768, 160.0 / 432], event: 6...8)
    }

    static func quarterScores(shift: Int) throws -> (inside: [Double], outside: [Double], peakedness: Double) {
        try quarterFixture.get().scores { $0.gridShift = shift }
    }

    /// Measured: on quarter-cell grids the needle's frames read 0.787–0.802 against at most 0.744
    /// elsewhere (peakedness 0.47); on half-cell grids 0.717–0.738 against 0.699 (0.41), a margin
    /// under the 0.03 asked for here, so that half is the control that shows this test can fail.
    @Test func aNeedleBetweenHalfCellGridsStandsOutOnQuarterCellGrids() throws {
        let quarter = try Self.quarterScores(shift: 8), half = try Self.quarterScores(shift: 16)
        let best = quarter.outside.max() ?? 1
        #expect((quarter.inside.min() ?? 0) > best + 0.03, "needle's frames \(quarter.inside), the best other frame \(best)")
        #expect((quarter.inside.min() ?? 0) > (half.inside.max() ?? 1), "quarter \(quarter.inside), half \(half.inside)")
        let halfBest = half.outside.max() ?? 1
        #expect((half.inside.min() ?? 0) < halfBest + 0.03, "half-cell grids: \(half.inside) against \(halfBest)")
    }

    /// Measured: the needle's frames 0.778–0.780, every other frame at most 0.741; peakedness 0.44
    /// (on half-cell grids 0.747–0.756 against 0.690, 0.42).
    @Test func aNeedleOffTheCellGridStandsOut() throws {
        let s = try Self.scores(shiftedGrids: true)
        let weakest = s.inside.min() ?? 0, best = s.outside.max() ?? 1
        #expect(weakest > best + 0.03, "needle's frames \(s.inside), the best other frame \(best)")
    }

    /// Without the shifted grids the needle's frames read below the scene's best (measured:
    /// 0.56–0.65 against 0.690; peakedness 0.24). Shows that the test above can fail.
    @Test func withoutShiftedGridsItDoesNot() throws {
        let s = try Self.scores(shiftedGrids: false)
        let best = s.outside.max() ?? 1
        #expect((s.inside.max() ?? 1) < best, "needle's frames \(s.inside), the best other frame \(best)")
    }

    /// The vectors counted from the shapes alone (`QueryInput.vectorCount`, which the config check
    /// and the early refusal use) are the vectors the described query has, for each step.
    @Test func theVectorCountIsTheQuerysOwn() throws {
        let clip = try Self.fixture.get()
        for shift in [4, 8, 16] {
            var config = CompressionConfig()
            config.query.gridShift = shift
            let input = try Engine(config: config).query(image: clip.query, features: clip.features)
            let grids = QueryInput.scaleGrids(width: 128, height: 160, imageCells: config.query.imageCells)
            #expect(input.query.count == QueryInput.vectorCount(grids: grids, shift: shift), "step \(shift)")
        }
    }

    /// The shifted grids of a 3×3-cell image at half-cell steps: 3 rows × 2 columns from 16 px
    /// across and 2 × 3 from 16 px down (the 2×2 one from both is under 6 cells); of a 1×8 image
    /// only 1×7 across; of a 2×2 image none. At quarter-cell steps (the default) the 3×3 image has
    /// those two shapes from 8, 16 and 24 px each, and the 1×8 image three 1×7 grids. The pixels
    /// are the image's own from the shifted corner.
    @Test func theShiftedGridsAreTheImagesWholeCellsFromEachShiftOn() {
        func image(_ w: Int, _ h: Int) -> RGBImage {
            RGBImage(width: w, height: h, pixels: (0..<(w * h * 3)).map { UInt8(truncatingIfNeeded: $0 / 3 &* 7 &+ $0 % 3) })
        }
        let square = image(96, 96)
        let shifted = QueryInput.shiftedTemplates(square, step: 16)
        #expect(shifted.map { [$0.width, $0.height] } == [[64, 96], [96, 64]])
        #expect(shifted[0].pixels[0..<3] == square.pixels[(16 * 3)..<(17 * 3)])
        #expect(shifted[1].pixels[0..<3] == square.pixels[(16 * 96 * 3)..<((16 * 96 + 1) * 3)])
        #expect(QueryInput.shiftedTemplates(image(256, 32), step: 16).map { [$0.width, $0.height] } == [[224, 32]])
        #expect(QueryInput.shiftedTemplates(image(64, 64), step: 16).isEmpty)

        let quarter = QueryInput.shiftedTemplates(square)
        #expect(quarter.map { [$0.width, $0.height] } == Array(repeating: [64, 96], count: 3) + Array(repeating: [96, 64], count: 3))
        for (k, offset) in [8, 16, 24].enumerated() {
            #expect(quarter[k].pixels[0..<3] == square.pixels[(offset * 3)..<((offset + 1) * 3)])
            #expect(quarter[3 + k].pixels[0..<3] == square.pixels[(offset * 96 * 3)..<((offset * 96 + 1) * 3)])
        }
        #expect(QueryInput.shiftedTemplates(image(256, 32)).map { [$0.width, $0.height] } == Array(repeating: [224, 32], count: 3))
        #expect(QueryInput.shiftedTemplates(image(64, 64)).isEmpty)
    }
}
