/// How a block's tokens are spent.
public enum SpendMode: String, Sendable, Codable, CaseIterable {
    /// The whole frame at a coarser grid: stock Qwen3-VL compatible (default).
    case resize
    /// The most relevant cells of the analysis grid at full resolution, positions kept: for
    /// models that take custom position ids.
    case select
}

/// One block ready to emit: its allocation and pixels.
public struct EmissionBlock: Sendable {
    public var block: Block
    /// The grid the pixels are laid on: the block's grid (resize) or the analysis grid (select).
    public var pixelGrid: THW
    /// Row-major cells of `pixelGrid` to emit (all of them in resize mode).
    public var cells: [Int]
    /// The block's two frames at `pixelGrid` × 32 px.
    public var frames: (RGBImage, RGBImage)

    public init(block: Block, pixelGrid: THW, cells: [Int], frames: (RGBImage, RGBImage)) {
        self.block = block
        self.pixelGrid = pixelGrid
        self.cells = cells
        self.frames = frames
    }
}

/// The emitted sequence: text, ids, positions and pixels for a Qwen3-VL forward pass.
public struct EmittedSequence: Sendable {
    /// The sequence as text for people: `<|video_pad|>` runs written once with a count
    /// (`<|video_pad|>×350`).
    public var prompt: String
    /// The sequence as text that the Qwen tokenizer turns into exactly `inputIDs`: every
    /// `<|video_pad|>` written out, nothing else around it.
    public var text: String
    public var inputIDs: [Int64]
    /// `3 × L`, rows t, h, w (get_rope_index), starting at 0.
    public var positionIDs: [Int64]
    /// `N × 1536`. Empty when the pixels were streamed to a file instead
    /// (`Engine.compress(video:features:query:budget:writingTo:)`, `SequenceEmitter.emitLayout`).
    public var pixelValues: [Float]
    /// `blocks × 3` in 16-px patch units, t = 1.
    public var gridTHW: [Int64]
    public var length: Int { inputIDs.count }
}

/// Turns allocated blocks with their pixels into the sequence. One job, one implementation per
/// format is not needed: the format only changes the timestamp text.
public struct SequenceEmitter: Sendable {
    public var format: SequenceFormat

    public init(format: SequenceFormat) {
        self.format = format
    }

    /// Emits `blocks` (in time order).
    ///
    /// `inputIDs` carry the real Qwen ids of the timestamp text (`TimestampCost.tokenIDs`), so
    /// that `text` tokenises to exactly them.
    ///
    /// Position ids follow transformers' `Qwen3VLModel.get_rope_index`: every text token
    /// (timestamp text, vision_start, vision_end) gets (p, p, p) and advances p by one; a block
    /// starting at p gives its token at (row, col) the ids (p, p + row, p + col); the next text
    /// token then gets p + max(h, w). In select mode only the kept cells are emitted, each keeping
    /// its (row, col) on the full grid.
    public func emit(_ blocks: [EmissionBlock]) -> EmittedSequence {
        var sequence = emitLayout(blocks: blocks.map(\.block), pixelGrids: blocks.map(\.pixelGrid), cells: blocks.map(\.cells))
        // Sized once: appending block by block would regrow the largest array of the run (about
        // 25 KB per token), holding an old and a new copy at each regrowth.
        sequence.pixelValues.reserveCapacity(Self.pixelRowCount(cells: blocks.map(\.cells)) * QwenPatchLayout.rowLength)
        for b in blocks { sequence.pixelValues += QwenPatchLayout.rows(frames: b.frames, grid: b.pixelGrid, cells: b.cells) }
        return sequence
    }

    /// Rows of `pixel_values_videos` for blocks emitting `cells` (four 16-px patches per token).
    public static func pixelRowCount(cells: [[Int]]) -> Int { cells.reduce(0) { $0 + $1.count } * 4 }

    /// `emit(_:)` without the pixels (`pixelValues` is empty): text, ids, positions and grids
    /// depend only on the blocks' times, grids and cells, so a writer can lay out the tensors
    /// before any frame is decoded and stream `pixel_values_videos` block by block
    /// (`QwenPatchLayout.rows` of each block, in order, is what `emit(_:)` appends).
    public func emitLayout(blocks: [Block], pixelGrids: [THW], cells: [[Int]]) -> EmittedSequence {
        precondition(blocks.count == pixelGrids.count && blocks.count == cells.count, "one grid and one cell list per block")
        var prompt = ""
        var exact = ""
        var ids: [Int64] = []
        var t: [Int64] = [], h: [Int64] = [], w: [Int64] = []
        var grids: [Int64] = []
        var p: Int64 = 0
        func text(_ id: Int64) {
            ids.append(id)
            t.append(p); h.append(p); w.append(p)
            p += 1
        }
        for (i, b) in blocks.enumerated() {
            let grid = pixelGrids[i], kept = cells[i]
            let stamp = TimestampCost.text(seconds: b.time, format: format)
            prompt += stamp + "<|vision_start|><|video_pad|>×\(kept.count)<|vision_end|>"
            exact += stamp + "<|vision_start|>" + String(repeating: "<|video_pad|>", count: kept.count) + "<|vision_end|>"
            TimestampCost.tokenIDs(seconds: b.time, format: format).forEach(text)
            text(QwenTokens.visionStart)
            for cell in kept {
                let row = Int64(cell / grid.w), col = Int64(cell % grid.w)
                ids.append(QwenTokens.videoPad)
                t.append(p); h.append(p + row); w.append(p + col)
            }
            p += Int64(max(grid.h, grid.w))
            text(QwenTokens.visionEnd)
            grids += [1, Int64(2 * grid.h), Int64(2 * grid.w)]
        }
        return EmittedSequence(prompt: prompt, text: exact, inputIDs: ids, positionIDs: t + h + w, pixelValues: [], gridTHW: grids)
    }
}
