import Foundation
import Testing
@testable import ARRCOC
import TestSupport

/// Metrics on hand-made blocks and truths with answers worked out by hand.
@Suite struct MetricsTests {
    static func block(_ t: Double, _ h: Int = 10, _ w: Int = 10) -> EvaluatedBlock {
        EvaluatedBlock(time: t, tokens: h * w, grid: THW(t: 1, h: h, w: w), keptCells: nil)
    }

    static func evaluate(_ blocks: [EvaluatedBlock], _ events: [Truth.Event], delta: Double = 1) -> Metrics {
        Evaluation.evaluate(blocks: blocks, truth: Truth(video: "v", query: "q", events: events), delta: delta,
                            tokensUsed: blocks.reduce(0) { $0 + $1.tokens + 8 }, budget: 1000, qwen3vlDefaultTokens: 5000)
    }

    @Test func groundTruthTimesIncludeTheStart() {
        #expect(Evaluation.groundTruthTimes(.init(startSeconds: 2, endSeconds: 4.5, box: nil)) == [2, 3, 4])
        #expect(Evaluation.groundTruthTimes(.init(startSeconds: 3, endSeconds: 3, box: nil)) == [3])
    }

    @Test func recallPrecisionAndF1() {
        // Event 10–13 s: ground truth 10, 11, 12, 13. Blocks at 10.5 (hits 10, 11), 20 (far).
        let m = Self.evaluate([Self.block(10.5), Self.block(20)], [.init(startSeconds: 10, endSeconds: 13, box: [0, 0, 0.5, 0.5])])
        #expect(m.temporalRecall == 0.5)
        #expect(m.precision == 0.5)
        #expect(abs(m.f1 - 0.5) < 1e-12)
        #expect(m.eventHit == 1)
        // Block inside with 100 tokens × 0.25 of the frame = 25 ≥ 16.
        #expect(m.detailRecall == 1)
        #expect(m.tokenShareOnEvents == 0.5)
        #expect(m.compressionRatio == 5000.0 / 216.0)
    }

    @Test func eventsAtTheVeryStartAndEnd() {
        let events: [Truth.Event] = [.init(startSeconds: 0, endSeconds: 0.5, box: nil), .init(startSeconds: 59, endSeconds: 60, box: nil)]
        let m = Self.evaluate([Self.block(0.25), Self.block(60.9)], events)
        // Ground truth 0, 59, 60: 0.25 hits 0; 60.9 hits 60 but not 59 (1.9 s away).
        #expect(abs(m.temporalRecall - 2.0 / 3.0) < 1e-12)
        #expect(m.eventHit == 1)
        #expect(m.precision == 1)
        // 60.9 lies outside [59, 60]: the second event has no block inside for detail.
        #expect(m.detailRecall == 0.5)
    }

    @Test func overlappingEventsCountEachGroundTruthTime() {
        let events: [Truth.Event] = [.init(startSeconds: 5, endSeconds: 7, box: nil), .init(startSeconds: 6, endSeconds: 8, box: nil)]
        let m = Self.evaluate([Self.block(6)], events, delta: 0.5)
        // Ground truth 5, 6, 7 and 6, 7, 8: only the two 6s are within 0.5 s.
        #expect(abs(m.temporalRecall - 2.0 / 6.0) < 1e-12)
        #expect(m.eventHit == 1 && m.precision == 1 && m.tokenShareOnEvents == 1)
    }

    @Test func noBlocks() {
        let m = Self.evaluate([], [.init(startSeconds: 1, endSeconds: 2, box: nil)])
        #expect(m.temporalRecall == 0 && m.precision == 0 && m.f1 == 0 && m.eventHit == 0 && m.detailRecall == 0 && m.tokenShareOnEvents == 0)
    }

    @Test func detailNeedsEnoughTokensOnTheBox() {
        let small = [Truth.Event(startSeconds: 0, endSeconds: 2, box: [0.1, 0.1, 0.1, 0.1])]
        // 20×20 = 400 tokens × 1% of the frame = 4 tokens < 16.
        #expect(Self.evaluate([Self.block(1, 20, 20)], small).detailRecall == 0)
        // Select mode: kept cells meeting the box count (box covers cells rows 2–3, cols 2–3 of 20×20).
        var kept = Self.block(1, 20, 20)
        kept.keptCells = (0..<400).filter { c in (2...3).contains(c / 20) && (2...3).contains(c % 20) }
        #expect(Evaluation.tokensOnBox(kept, box: [0.1, 0.1, 0.1, 0.1]) == 4)
        let big = [Truth.Event(startSeconds: 0, endSeconds: 2, box: [0.0, 0.0, 0.5, 0.5])]
        #expect(Self.evaluate([Self.block(1, 20, 20)], big).detailRecall == 1)
    }

