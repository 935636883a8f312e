import ARRCOC
@testable import ARRCOCPipeline
import Foundation
import Testing
import TestSupport

/// preview.png and timeline.svg drawn from a real compression: cockatoo.mp4 with a Mandelbrot
/// needle from 6 to 9 s.
@Suite(.serialized) struct PreviewTests {
    struct Fixture: Sendable {
        let directory: URL
        let video: String
        let needle: String
        let features: FeatureSet
        let result: CompressionResult
    }

    static let fixture: Result<Fixture, Error> = Result {
        let dir = TestClips.scratch("preview")
        let (video, needle) = try TestClips.cockatooWithMandelbrot(in: dir)
        let engine = try Engine()
        let features = try engine.analyze(video: video)
        let result = try engine.compress(video: video, features: features, query: try engine.query(image: needle, features: features), budget: 1500)
        return Fixture(directory: dir, video: video, needle: needle, features: features, result: result)
    }

    @Test func contactSheetHasATilePerBlockAtTheExpectedSize() throws {
        let f = try Self.fixture.get()
        let m = f.result.manifest
        let sheet = ContactSheet.render(manifest: m, pixelValues: f.result.sequence.pixelValues)
        let cols = min(4, m.blocks.count), rows = (m.blocks.count + cols - 1) / cols
        let tileHeight = 416 * m.source.height / m.source.width
        #expect(sheet.width == max(12 + cols * (416 + 12), 1100))
        #expect(sheet.height == 44 + rows * (tileHeight + 40 + 6 + 12) + 12)
        // Each block's tile shows that block's own pixels: its centre matches the frame decoded
        // independently at the block's time (within the bicubic and 8-bit rounding).
        let out = f.directory.appendingPathComponent("sheet")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try Preview.write(manifest: m, pixelValues: f.result.sequence.pixelValues, to: out)
        let probe = try FFmpegTool.run("ffprobe", ["-v", "error", "-show_entries", "stream=width,height", "-of", "csv=p=0",
                                                  out.appendingPathComponent("preview.png").path])
        #expect(String(decoding: probe, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) == "\(sheet.width),\(sheet.height)")
    }

    @Test func heatOverlayChangesPixelsOnlyWhereRelevanceIsHigh() throws {
        let f = try Self.fixture.get()
        let m = f.result.manifest
        let scores = try #require(f.result.scores)
        let heat = Preview.heat(features: f.features, scores: scores, manifest: m)
        let plain = ContactSheet.render(manifest: m, pixelValues: f.result.sequence.pixelValues)
        let tinted = ContactSheet.render(manifest: m, pixelValues: f.result.sequence.pixelValues, heat: heat)
        #expect(plain.width == tinted.width && plain.height == tinted.height)
        let cols = min(4, m.blocks.count)
        let tileHeight = 416 * m.source.height / m.source.width
        var high = 0, changedHigh = 0, low = 0, changedLow = 0
        for (i, values) in heat.blocks.enumerated() {
            let x = 12 + (i % cols) * (416 + 12), y = 44 + (i / cols) * (tileHeight + 40 + 6 + 12) + 6
            // A zoom block's tile shows its region's cells, stretched over the tile.
            let cells = ContactSheet.cellRange(m.blocks[i].region.flatMap(Region.init(array:)), grid: heat.grid)
            let kw = cells.cols.count, kh = cells.rows.count
            for r in cells.rows {
                for c in cells.cols {
                    // The cell's inner area (its edges may be shared with a neighbour by rounding).
                    let cc = c - cells.cols.lowerBound, rr = r - cells.rows.lowerBound
                    let x0 = x + cc * 416 / kw + 1, x1 = x + (cc + 1) * 416 / kw - 1
                    let y0 = y + rr * tileHeight / kh + 1, y1 = y + (rr + 1) * tileHeight / kh - 1
                    var differs = false
                    for yy in y0..<y1 where !differs {
                        for xx in x0..<x1 where plain.pixels[(yy * plain.width + xx) * 3] != tinted.pixels[(yy * plain.width + xx) * 3]
                            || plain.pixels[(yy * plain.width + xx) * 3 + 1] != tinted.pixels[(yy * plain.width + xx) * 3 + 1] {
                            differs = true
                            break
                        }
                    }
                    if values[r * heat.grid.w + c] >= ContactSheet.heatThreshold {
                        high += 1
                        if differs { changedHigh += 1 }
                    } else {
                        low += 1
                        if differs { changedLow += 1 }
                    }
                }
            }
        }
        #expect(high > 0, "no cell is highly relevant")
        #expect(low > high, "most cells should not be highly relevant")
        #expect(changedLow == 0, "\(changedLow) cells of low relevance were tinted")
        #expect(changedHigh == high, "\(high - changedHigh) cells of high relevance were not tinted")
        // The most relevant cells are on the needle (900…1060 × 100…260 px of 1280×720) in its interval.
        let needleBlocks = m.blocks.indices.filter { (6.0...9.0).contains(m.blocks[$0].timeSeconds) }
        #expect(!needleBlocks.isEmpty)
        for i in needleBlocks {
            let values = heat.blocks[i]
            let best = try #require(values.indices.max { values[$0] < values[$1] })
            let cx = (Double(best % heat.grid.w) + 0.5) / Double(heat.grid.w) * 1280
            let cy = (Double(best / heat.grid.w) + 0.5) / Double(heat.grid.h) * 720
            #expect((860.0...1100.0).contains(cx) && (60.0...300.0).contains(cy), "block \(i): hottest cell at (\(cx), \(cy))")
        }
    }

