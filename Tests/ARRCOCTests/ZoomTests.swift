import Foundation
import Testing
@testable import ARRCOC
import TestSupport

/// Zoom blocks: region geometry, the allocator's choice between a region and the whole frame,
/// and how eval counts a region's tokens on a truth box.
@Suite struct ZoomTests {
    typealias Rng = SeededGenerator

    /// A 15×26 analysis map (768×432 source) of background `base` with a hot `size`×`size` spot
    /// whose top-left cell is (`row`, `col`).
    static func map(rows: Int = 15, cols: Int = 26, base: Float = 0.2, hot: Float = 1, row: Int = 5, col: Int = 8, size: Int = 2) -> [Float] {
        var m = [Float](repeating: base, count: rows * cols)
        for r in row..<min(rows, row + size) { for c in col..<min(cols, col + size) { m[r * cols + c] = hot } }
        return m
    }

    @Test func regionsAreCellAlignedInsideTheFrameAspectKeptAndNeverAboveNative() {
        var config = AllocationConfig()
        var g = Rng(state: 77)
        var seen = 0
        for _ in 0..<200 {
            let rows = Int.random(in: 4...20, using: &g), cols = Int.random(in: 4...30, using: &g)
            let width = Int.random(in: 160...1920, using: &g), height = Int.random(in: 120...1080, using: &g)
            config.zoomMaxUpscale = [1, 1, 2].randomElement(using: &g) ?? 1
            let size = Int.random(in: 1...3, using: &g)
            let m = Self.map(rows: rows, cols: cols, row: Int.random(in: 0..<rows, using: &g), col: Int.random(in: 0..<cols, using: &g), size: size)
            for v in ZoomPlanner.views(m, rows: rows, cols: cols, sourceWidth: width, sourceHeight: height, config: config) {
                seen += 1
                let r = v.region
                // Cell aligned on the analysis grid.
                for (value, n) in [(r.x, cols), (r.w, cols), (r.y, rows), (r.h, rows)] {
                    #expect(abs(value * Double(n) - (value * Double(n)).rounded()) < 1e-9)
                }
                // Inside the frame, smaller than it.
                #expect(r.x >= 0 && r.y >= 0 && r.x + r.w <= 1 + 1e-12 && r.y + r.h <= 1 + 1e-12)
                #expect(r.area < 1)
                // The grid keeps the region's aspect (to the nearest whole token) …
                let crop = r.pixels(width: width, height: height)
                let pw = Double(crop.width), ph = Double(crop.height)
                let aspect = pw / ph
                #expect(abs(Double(v.grid.w) - max(1, Double(v.grid.h) * aspect)) <= 0.5 + 1e-9 || v.grid.w == 1 || v.grid.h == 1,
                        "grid \(v.grid) for a \(pw)×\(ph) region")
                // … and never asks for more than native resolution (× the upscale allowed) as the
                // stock processor rounds it: each side within smart_resize's multiple of 32.
                let native = QwenVideoDefaults.smartResize(
                    height: Int(config.zoomMaxUpscale) * crop.height, width: Int(config.zoomMaxUpscale) * crop.width,
                    minPixels: 1, maxPixels: Int.max)
                #expect(v.grid.w * 32 <= native.width && v.grid.h * 32 <= native.height, "grid \(v.grid) for a \(pw)×\(ph) region")
                #expect(v.grid.product >= config.zoomMinTokens && v.grid.product <= config.maxTokens)
                #expect(v.gain >= ZoomPlanner.minimumGain)
            }
        }
        #expect(seen > 100)
    }

    /// A region is offered the grid Qwen3-VL's own processor gives the same pixels cut out
    /// (smart_resize rounds each side to the nearest multiple of 32: 276×154 px → 288×160, 9×5
    /// tokens), not one cell less per side (8×4 = 32 tokens, 28% fewer), and never more.
    @Test func aRegionGetsTheStockProcessorsNativeGrid() {
        let grids = ZoomPlanner.grids(width: 276, height: 154, minimum: 16, maximum: 400, upscale: 1)
        #expect(grids.last == THW(t: 1, h: 5, w: 9), "\(grids)")
        let stock = QwenVideoDefaults.smartResize(height: 154, width: 276, minPixels: 1, maxPixels: Int.max)
        #expect(grids.allSatisfy { $0.w * 32 <= stock.width && $0.h * 32 <= stock.height })
        // Rounding down is rounding down: 270×140 px → 256×128 (8×4), as smart_resize does.
        #expect(ZoomPlanner.grids(width: 270, height: 140, minimum: 16, maximum: 400, upscale: 1).last == THW(t: 1, h: 4, w: 8))
    }

    @Test func regionContainsTheHotSpotPaddedByACell() throws {
        let views = ZoomPlanner.views(Self.map(), rows: 15, cols: 26, sourceWidth: 768, sourceHeight: 432, config: AllocationConfig())
        let tight = try #require(views.min { $0.region.area < $1.region.area })
        // Hot cells rows 5–6, cols 8–9; padded: rows 4–7, cols 7–10 (in normalised units).
        #expect(tight.region.x <= 7.0 / 26 + 1e-12 && tight.region.x + tight.region.w >= 11.0 / 26 - 1e-12)
        #expect(tight.region.y <= 4.0 / 15 + 1e-12 && tight.region.y + tight.region.h >= 8.0 / 15 - 1e-12)
        // All the weight is inside: gain = 1 / area.
        #expect(abs(tight.gain - 1 / tight.region.area) < 1e-9)
    }

    /// A tall hot spot (a needle 2 cells wide, 5 high) gets a tall region, its own cells padded by
    /// one (4 × 7), not only regions grown to the frame's 16:9; and a second, weaker hot spot far
    /// away adds the box of both, but the smallest region stays on the best spot alone.
    @Test func theSmallestRegionIsTheBestSpotAtItsOwnAspect() throws {
        var map = Self.map(row: 3, col: 15, size: 2)
        for r in 3..<8 { for c in 15..<17 { map[r * 26 + c] = 1 } }
        let regions = ZoomPlanner.regions(map, rows: 15, cols: 26)
        let first = try #require(regions.first)
        #expect(first == (row: 2, col: 14, rows: 7, cols: 4), "\(regions)")
        #expect(regions.contains { Double($0.cols) / Double($0.rows) > 1.5 }, "the frame-aspect regions are offered too: \(regions)")

        for r in 10..<12 { for c in 2..<4 { map[r * 26 + c] = 0.8 } }
        let two = ZoomPlanner.regions(map, rows: 15, cols: 26)
        #expect(two.first.map { $0 == (row: 2, col: 14, rows: 7, cols: 4) } == true, "\(two)")
        // The box of every hot cell: rows 3–11, cols 2–16, padded.
        #expect(two.contains { $0 == (row: 2, col: 1, rows: 11, cols: 17) }, "\(two)")
        let views = ZoomPlanner.views(map, rows: 15, cols: 26, sourceWidth: 768, sourceHeight: 432, config: AllocationConfig())
        let tight = try #require(views.min { $0.region.area < $1.region.area })
        #expect(abs(tight.region.w - 4.0 / 26) < 1e-9 && abs(tight.region.h - 7.0 / 15) < 1e-9)
    }

    @Test func aFlatMapOffersNoRegion() {
        let flat = [Float](repeating: 0.4, count: 15 * 26)
        #expect(ZoomPlanner.views(flat, rows: 15, cols: 26, sourceWidth: 768, sourceHeight: 432, config: AllocationConfig()).isEmpty)
    }

    /// 30 s at 2 fps, a needle from 10 to 12 s (frame relevance 1 there, 0.1 elsewhere); the cell
    /// map is `needle` on the needle's frames and `background` elsewhere.
    static func input(budget: Int, zoom: ZoomMode, needle: [Float], background: [Float]) -> AllocationInput {
        let times = (0..<60).map { Double($0) / 2 }
        let relevance = times.map { (10...12).contains($0) ? 1.0 : 0.1 }
        var config = AllocationConfig()
        config.zoom = zoom
        let values = times.flatMap { (10...12).contains($0) ? needle : background }
        return AllocationInput(times: times, relevance: relevance, levels: TokenGrid.levels(width: 768, height: 432), budget: budget,
                               format: .qwen3vl, config: config,
                               cellMap: CellMap(rows: 15, cols: 26, values: values, sourceWidth: 768, sourceHeight: 432))
    }

    @Test func theAllocatorZoomsOnASmallPeakedNeedle() throws {
        let flat = [Float](repeating: 0.2, count: 15 * 26)
        let a = try LagrangianAllocator().allocate(Self.input(budget: 600, zoom: .replace, needle: Self.map(), background: flat))
        #expect(a.totalTokens <= 600)
        let onNeedle = a.blocks.filter { (10...12).contains($0.time) }
        let zooms = onNeedle.filter { $0.region != nil }
        #expect(!zooms.isEmpty, "no zoom block on the needle: \(a.blocks)")
        // Each zoom shows the hot spot (cells 5–6 × 8–9 of 15 × 26).
        let spot = [8.0 / 26, 5.0 / 15, 2.0 / 26, 2.0 / 15]
        for z in zooms { #expect(abs((z.region?.intersectionArea(spot) ?? 0) - spot[2] * spot[3]) < 1e-12) }
        // Away from the needle (no needle frame in the block) the map is flat: whole frames only;
        // replace keeps times increasing.
        #expect(a.blocks.filter { $0.frames.allSatisfy { !(10...12).contains(Double($0) / 2) } }.allSatisfy { $0.region == nil })
        #expect(zip(a.blocks, a.blocks.dropFirst()).allSatisfy { $0.time < $1.time })
    }

    @Test func noZoomForAFlatQueryOrWhenOff() throws {
        let flat = [Float](repeating: 0.2, count: 15 * 26)
        let none = try LagrangianAllocator().allocate(Self.input(budget: 600, zoom: .replace, needle: flat, background: flat))
        #expect(none.blocks.allSatisfy { $0.region == nil })
        let off = try LagrangianAllocator().allocate(Self.input(budget: 600, zoom: .off, needle: Self.map(), background: flat))
        let plain = Self.input(budget: 600, zoom: .off, needle: Self.map(), background: flat)
        var withoutMap = plain
        withoutMap.cellMap = nil
        #expect(off == (try LagrangianAllocator().allocate(withoutMap)))
    }

    @Test func followAddsAZoomAtTheSameTimestampAfterTheWholeFrame() throws {
        let flat = [Float](repeating: 0.2, count: 15 * 26)
        let a = try LagrangianAllocator().allocate(Self.input(budget: 1500, zoom: .follow, needle: Self.map(), background: flat))
        #expect(a.totalTokens <= 1500)
        let zooms = a.blocks.indices.filter { a.blocks[$0].region != nil }
        #expect(!zooms.isEmpty)
        for i in zooms {
            #expect(i > 0 && a.blocks[i - 1].region == nil && a.blocks[i - 1].time == a.blocks[i].time && a.blocks[i - 1].frames == a.blocks[i].frames)
        }
        #expect(zip(a.blocks, a.blocks.dropFirst()).allSatisfy { $0.time <= $1.time })
    }

    @Test func bothZoomsAloneWhileTokensAreDearAndAddsTheWholeFrameWhenTheyAreNot() throws {
        let flat = [Float](repeating: 0.2, count: 15 * 26)
        /// Zoom blocks with, and without, a whole-frame block at their timestamp.
        func zooms(_ budget: Int) throws -> (alone: Int, followed: Int) {
            let a = try LagrangianAllocator().allocate(Self.input(budget: budget, zoom: .both, needle: Self.map(), background: flat))
            #expect(a.totalTokens <= budget)
            #expect(zip(a.blocks, a.blocks.dropFirst()).allSatisfy { $0.time <= $1.time })
            let zoomed = a.blocks.filter { $0.region != nil }
            let followed = zoomed.filter { z in a.blocks.contains { $0.region == nil && $0.time == z.time && $0.frames == z.frames } }
            return (zoomed.count - followed.count, followed.count)
        }
        let dear = try zooms(300), cheap = try zooms(6000)
        #expect(dear.alone > 0 && dear.followed == 0, "\(dear)")
        #expect(cheap.followed > 0 && cheap.alone == 0, "\(cheap)")
    }

    @Test(arguments: [ZoomMode.replace, .follow, .both])
    func withZoomTheLagrangianIsStillWithinOneUnitsStepOfTheExactOptimum(_ zoom: ZoomMode) throws {
        // Peaked queries (exploit 1), so moments offer zoom options at every budget: a flat one
        // stops offering them once the budget covers every unit (`cover_when_affordable`), and
        // FairHarnessTests' optimality check covers those problems.
        var g = Rng(state: 9090)
        var compared = 0, zoomed = 0
        for case_ in 0..<120 {
            let count = Int.random(in: 2...8, using: &g)
            let times = (0..<count).map { Double($0) * 0.5 }
            let relevance = (0..<count).map { _ in Double.random(in: 0...1, using: &g) }
            var config = AllocationConfig()
            config.minTokens = 16
            config.zoomMinTokens = 4
            config.maxTokens = [36, 64].randomElement(using: &g) ?? 36
            config.sparseIntervalSeconds = [1, 2, 5].randomElement(using: &g) ?? 1
            config.zoom = zoom
            let rows = 6, cols = 8
            let values = (0..<count).flatMap { _ in
                Self.map(rows: rows, cols: cols, base: Float.random(in: 0...0.3, using: &g), row: Int.random(in: 0..<rows, using: &g),
                         col: Int.random(in: 0..<cols, using: &g), size: Int.random(in: 1...2, using: &g))
            }
            let budget = Int.random(in: 30...(count * 50), using: &g)
            let input = AllocationInput(times: times, relevance: relevance, levels: TokenGrid.levels(width: 640, height: 480, minimum: 16, maximum: config.maxTokens),
                                        budget: budget, format: .qwen3vl, config: config, peaked: 1,
                                        cellMap: CellMap(rows: rows, cols: cols, values: values, sourceWidth: 640, sourceHeight: 480))
            guard (try? input.validate()) != nil else { continue }
            let problem = LagrangianAllocator.problem(input)
            if problem.options.joined().contains(where: { $0.zoom != nil }) { zoomed += 1 }
            let choice = LagrangianAllocator.solve(problem, budget: budget)
            var cost = 0, utility = 0.0
            for (u, i) in choice.enumerated() {
                guard let i else { continue }
                cost += problem.options[u][i].cost
                utility += problem.options[u][i].utility
            }
            #expect(cost <= budget)
            guard let optimum = FairHarnessTests.exactOptimum(problem, budget: budget) else { continue }
            compared += 1
            var step = 0.0
            for (u, options) in problem.options.enumerated() {
                var previous = problem.forced.contains(u) ? options[0].utility : 0
                for o in options {
                    step = max(step, o.utility - previous)
                    previous = max(previous, o.utility)
                }
            }
            #expect(utility <= optimum + 1e-9, "case \(case_): above the optimum?")
            #expect(optimum - utility <= step + 1e-9, "case \(case_): \(utility) vs optimum \(optimum), step \(step)")
        }
        #expect(compared > 80)
        #expect(zoomed > 30, "zoom options in only \(zoomed) cases")
    }

    @Test func evalCountsARegionsTokensByTheShareOfTheRegionTheBoxCovers() {
        let region = Region(x: 0.2, y: 0.2, w: 0.5, h: 0.5)
        let zoom = EvaluatedBlock(time: 1, tokens: 60, grid: THW(t: 1, h: 6, w: 10), keptCells: nil, region: region)
        // Box inside the region: 60 × 0.04 / 0.25 = 9.6.
        #expect(abs(Evaluation.tokensOnBox(zoom, box: [0.3, 0.3, 0.2, 0.2]) - 9.6) < 1e-12)
        // Box half out on both axes: ∩ = 0.1 × 0.1 → 60 × 0.01 / 0.25 = 2.4.
        #expect(abs(Evaluation.tokensOnBox(zoom, box: [0.6, 0.6, 0.2, 0.2]) - 2.4) < 1e-12)
        // Box outside: 0. Box covering the region: all 60.
        #expect(Evaluation.tokensOnBox(zoom, box: [0.8, 0.8, 0.1, 0.1]) == 0)
        #expect(abs(Evaluation.tokensOnBox(zoom, box: [0, 0, 1, 1]) - 60) < 1e-12)
        // The same box on the whole frame at 6×10: 60 × 0.04 = 2.4.
        let whole = EvaluatedBlock(time: 1, tokens: 60, grid: THW(t: 1, h: 6, w: 10), keptCells: nil)
        #expect(abs(Evaluation.tokensOnBox(whole, box: [0.3, 0.3, 0.2, 0.2]) - 2.4) < 1e-12)
        // Detail recall: the zoom puts 9.6 ≥ 8 on the box, the whole frame 2.4 < 8.
        let truth = Truth(video: "v", query: "q", events: [.init(startSeconds: 0, endSeconds: 2, box: [0.3, 0.3, 0.2, 0.2])])
        let withZoom = Evaluation.evaluate(blocks: [zoom], truth: truth, delta: 1, minBoxTokens: 8, tokensUsed: 68, budget: 100, qwen3vlDefaultTokens: 1000)
        let withWhole = Evaluation.evaluate(blocks: [whole], truth: truth, delta: 1, minBoxTokens: 8, tokensUsed: 68, budget: 100, qwen3vlDefaultTokens: 1000)
        #expect(withZoom.detailRecall == 1 && withWhole.detailRecall == 0)
    }

    @Test func regionPixelsAndCrops() {
        let r = Region(x: 0.25, y: 0.5, w: 0.5, h: 0.25)
        #expect(r.pixels(width: 8, height: 4) == (2, 2, 4, 1))
        // Even a tiny region keeps a pixel, inside the frame.
        #expect(Region(x: 0.999, y: 0.999, w: 0.001, h: 0.001).pixels(width: 10, height: 10) == (9, 9, 1, 1))
        let image = RGBImage(width: 4, height: 2, pixels: (0..<24).map { UInt8($0) })
        let crop = image.cropped(to: Region(x: 0.5, y: 0.5, w: 0.5, h: 0.5))
        #expect(crop.width == 2 && crop.height == 1 && crop.pixels == [18, 19, 20, 21, 22, 23])
        #expect(Region(array: [0, 0, 1, 1]) == .whole)
        for bad: [Double] in [[0, 0, 0, 1], [0.5, 0, 0.6, 1], [-0.1, 0, 0.5, 0.5], [0, 0, .nan, 0.5], [0, 0, 1]] {
            #expect(Region(array: bad) == nil, "\(bad)")
        }
    }
}

