import ARRCOC
import ARRCOCPipeline
import Foundation
import Testing
import TestSupport

/// Zoom blocks end to end: `arrcoc compress` on cockatoo.mp4 (1280×720) with a 160-px
/// Mandelbrot needle at (900, 100) from 6 to 9 s, at a budget where a whole frame cannot put
/// many tokens on the needle.
@Suite(.serialized) struct ZoomBlockTests {
    struct Fixture: Sendable {
        let video: String
        let out: String
        let manifest: Manifest
        let pixels: [Float]
    }

    /// The needle's box, normalised.
    static let box = [900.0 / 1280, 100.0 / 720, 160.0 / 1280, 160.0 / 720]

    static let fixture: Result<Fixture, Error> = Result {
        let dir = TestClips.scratch("zoom")
        let (video, needle) = try TestClips.cockatooWithMandelbrot(in: dir)
        let out = dir.appendingPathComponent("out").path
        let r = try CLIRunner.run(["compress", video, "--query-image", needle, "--budget", "800", "--out", out])
        guard r.status == 0 else { throw FFmpegTool.Failure(command: ["arrcoc", "compress"], status: r.status, stderr: r.stderr) }
        let manifest = try Manifest.load(path: out + "/manifest.json")
        let pixels = try #require(try Safetensors(contentsOf: out + "/tensors.safetensors").tensors["pixel_values_videos"]?.floats)
        return Fixture(video: video, out: out, manifest: manifest, pixels: pixels)
    }

    /// The block's first frame as the model sees it, rebuilt from `pixel_values_videos`.
    static func image(of index: Int, in f: Fixture) -> RGBImage {
        let offset = f.manifest.blocks.prefix(index).reduce(0) { $0 + $1.tokens } * 4 * QwenPatchLayout.rowLength
        let b = f.manifest.blocks[index]
        let count = b.tokens * 4 * QwenPatchLayout.rowLength
        return QwenPatchLayout.image(rows: f.pixels[offset..<(offset + count)], grid: b.grid, cells: Array(0..<b.grid.product))
    }

    /// `region` of the frame at `time`, cut and scaled (bicubic) to `width × height` by the
    /// ffmpeg command line: an independent decoder, crop and resize.
    static func reference(_ video: String, time: Double, region: Region, width: Int, height: Int) throws -> [UInt8] {
        let r = region.pixels(width: 1280, height: 720)
        return [UInt8](try FFmpegTool.run("ffmpeg", [
            "-v", "error", "-nostdin", "-ss", String(format: "%.4f", max(0, time - 0.001)), "-i", video, "-frames:v", "1",
            "-vf", "crop=\(r.width):\(r.height):\(r.x):\(r.y),scale=\(width):\(height):flags=bicubic", "-pix_fmt", "rgb24", "-f", "rawvideo", "-",
        ]))
    }

    static func meanDifference(_ a: [UInt8], _ b: [UInt8]) -> Double {
        guard a.count == b.count, !a.isEmpty else { return .infinity }
        return zip(a, b).reduce(0.0) { $0 + abs(Double($1.0) - Double($1.1)) } / Double(a.count)
    }

    @Test func aZoomBlockShowsTheNeedleCutFromTheFullResolutionFrame() throws {
        let f = try Self.fixture.get()
        #expect(f.manifest.budget.used <= 800)
        let zooms = f.manifest.blocks.indices.filter { f.manifest.blocks[$0].region != nil }
        let onNeedle = zooms.filter { (6...9).contains(f.manifest.blocks[$0].timeSeconds) }
        #expect(!onNeedle.isEmpty, "no zoom block on the needle: \(f.manifest.blocks.map { ($0.timeSeconds, $0.region) })")
        // The needle is seen in detail: some zoom block puts ≥ 16 tokens on its box
        // (tokens × area(box ∩ region) / area(region)); a whole frame at 400 tokens would give it
        // fewer. Other zoom blocks of the moment may be small (`zoom_min_tokens`).
        let detail = onNeedle.map { i -> Double in
            let b = f.manifest.blocks[i]
            guard let region = b.region.flatMap(Region.init(array:)) else { return 0 }
            return Double(b.tokens) * region.intersectionArea(Self.box) / region.area
        }
        #expect((detail.max() ?? 0) >= 16, "tokens on the needle per zoom block: \(detail)")
        for i in onNeedle {
            let b = f.manifest.blocks[i]
            let region = try #require(b.region.flatMap(Region.init(array:)))
            // The region holds the needle.
            #expect(region.intersectionArea(Self.box) >= 0.9 * Self.box[2] * Self.box[3], "region \(region)")
            // Never above native resolution as the stock processor rounds it (each side to the
            // nearest multiple of 32), aspect kept.
            let pw = region.w * 1280, ph = region.h * 720
            #expect(Double(b.grid.w * 32) <= pw + 16 && Double(b.grid.h * 32) <= ph + 16)
            #expect(abs(Double(b.grid.w) / Double(b.grid.h) - pw / ph) <= 0.25 * pw / ph)
            // Its pixels are that region of the frame, resized: within bicubic and 8-bit rounding
            // of ffmpeg's own crop and scale, and far from the region next to it.
            let image = Self.image(of: i, in: f)
            let frameTime = try #require(b.frameTimes.first)
            let same = Self.meanDifference(image.pixels, try Self.reference(f.video, time: frameTime, region: region, width: image.width, height: image.height))
            let shifted = Region(x: region.x + region.w <= 0.5 ? region.x + region.w : region.x - region.w, y: region.y, w: region.w, h: region.h)
            let other = Self.meanDifference(image.pixels, try Self.reference(f.video, time: frameTime, region: shifted, width: image.width, height: image.height))
            #expect(same < 8, "block \(i): mean |difference| \(same) from ffmpeg's crop")
            #expect(other > 3 * same, "block \(i): \(other) vs \(same)")
        }
    }

    @Test func theManifestRoundTripsAndEvalCountsTheRegion() throws {
        let f = try Self.fixture.get()
        let truth = Truth(video: f.video, query: "needle.png", events: [.init(startSeconds: 6, endSeconds: 9, box: Self.box)])
        let m = try Evaluation.evaluate(manifest: f.manifest, truth: truth, delta: 1)
        #expect(m.detailRecall == 1 && m.eventHit == 1)
        // Whole frames only (zoom off) at the same budget do not reach 16 tokens on the box.
        let dir = URL(fileURLWithPath: f.out).deletingLastPathComponent()
        let config = dir.appendingPathComponent("off.yaml")
        try "allocation:\n  zoom: off\n".write(to: config, atomically: false, encoding: .utf8)
        let off = dir.appendingPathComponent("off").path
        let r = try CLIRunner.run(["compress", f.video, "--query-image", dir.appendingPathComponent("needle.png").path, "--budget", "800",
                                   "--config", config.path, "--out", off])
        #expect(r.status == 0, "\(r.stderr)")
        let whole = try Manifest.load(path: off + "/manifest.json")
        #expect(whole.blocks.allSatisfy { $0.region == nil })
        #expect(try Evaluation.evaluate(manifest: whole, truth: truth, delta: 1).detailRecall == 0)
    }
}