    @Test func timelineHasOneBarPerBlockAndRendersInChromium() throws {
        let f = try Self.fixture.get()
        let m = f.result.manifest
        let svg = TimelineSVG.render(manifest: m, thumbnail: Data([0x89, 0x50, 0x4e, 0x47]))
        let structure = try SVGStructure(svg)
        #expect(structure.count(class: "block") == m.blocks.count)
        #expect(structure.count(class: "relevance") == 1)
        #expect(structure.count(class: "query") == 1)
        #expect(structure.count(class: "dense-window") >= 1)
        #expect(structure.texts.contains { $0.contains("\(m.budget.tokens) tokens (budget)") && $0.contains("Qwen3-VL default \(m.totals.qwen3vlDefaultTokens)") })
        // Bar heights follow tokens.
        let bars = structure.attributes(class: "block")
        for (bar, block) in zip(bars, m.blocks) {
            #expect(bar["data-tokens"] == "\(block.tokens)")
        }
        let tallest = try #require(bars.max { Double($0["height"] ?? "0")! < Double($1["height"] ?? "0")! })
        #expect(Int(tallest["data-tokens"] ?? "") == m.blocks.map(\.tokens).max())

        // Headless Chromium draws it: the PNG has the bar colours.
        let out = f.directory.appendingPathComponent("timeline")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try Preview.write(manifest: m, pixelValues: f.result.sequence.pixelValues, to: out)
        if let png = try Chromium.screenshot(svg: out.appendingPathComponent("timeline.svg"), width: 1200, height: 420) {
            let rgb = try FFmpegTool.rgbFrames(png, indices: [0], width: 1200, height: 420)[0]
            var orange = 0
            for i in stride(from: 0, to: rgb.count, by: 3) where rgb[i] > 220 && (120...150).contains(rgb[i + 1]) && rgb[i + 2] < 60 { orange += 1 }
            #expect(orange > 50, "no dense bar was drawn")
        }
    }

    @Test func previewCommandRedrawsTheSameSheetFromTheOutputDirectory() throws {
        let f = try Self.fixture.get()
        let out = f.directory.appendingPathComponent("cli").path
        let features = f.directory.appendingPathComponent("f.safetensors").path
        try f.features.write(to: features)
        let c = try CLIRunner.run(["compress", f.video, "--query-image", f.needle, "--budget", "1500", "--features", features, "--out", out, "--preview", "--heat"])
        #expect(c.status == 0, "\(c.stderr)")
        let first = try Data(contentsOf: URL(fileURLWithPath: out + "/preview.png"))
        try FileManager.default.removeItem(atPath: out + "/preview.png")
        let p = try CLIRunner.run(["preview", out, "--heat", "--features", features])
        #expect(p.status == 0, "\(p.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/preview.png")) == first)
        let bad = try CLIRunner.run(["preview", f.directory.path])
        #expect(bad.status == 1 && bad.stderr.contains("manifest.json"))
    }

