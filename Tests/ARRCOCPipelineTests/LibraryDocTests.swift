import ARRCOC
import ARRCOCPipeline
import Foundation
import Testing
import TestSupport

/// Docs/library.md shows only compiled code: each ```swift block is preceded by
/// `<!-- snippet: PATH -->` (the whole file) or `<!-- snippet: PATH#NAME -->` (the lines between
/// `// snippet:begin NAME` and `// snippet:end NAME`, dedented), and must equal it. The main
/// example (Examples/CompressVideo, the `compress-video` executable) and the smaller ones
/// (LibraryTour) are then run here on real and generated videos.
@Suite(.serialized) struct LibraryDocTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    struct Block {
        var line: Int
        var marker: String?
        var code: String
    }

    /// The ```swift blocks of `markdown`, each with the snippet marker just above it (if any).
    static func swiftBlocks(_ markdown: String) -> [Block] {
        let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var blocks: [Block] = []
        var i = 0
        while i < lines.count {
            guard lines[i].trimmingCharacters(in: .whitespaces) == "```swift" else { i += 1; continue }
            var above = i - 1
            while above >= 0 && lines[above].trimmingCharacters(in: .whitespaces).isEmpty { above -= 1 }
            var marker: String? = nil
            if above >= 0, let m = lines[above].firstMatch(of: /^<!-- snippet: (.+?) -->$/) { marker = String(m.1) }
            var end = i + 1
            while end < lines.count && lines[end].trimmingCharacters(in: .whitespaces) != "```" { end += 1 }
            blocks.append(Block(line: i + 1, marker: marker, code: lines[(i + 1)..<min(end, lines.count)].joined(separator: "\n")))
            i = end + 1
        }
        return blocks
    }

    /// The code a marker names: a whole file, or a region of it, dedented.
    static func snippet(_ marker: String) throws -> String {
        let parts = marker.split(separator: "#", maxSplits: 1).map(String.init)
        let text = try String(contentsOf: repository.appendingPathComponent(parts[0]), encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        guard parts.count == 2 else { return lines.joined(separator: "\n") }
        let begin = try #require(lines.firstIndex { $0.trimmingCharacters(in: .whitespaces) == "// snippet:begin \(parts[1])" },
                                 "no `// snippet:begin \(parts[1])` in \(parts[0])")
        let end = try #require(lines[begin...].firstIndex { $0.trimmingCharacters(in: .whitespaces) == "// snippet:end \(parts[1])" },
                               "no `// snippet:end \(parts[1])` in \(parts[0])")
        let region = Array(lines[(begin + 1)..<end])
        let indent = region.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            .map { $0.prefix { $0 == " " }.count }.min() ?? 0
        return region.map { $0.count >= indent ? String($0.dropFirst(indent)) : "" }.joined(separator: "\n")
    }

    @Test func everySwiftBlockOfTheLibraryDocIsCodeTheTestsCompile() throws {
        let doc = try String(contentsOf: Self.repository.appendingPathComponent("Docs/library.md"), encoding: .utf8)
        let blocks = Self.swiftBlocks(doc)
        #expect(blocks.count >= 6)
        let compiled = blocks.compactMap(\.marker).filter { !$0.hasPrefix("not compiled") }
        #expect(compiled.first == "Examples/CompressVideo/main.swift", "the main example is the one `compress-video` builds")
        for block in blocks {
            guard let marker = block.marker else {
                Issue.record("Docs/library.md:\(block.line): a ```swift block without `<!-- snippet: PATH[#NAME] -->` above it")
                continue
            }
            if marker.hasPrefix("not compiled") { continue }
            let code = try Self.snippet(marker)
            #expect(block.code == code, "Docs/library.md:\(block.line) differs from \(marker): copy the code from there")
        }
    }

    /// A still of cockatoo.mp4 at 7 s (a 200-px crop around the bird) as the query image.
    static func cockatooQuery(in dir: URL) throws -> (video: String, query: String) {
        let video = try Samples.path("cockatoo.mp4")
        let query = dir.appendingPathComponent("query.png").path
        // `-ss` after `-i`: decoded from the start. cockatoo.mp4's sync-sample index misleads a
        // seek (decode errors, a different image each run).
        try FFmpegTool.run("ffmpeg", ["-v", "error", "-nostdin", "-y", "-i", video, "-ss", "7", "-vf", "crop=200:200:540:260",
                                      "-frames:v", "1", query])
        return (video, query)
    }

    @Test func mainExampleCompressesARealSampleWithinTheBudgetAndWritesTheOutputs() throws {
        let dir = TestClips.scratch("library-example")
        let (video, query) = try Self.cockatooQuery(in: dir)
        let out = dir.appendingPathComponent("out")
        let example = try CLIRunner.executable.deletingLastPathComponent().appendingPathComponent("compress-video")
        let r = try ProcessRunner.run(example, [video, query, "1500", out.path])
        let stdout = String(decoding: r.stdout, as: UTF8.self), stderr = String(decoding: r.stderr, as: UTF8.self)
        #expect(r.status == 0, "\(stderr)")
        #expect(stderr.contains("analysing cockatoo.mp4"), "progress callback: \(stderr)")
        for file in ["manifest.json", "prompt.txt", "tensors.safetensors"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(file).path), "\(file) missing")
        }
        let manifest = try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: out.appendingPathComponent("manifest.json")))
        #expect(manifest.budget.tokens == 1500)
        #expect(manifest.budget.used <= 1500)
        #expect(manifest.budget.used > 750, "a budget this small for a 14-s video is mostly spent")
        #expect(!manifest.blocks.isEmpty)
        // Whole frames take 64–400 tokens; a zoom block (a region) may take fewer, down to zoom_min_tokens.
        let config = CompressionConfig()
        #expect(manifest.blocks.allSatisfy { (($0.region == nil ? 64 : config.allocation.zoomMinTokens)...400).contains($0.tokens) },
                "\(manifest.blocks.map { ($0.tokens, $0.region as Any) })")
        #expect(stdout.hasPrefix("\(manifest.blocks.count) blocks, \(manifest.budget.used) of 1500 tokens"), "\(stdout)")
    }

    @Test func mainExampleExplainsItsArgumentsWhenGivenNone() throws {
        let example = try CLIRunner.executable.deletingLastPathComponent().appendingPathComponent("compress-video")
        let r = try ProcessRunner.run(example, [])
        #expect(r.status == 2)
        #expect(String(decoding: r.stderr, as: UTF8.self).hasPrefix("usage: compress-video VIDEO QUERY_IMAGE BUDGET OUT_DIR"))
    }

    @Test func featuresAreReusedAcrossBudgetsAndEachBudgetIsRespected() throws {
        let dir = TestClips.scratch("library-reuse")
        let video = try TestClips.path(try #require(TestClips.recipes.first { $0.name == "h264-bframes.mp4" }))
        let query = dir.appendingPathComponent("query.png").path
        try FFmpegTool.run("ffmpeg", ["-v", "error", "-nostdin", "-y", "-ss", "2", "-i", video, "-vf", "crop=96:96:100:60",
                                      "-frames:v", "1", query])
        let budgets = [300, 600]
        let manifests = try LibraryTour.compressAtSeveralBudgets(
            video: video, queryImage: query, featuresFile: dir.appendingPathComponent("clip.features.safetensors").path,
            budgets: budgets, outputs: dir)
        #expect(manifests.map(\.budget.tokens) == budgets)
        for (m, budget) in zip(manifests, budgets) {
            #expect(m.budget.used <= budget)
            #expect(!m.blocks.isEmpty)
            for file in ["manifest.json", Preview.sheetName, Preview.timelineName] {
                #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("budget-\(budget)/\(file)").path))
            }
        }
        #expect(manifests[1].budget.used > manifests[0].budget.used)
    }

    @Test func haystackBuiltCompressedAndEvaluatedThroughTheLibrary() throws {
        let dir = TestClips.scratch("library-haystack")
        let background = try TestClips.path(try #require(TestClips.recipes.first { $0.name == "h264-bframes.mp4" }))
        let needle = dir.appendingPathComponent("needle.png").path
        try FFmpegTool.run("ffmpeg", ["-v", "error", "-nostdin", "-y", "-f", "lavfi", "-i", "mandelbrot=s=96x96", "-frames:v", "1", needle])
        let metrics = try LibraryTour.needleInAHaystack(background: background, needle: needle, directory: dir, budget: 500)
        #expect(metrics.tokensUsed <= 500)
        #expect(metrics.eventHit == 1, "\(metrics)")
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("haystack.yaml").path))
    }

    @Test func sweepRunsFromASweepFileThroughTheLibrary() throws {
        let dir = TestClips.scratch("library-sweep")
        let background = try TestClips.path(try #require(TestClips.recipes.first { $0.name == "h264-bframes.mp4" }))
        let file = dir.appendingPathComponent("tiny.yaml")
        try """
            name: tiny
            dataset:
              haystacks:
                - {background: "\(background)", needle: builtin, clips: 1, events: 1, event_duration_s: [1.0, 1.5]}
            budgets: [300]
            strategies: [{name: arrcoc}, {name: uniform}]
            """.write(to: file, atomically: false, encoding: .utf8)
        let out = dir.appendingPathComponent("out")
        #expect(try LibraryTour.sweep(file: file.path, out: out))
        for name in ["results.csv", "summary.md", "recall-vs-budget.svg"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(name).path), "\(name) missing")
        }
        let rows = try String(contentsOf: out.appendingPathComponent("results.csv"), encoding: .utf8).split(separator: "\n")
        #expect(rows.count == 3, "a header and one row per strategy: \(rows)")
    }
}