    @Test func detailIsCountedOneWayInEveryMode() {
        // A box covering half of each of the cells it meets: every token counts the share of its
        // area inside the box, whether all cells are kept (resize) or some (select).
        let box = [0.125, 0.125, 0.25, 0.25]  // on 4×4: x and y from 0.5 to 1.5 cells
        let all = Self.block(1, 4, 4)
        var every = all
        every.keptCells = Array(0..<16)
        #expect(Evaluation.tokensOnBox(all, box: box) == 1)
        #expect(Evaluation.tokensOnBox(every, box: box) == 1)
        var one = all
        one.keptCells = [0]  // the top-left cell: a quarter of it is in the box
        #expect(Evaluation.tokensOnBox(one, box: box) == 0.25)
        // Random boxes and full grids agree to rounding.
        var g = AllocatorInvariantTests.Rng(state: 9)
        for _ in 0..<200 {
            let x = Double.random(in: 0...0.9, using: &g), y = Double.random(in: 0...0.9, using: &g)
            let b = [x, y, Double.random(in: 0...(1 - x), using: &g), Double.random(in: 0...(1 - y), using: &g)]
            var grid = Self.block(1, 9, 16)
            let resize = Evaluation.tokensOnBox(grid, box: b)
            grid.keptCells = Array(0..<144)
            #expect(abs(Evaluation.tokensOnBox(grid, box: b) - resize) < 1e-9)
        }
    }

    @Test func truthFilesRoundTripAndValidate() throws {
        let t = Truth(video: "clip.mp4", query: "needle.png", events: [.init(startSeconds: 1.5, endSeconds: 3, box: [0.1, 0.2, 0.3, 0.25])])
        let text = try t.yaml()
        #expect(text.contains("{start_s: 1.5, end_s: 3, box: [0.1, 0.2, 0.3, 0.25]}"))
        let path = FileFormatTests.temp("t.yaml")
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        // Relative paths are read against the truth file's folder.
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        #expect(try Truth.load(path: path) == t.resolvingPaths(against: folder))
        #expect(try Truth.load(path: path).query == folder + "/needle.png")
        #expect(t.resolvingPaths(against: folder).relativizingPaths(to: folder) == t)
        let outside = Truth(video: "/data/v.mp4", query: "/data/q.png", events: [])
        #expect(outside.resolvingPaths(against: folder) == outside && outside.relativizingPaths(to: folder) == outside)
        let bad = Truth(video: "v", query: "q", events: [.init(startSeconds: 3, endSeconds: 1, box: nil)])
        #expect(throws: ConfigError.self) { try bad.validate(path: "bad.yaml") }
        let badBox = Truth(video: "v", query: "q", events: [.init(startSeconds: 0, endSeconds: 1, box: [0.9, 0, 0.5, 0.1])])
        #expect(throws: ConfigError.self) { try badBox.validate(path: "bad.yaml") }
    }

    /// The summaries' ratio never reads "0.5× smaller": a budget above Qwen3-VL's default is
    /// "larger", and a run that used no tokens says so.
    @Test func compressionRatioPhrases() {
        #expect(Manifest.Totals.ratioPhrase(33.3) == "33.3× smaller")
        #expect(Manifest.Totals.ratioPhrase(0.5) == "2.0× larger")
        #expect(Manifest.Totals.ratioPhrase(1.02) == "about the same size")
        #expect(Manifest.Totals.ratioPhrase(0.97) == "about the same size")
        #expect(Manifest.Totals.ratioPhrase(0) == "no tokens used")
        #expect(Manifest.Totals.ratioPhrase(.nan) == "no tokens used")
    }

    /// Random haystack events that cannot be drawn as asked are refused, naming the flag and
    /// the largest value that fits; a range's top beyond its cap is lowered, so every drawn
    /// event stays in its slot and every box keeps the needle's aspect ratio.
    @Test func randomHaystackEventsThatDoNotFitAreRefused() throws {
        #expect(throws: HaystackRecipe.Infeasible.eventsDoNotFit(count: 20, duration: 10, shortest: 1.5, longest: 0.4)) {
            try HaystackRecipe.random(duration: 10, count: 20, eventDuration: 1.5...4, scale: 0.1...0.2,
                                      needleAspect: 1, frameAspect: 16.0 / 9, moving: false, seed: 1)
        }
        // A needle twice as tall as wide on a 16:9 frame: 0.9 / (16/9 · 2) = 0.253 of the width at most.
        let tall = HaystackRecipe.Infeasible.needleTooTall(scale: 0.3, widest: 0.9 / (16.0 / 9 * 2))
        #expect(throws: tall) {
            try HaystackRecipe.random(duration: 60, count: 2, eventDuration: 1.5...4, scale: 0.3...0.5,
                                      needleAspect: 2, frameAspect: 16.0 / 9, moving: false, seed: 1)
        }
        #expect(tall.errorDescription?.contains("--scale") == true && tall.errorDescription?.contains("0.253") == true)
        for seed in UInt64(0)..<50 {
            let r = try HaystackRecipe.random(duration: 10, count: 3, eventDuration: 1.5...4, scale: 0.1...0.5,
                                              needleAspect: 2, frameAspect: 16.0 / 9, moving: seed % 2 == 0, seed: seed)
            for (i, e) in r.events.enumerated() {
                let slot = 10.0 / 3
                #expect(e.startSeconds >= Double(i) * slot - 0.005 && e.endSeconds <= Double(i + 1) * slot + 0.005)
                #expect(e.endSeconds - e.startSeconds <= slot * 0.8 + 0.01 && e.endSeconds - e.startSeconds >= 1.5 - 0.01)
                // Aspect kept: h / w is the needle's on the frame (to the boxes' 4-decimal rounding).
                #expect(abs(e.box[3] / e.box[2] - 2 * 16.0 / 9) < 0.01 && e.box[3] <= 0.9)
            }
        }
    }
}