    /// `arrcoc preview` writes into a folder it did not make whole: a picture there that arrcoc
    /// did not write stays, the marker lists the pictures it adds, and --heat scores only the
    /// video the manifest was made from.
    @Test func previewReplacesOnlyItsOwnPicturesAndScoresOnlyTheManifestsVideo() throws {
        let f = try Self.fixture.get()
        let out = f.directory.appendingPathComponent("own").path
        let c = try CLIRunner.run(["compress", f.video, "--query-image", f.needle, "--budget", "1500", "--out", out])
        #expect(c.status == 0, "\(c.stderr)")
        let sheet = URL(fileURLWithPath: out + "/preview.png")
        try Data("mine\n".utf8).write(to: sheet)
        let refused = try CLIRunner.run(["preview", out])
        #expect(refused.status == 1 && refused.stderr.contains("arrcoc did not write it"), "\(refused.stderr)")
        #expect(try Data(contentsOf: sheet) == Data("mine\n".utf8))
        try FileManager.default.removeItem(at: sheet)
        #expect(try CLIRunner.run(["preview", out]).status == 0)
        let marker = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/.arrcoc-output"))) as? [String: Any])
        #expect(Set(marker["files"] as? [String] ?? []).isSuperset(of: ["preview.png", "timeline.svg", "manifest.json"]))
        #expect(try CLIRunner.run(["preview", out]).status == 0, "its own pictures are replaced")

        let other = try CLIRunner.run(["preview", out, "--heat", "--video", try Samples.path("bikes.mp4")])
        #expect(other.status == 1 && other.stderr.contains("is not the video the manifest was made from"), "\(other.stderr)")
        let missing = try CLIRunner.run(["preview", out, "--heat", "--video", f.directory.appendingPathComponent("gone.mp4").path])
        #expect(missing.status == 1 && missing.stderr.contains("no such file"), "\(missing.stderr)")

        // Another run's tensors beside this manifest are refused, not drawn as garbage.
        let other2 = f.directory.appendingPathComponent("own-other").path
        #expect(try CLIRunner.run(["compress", f.video, "--query-image", f.needle, "--budget", "700", "--out", other2]).status == 0)
        let mixed = f.directory.appendingPathComponent("own-mixed")
        try FileManager.default.copyItem(atPath: out, toPath: mixed.path)
        try FileManager.default.removeItem(at: mixed.appendingPathComponent("tensors.safetensors"))
        try FileManager.default.copyItem(atPath: other2 + "/tensors.safetensors", toPath: mixed.appendingPathComponent("tensors.safetensors").path)
        let garbage = try CLIRunner.run(["preview", mixed.path])
        #expect(garbage.status == 1 && garbage.stderr.contains("(as manifest.json says)"), "\(garbage.stderr)")
    }

    /// A sheet of a 270-block output was 32,000 px tall. It shows at most `maximumTiles` now:
    /// every zoom block, then dense ones, then sparse ones, evenly spaced, in time order.
    @Test func aLongOutputsSheetShowsItsMomentsWithinTheTileCap() throws {
        let f = try Self.fixture.get()
        var m = f.result.manifest
        let first = m.blocks[0]
        let cells = first.keptCells?.count ?? first.grid.h * first.grid.w
        let rows = Array(f.result.sequence.pixelValues.prefix(cells * 4 * QwenPatchLayout.rowLength))
        m.blocks = (0..<270).map { i in
            var b = first
            b.index = i
            b.density = i % 10 < 3 ? .dense : .sparse
            b.region = i % 50 == 7 ? [0.25, 0.25, 0.5, 0.5] : nil
            return b
        }
        let shown = ContactSheet.shown(m.blocks)
        let zooms = m.blocks.indices.filter { m.blocks[$0].region != nil }
        #expect(shown.count == ContactSheet.maximumTiles && shown == shown.sorted() && Set(shown).count == shown.count)
        #expect(Set(zooms).isSubset(of: shown))
        // 6 zoom blocks, then 42 of the 81 dense blocks spread over the whole video; no sparse one.
        let dense = shown.filter { m.blocks[$0].region == nil }
        #expect(dense.count == 42 && dense.allSatisfy { m.blocks[$0].density == .dense })
        #expect(dense.first! < 20 && dense.last! > 250, "\(dense)")
        let all = (0..<270).flatMap { _ in rows }
        let sheet = ContactSheet.render(manifest: m, pixelValues: all)
        let full = ContactSheet.render(manifest: { var few = m; few.blocks = Array(m.blocks.prefix(48)); return few }(), pixelValues: all)
        #expect(sheet.height == full.height && sheet.height < 5000, "\(sheet.height) px")
        // At the cap, every block is shown.
        #expect(ContactSheet.shown(Array(m.blocks.prefix(48))) == Array(0..<48))
    }

    /// Above Qwen3-VL's default the title says larger, as the CLI does (it said "0.6X SMALLER").
    @Test func theTitleSaysLargerAboveTheDefault() throws {
        var m = try Self.fixture.get().result.manifest
        m.totals.compressionRatio = 0.6
        #expect(ContactSheet.title(m).hasSuffix("(1.7X LARGER)"), "\(ContactSheet.title(m))")
        m.totals.compressionRatio = 4
        #expect(ContactSheet.title(m).hasSuffix("(4.0X SMALLER)"))
    }
}
