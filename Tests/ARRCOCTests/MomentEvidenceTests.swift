import Foundation
import Testing
@testable import ARRCOC
import TestSupport

/// The peakedness behind explore vs exploit: a query found in a few moments reads high; one found
/// nowhere, everywhere, or in a single flash reads flat.
@Suite struct MomentEvidenceTests {
    /// `frames × cells` similarities: a busy background (each cell its own level plus noise),
    /// with `value` added at cell 0 in `present` frames.
    static func similarity(frames: Int, cells: Int, present: [Int], value: Float, seed: UInt64 = 3) -> [Float] {
        var g = SeededGenerator(state: seed)
        var s: [Float] = []
        for f in 0..<frames {
            for c in 0..<cells {
                let level = Float(c % 7) * 0.08
                s.append(level + Float.random(in: -0.05...0.05, using: &g) + (present.contains(f) && c == 0 ? value : 0))
            }
        }
        return s
    }

    static func peakedness(_ s: [Float], frames: Int, cells: Int) -> Double {
        MomentEvidence(similarity: s, times: (0..<frames).map { Double($0) / 2 }, cells: cells, window: 15, top: 1).peakedness
    }

    @Test func aNeedleOnABusyBackgroundStandsOutFromWhatItsCellUsuallyShows() {
        let p = Self.peakedness(Self.similarity(frames: 120, cells: 40, present: [50, 51, 52, 53], value: 0.5), frames: 120, cells: 40)
        #expect(p > 0.4)
        #expect(Self.peakedness(Self.similarity(frames: 120, cells: 40, present: [], value: 0), frames: 120, cells: 40) < 0.1)
    }

    @Test func aQueryFoundEverywhereReadsFlat() {
        let p = Self.peakedness(Self.similarity(frames: 120, cells: 40, present: Array(0..<120), value: 0.5), frames: 120, cells: 40)
        #expect(p < 0.1)
    }

    @Test func aSingleFrameFlashIsNotAMoment() {
        let p = Self.peakedness(Self.similarity(frames: 120, cells: 40, present: [60], value: 0.8), frames: 120, cells: 40)
        #expect(p < 0.1)
    }

    @Test func peakednessIsZeroForOneFrameAndEmptyInput() {
        #expect(MomentEvidence(similarity: [0.3, 0.9], times: [0], cells: 2, window: 15, top: 1).peakedness == 0)
        #expect(MomentEvidence(similarity: [], times: [], cells: 4, window: 15, top: 1).frames.isEmpty)
    }

    @Test func backgroundSamplesLieOnFixedTimes() throws {
        // 2 fps for 60 s: the frames at whole seconds, whatever frame a window starts at.
        let full = (0..<120).map { Double($0) / 2 }
        #expect(MomentEvidence.gridFrames(times: full, step: 1) == Array(stride(from: 0, to: 120, by: 2)))
        // Presentation times off the grid (a 25 fps source's 0.48, 0.96 s…): the frame nearest
        // each whole second, each once, in time order.
        let jittered = full.map { $0 * 0.96 }
        let g = MomentEvidence.gridFrames(times: jittered, step: 1)
        #expect(zip(g, g.dropFirst()).allSatisfy { $0 < $1 })
        for k in 0...Int(jittered.last!) {
            let nearest = try #require(jittered.indices.min { abs(jittered[$0] - Double(k)) < abs(jittered[$1] - Double(k)) })
            #expect(g.contains(nearest), "\(k) s: frame \(nearest) at \(jittered[nearest]) s")
        }
        // A coarse-to-fine merge (frames 5 s apart, every 0.5 s in 20–40 s): inside the window the
        // samples are a full analysis's, outside every coarse frame is one.
        let merged = Array(stride(from: 0.0, to: 20, by: 5)) + Array(stride(from: 20.0, through: 40, by: 0.5)) + Array(stride(from: 45.0, to: 60, by: 5))
        let m = MomentEvidence.gridFrames(times: merged, step: 1).map { merged[$0] }
        #expect(m.filter { (20...40).contains($0) } == Array(stride(from: 20.0, through: 40, by: 1)))
        #expect(Set(merged.filter { !(20...40).contains($0) }).isSubset(of: Set(m)))
        #expect(MomentEvidence.gridFrames(times: [], step: 1).isEmpty)
    }
}
