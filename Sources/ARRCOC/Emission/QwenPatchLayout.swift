/// Pixel rows of `pixel_values_videos` exactly as Qwen3-VL's video processor lays them out
/// (transformers `video_processing_qwen3_vl` / `image_processing_qwen2_vl._preprocess`):
/// rescale 1/255, normalise with mean = std = 0.5, then view a block as
/// `(t, tp, c, h/2, 2, 16, w/2, 2, 16)` and permute to `(t, h/2, w/2, 2, 2, c, tp, 16, 16)`.
/// So the four 16-px patches of each 2×2 merge group are consecutive rows, groups in row-major
/// order, and within a row the 1536 values run channel, then temporal, then pixel row, then column.
public enum QwenPatchLayout {
    public static let patch = 16
    public static let temporalPatch = 2
    public static let merge = 2
    /// Values per row: 3 channels × 2 frames × 16 × 16.
    public static let rowLength = 3 * 2 * 16 * 16

    /// The rows of one block of `grid` LLM tokens (`h × w`) from its two frames, each
    /// `32·w × 32·h` pixels. Returns `grid.h · grid.w · 4` rows of `rowLength` values.
    public static func rows(frames: (RGBImage, RGBImage), grid: THW) -> [Float] {
        rows(frames: frames, grid: grid, cells: Array(0..<(grid.h * grid.w)))
    }

    /// Only the merge groups (LLM tokens) listed in `cells` (row-major indices on `grid`), in that
    /// order: the `select` mode, where a block keeps its most relevant cells at full resolution.
    public static func rows(frames: (RGBImage, RGBImage), grid: THW, cells: [Int]) -> [Float] {
        let width = grid.w * patch * merge
        precondition(frames.0.width == width && frames.0.height == grid.h * patch * merge, "frame size does not match the grid")
        precondition(frames.1.width == frames.0.width && frames.1.height == frames.0.height)
        var out = [Float](repeating: 0, count: cells.count * 4 * rowLength)
        let scale: Float = 1 / 127.5  // (x/255 − 0.5) / 0.5
        let pixels = [frames.0.pixels, frames.1.pixels]
        out.withUnsafeMutableBufferPointer { o in
            var row = 0
            for cell in cells {
                let gh = cell / grid.w, gw = cell % grid.w
                for mh in 0..<merge {
                    for mw in 0..<merge {
                        let y0 = (gh * merge + mh) * patch, x0 = (gw * merge + mw) * patch
                        let base = row * rowLength
                        for c in 0..<3 {
                            for tp in 0..<temporalPatch {
                                pixels[tp].withUnsafeBufferPointer { px in
                                    for y in 0..<patch {
                                        let src = ((y0 + y) * width + x0) * 3 + c
                                        let dst = base + ((c * temporalPatch + tp) * patch + y) * patch
                                        for x in 0..<patch { o[dst + x] = Float(px[src + 3 * x]) * scale - 1 }
                                    }
                                }
                            }
                        }
                        row += 1
                    }
                }
            }
        }
        return out
    }
}
