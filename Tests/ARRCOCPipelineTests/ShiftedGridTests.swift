@testable import ARRCOC
import ARRCOCPipeline
import Foundation
import Testing
import TestSupport

/// A needle off the video's 32-px cell grid must be found: each query grid is also matched
/// shifted by half a cell across, down and both (`query.shifted_grids`), so that every needle
/// sits within a quarter of a cell of one of them.
///
/// The case that showed it (held-vtest-pedestrians of the real-needles sweep): two of vtest.avi's
/// pedestrians, a 128×160 crop at 4 s, pasted at their own size on 12 s of the same busy scene,
/// 18 px right of a cell edge and 1 px above one at the analysis size. The descriptor of a
/// textured object changes a lot when its cells move by half a cell, and the scene's own
/// pedestrians resemble the crop: with grids on the image's own corner only, the needle's frames
/// match the query no better than the scene's.
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

    /// Measured: the needle's frames 0.747–0.756, every other frame at most 0.690; peakedness 0.42.
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

    /// The shifted grids of a 3×3-cell image: 3 rows × 2 columns from 16 px across and 2 × 3 from
    /// 16 px down (the 2×2 one from both is under 6 cells); of a 1×8 image only 1×7 across; of a
    /// 2×2 image none. The pixels are the image's own from the shifted corner.
    @Test func theShiftedGridsAreTheImagesWholeCellsFromHalfACellOn() {
        func image(_ w: Int, _ h: Int) -> RGBImage {
            RGBImage(width: w, height: h, pixels: (0..<(w * h * 3)).map { UInt8(truncatingIfNeeded: $0 / 3 &* 7 &+ $0 % 3) })
        }
        let square = image(96, 96)
        let shifted = QueryInput.shiftedTemplates(square)
        #expect(shifted.map { [$0.width, $0.height] } == [[64, 96], [96, 64]])
        #expect(shifted[0].pixels[0..<3] == square.pixels[(16 * 3)..<(17 * 3)])
        #expect(shifted[1].pixels[0..<3] == square.pixels[(16 * 96 * 3)..<((16 * 96 + 1) * 3)])
        #expect(QueryInput.shiftedTemplates(image(256, 32)).map { [$0.width, $0.height] } == [[224, 32]])
        #expect(QueryInput.shiftedTemplates(image(64, 64)).isEmpty)
    }
}
