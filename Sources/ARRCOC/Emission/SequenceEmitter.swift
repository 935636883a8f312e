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
    /// `N × 1536`.
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
        var prompt = ""
        var exact = ""
        var ids: [Int64] = []
        var t: [Int64] = [], h: [Int64] = [], w: [Int64] = []
        // Sized once: appending block by block would regrow the largest array of the run (about
        // 25 KB per token), holding an old and a new copy at each regrowth.
        var pixels: [Float] = []
        pixels.reserveCapacity(blocks.reduce(0) { $0 + $1.cells.count } * 4 * QwenPatchLayout.rowLength)
        var grids: [Int64] = []
        var p: Int64 = 0
        func text(_ id: Int64) {
            ids.append(id)
            t.append(p); h.append(p); w.append(p)
            p += 1
        }
        for b in blocks {
            let stamp = TimestampCost.text(seconds: b.block.time, format: format)
            prompt += stamp + "<|vision_start|><|video_pad|>×\(b.cells.count)<|vision_end|>"
            exact += stamp + "<|vision_start|>" + String(repeating: "<|video_pad|>", count: b.cells.count) + "<|vision_end|>"
            TimestampCost.tokenIDs(seconds: b.block.time, format: format).forEach(text)
            text(QwenTokens.visionStart)
            for cell in b.cells {
                let row = Int64(cell / b.pixelGrid.w), col = Int64(cell % b.pixelGrid.w)
                ids.append(QwenTokens.videoPad)
                t.append(p); h.append(p + row); w.append(p + col)
            }
            p += Int64(max(b.pixelGrid.h, b.pixelGrid.w))
            text(QwenTokens.visionEnd)
            pixels += QwenPatchLayout.rows(frames: b.frames, grid: b.pixelGrid, cells: b.cells)
            grids += [1, Int64(2 * b.pixelGrid.h), Int64(2 * b.pixelGrid.w)]
        }
        return EmittedSequence(prompt: prompt, text: exact, inputIDs: ids, positionIDs: t + h + w, pixelValues: pixels, gridTHW: grids)
    }
}
