extension QwenPatchLayout {
    /// The inverse of `rows(frames:grid:cells:)` for one frame of a block: the picture the model
    /// is given, `32·w × 32·h` pixels, rebuilt from the block's rows of `pixel_values_videos`.
    /// Cells not listed in `cells` (select mode) are left at `fill`.
    /// - Parameters:
    ///   - rows: the block's rows, `cells.count · 4 · rowLength` values.
    ///   - frame: 0 or 1, which of the block's two frames.
    public static func image(rows: ArraySlice<Float>, grid: THW, cells: [Int], frame: Int = 0, fill: UInt8 = 40) -> RGBImage {
        let width = grid.w * patch * merge, height = grid.h * patch * merge
        var pixels = [UInt8](repeating: fill, count: width * height * 3)
        let start = rows.startIndex
        var row = 0
        for cell in cells where row * rowLength + 4 * rowLength <= rows.count {
            let gh = cell / grid.w, gw = cell % grid.w
            for mh in 0..<merge {
                for mw in 0..<merge {
                    let y0 = (gh * merge + mh) * patch, x0 = (gw * merge + mw) * patch
                    let base = start + row * rowLength
                    for c in 0..<3 {
                        for y in 0..<patch {
                            let src = base + ((c * temporalPatch + frame) * patch + y) * patch
                            let dst = ((y0 + y) * width + x0) * 3 + c
                            for x in 0..<patch {
                                let v = (rows[src + x] + 1) * 127.5
                                pixels[dst + 3 * x] = UInt8(max(0, min(255, v.rounded())))
                            }
                        }
                    }
                    row += 1
                }
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }
}