/// `blocks[].region` in a manifest: optional, range-checked when present.
@Suite struct ManifestRegionTests {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Golden/resize-qwen3vl/manifest.json")

    static func manifest(region: Any?) throws -> Data {
        var json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: golden)) as? [String: Any])
        // The golden output has a zoom block: start from whole frames only.
        var blocks = try #require(json["blocks"] as? [[String: Any]]).map { $0.filter { $0.key != "region" } }
        if let region { blocks[0]["region"] = region }
        json["blocks"] = blocks
        return try JSONSerialization.data(withJSONObject: json)
    }

    @Test func aManifestWithoutRegionsStaysValidAndOneWithARegionLoadsIt() throws {
        let plain = try Manifest.parse(try Self.manifest(region: nil), path: "m.json")
        #expect(plain.blocks.allSatisfy { $0.region == nil })
        let zoomed = try Manifest.parse(try Self.manifest(region: [0.25, 0.5, 0.5, 0.25]), path: "m.json")
        #expect(zoomed.blocks[0].region == [0.25, 0.5, 0.5, 0.25])
        // Written back, a whole-frame block has no `region` key.
        let text = String(decoding: try JSONEncoder().encode(plain), as: UTF8.self)
        #expect(!text.contains("region"))
    }

    @Test(arguments: [[0.5, 0, 0.6, 1], [0, 0, 0, 1], [-0.1, 0, 0.5, 0.5], [0, 0, 1], [0, 0, 1, 1, 0]])
    func aRegionOutsideTheFrameOrEmptyIsRejectedNamingTheKey(_ region: [Double]) throws {
        let data = try Self.manifest(region: region)
        #expect {
            try Manifest.parse(data, path: "m.json")
        } throws: { error in
            (error as? ConfigError)?.errorDescription?.contains("blocks[0].region") == true
        }
    }
}
