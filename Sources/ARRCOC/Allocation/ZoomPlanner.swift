import Foundation

/// Candidate zoom views of a frame from its per-cell relevance map.
///
/// The relevant spot is the bounding box of the *hot* cells (relevance at least
/// `hotFraction` of the way from the frame's median cell to its best), padded by a cell. Regions
/// are the hot cells connected to the best one (padded, at their own aspect: a tall needle gets
/// a tall region), the box of every hot cell at its own aspect, that box grown to the frame's
/// aspect, and the same centre at a few larger zoom scales
/// (Q-Frame, ICCV 2025: query-aware frames at several resolutions), each cell-aligned on the
/// analysis grid and clamped inside the frame. Each region's token grids keep its aspect and
/// never ask for more than the source's native resolution (× `zoom_max_upscale`) as the stock
/// processor counts it: a side of p source pixels has at most round(p / 32) tokens. Cropping to
/// the region the query points at is what makes small details legible to a stock model (ViCrop;
/// "MLLMs know where to look", ICLR 2025).
public enum ZoomPlanner {
    /// Cells at least this far from the median towards the maximum are hot.
    static let hotFraction: Float = 0.5
    /// Zoom scales beyond the tight box: region side as a share of the frame's.
    static let scales = [0.5, 0.7]
    /// Most token grids offered per region (evenly spread over its levels, the largest kept).
    static let gridsPerRegion = 6
    /// A region must at least multiply the relevant tokens by this much to be offered.
    static let minimumGain = 1.1

    /// Relevance weights of a frame's cells: `max(0, r − median)`, normalised to sum 1; nil for
    /// a flat map (nothing stands out, so no region is better than the whole frame).
    static func weights(_ map: [Float]) -> [Double]? {
        guard !map.isEmpty else { return nil }
        let median = Double(map.sorted()[map.count / 2])
        let w = map.map { max(0, Double($0) - median) }
        let total = w.reduce(0, +)
        guard total > 1e-9 else { return nil }
        return w.map { $0 / total }
    }

    /// Cell rectangles (row, col, rows, cols) of the candidate regions, smallest first, none
    /// covering the whole frame.
    static func regions(_ map: [Float], rows: Int, cols: Int) -> [(row: Int, col: Int, rows: Int, cols: Int)] {
        guard map.count == rows * cols, let top = map.max() else { return [] }
        let median = map.sorted()[map.count / 2]
        let threshold = median + hotFraction * (top - median)
        var r0 = rows, r1 = -1, c0 = cols, c1 = -1
        for r in 0..<rows {
            for c in 0..<cols where map[r * cols + c] >= threshold {
                r0 = min(r0, r); r1 = max(r1, r); c0 = min(c0, c); c1 = max(c1, c)
            }
        }
        guard r1 >= 0 else { return [] }
        // Padded by a cell (the clamp below keeps it inside the frame).
        let boxRows = r1 - r0 + 3, boxCols = c1 - c0 + 3
        let centreRow = Double(r0 + r1 + 1) / 2, centreCol = Double(c0 + c1 + 1) / 2
        var out: [(row: Int, col: Int, rows: Int, cols: Int)] = []
        // The spot around the best cell alone (the hot cells connected to it), padded, at its
        // own aspect; then the box of every hot cell, padded, at its own aspect: a tall needle's
        // region is tall, and a second hot spot elsewhere in the frame does not widen the first.
        for (first, left, last, right) in [Self.spot(map, rows: rows, cols: cols, threshold: threshold), (r0, c0, r1, c1)] {
            let kh = min(last - first + 3, rows), kw = min(right - left + 3, cols)
            let row = min(rows - kh, max(0, Int((Double(first + last + 1) / 2 - Double(kh) / 2).rounded())))
            let col = min(cols - kw, max(0, Int((Double(left + right + 1) / 2 - Double(kw) / 2).rounded())))
            if kh < rows || kw < cols, !out.contains(where: { $0 == (row, col, kh, kw) }) { out.append((row, col, kh, kw)) }
        }
        for scale in [0] + scales {
            // Grow to the frame's aspect: the same share of rows and of columns.
            let share = max(Double(boxRows) / Double(rows), Double(boxCols) / Double(cols), scale)
            let h = max(boxRows, Int((share * Double(rows)).rounded())), w = max(boxCols, Int((share * Double(cols)).rounded()))
            guard h < rows || w < cols else { continue }
            let kh = min(h, rows), kw = min(w, cols)
            let row = min(rows - kh, max(0, Int((centreRow - Double(kh) / 2).rounded())))
            let col = min(cols - kw, max(0, Int((centreCol - Double(kw) / 2).rounded())))
            if !out.contains(where: { $0 == (row, col, kh, kw) }) { out.append((row, col, kh, kw)) }
        }
        return out
    }

    /// The bounding rows and columns (first, first, last, last) of the hot cells (≥ `threshold`)
    /// connected to the map's best cell, its eight neighbours counting as connected.
    static func spot(_ map: [Float], rows: Int, cols: Int, threshold: Float) -> (top: Int, left: Int, bottom: Int, right: Int) {
        guard let top = map.max(), let best = map.firstIndex(of: top) else { return (0, 0, rows - 1, cols - 1) }
        var seen = Set([best]), stack = [best]
        var r0 = rows, r1 = -1, c0 = cols, c1 = -1
        while let i = stack.popLast() {
            let r = i / cols, c = i % cols
            r0 = min(r0, r); r1 = max(r1, r); c0 = min(c0, c); c1 = max(c1, c)
            for rr in max(0, r - 1)...min(rows - 1, r + 1) {
                for cc in max(0, c - 1)...min(cols - 1, c + 1) where map[rr * cols + cc] >= threshold && !seen.contains(rr * cols + cc) {
                    seen.insert(rr * cols + cc)
                    stack.append(rr * cols + cc)
                }
            }
        }
        return (r0, c0, r1, c1)
    }

    /// Token grids of a region `width × height` source pixels: its aspect kept, between
    /// `minimum` and `maximum` tokens, each side at most the native grid of `upscale` × its
    /// pixels (`nativeSide`).
    static func grids(width: Double, height: Double, minimum: Int, maximum: Int, upscale: Double) -> [THW] {
        guard width >= 1, height >= 1 else { return [] }
        let all = TokenGrid.levels(width: Int(width.rounded()), height: Int(height.rounded()), minimum: minimum, maximum: maximum)
        let maxW = nativeSide(upscale * width), maxH = nativeSide(upscale * height)
        let native = all.filter { $0.w <= maxW && $0.h <= maxH }
        guard native.count > gridsPerRegion else { return native }
        return (0..<gridsPerRegion).map { k in native[Int((Double(k) * Double(native.count - 1) / Double(gridsPerRegion - 1)).rounded())] }
            .reduce(into: [THW]()) { if $0.last != $1 { $0.append($1) } }
    }

    /// Tokens along a side of `pixels` source pixels at native resolution: the stock processor's
    /// own rounding (`smart_resize` rounds each side to the nearest multiple of 32, so a 154-px
    /// side is 5 tokens, 160 px), at least 1. A region is never shown sharper than the stock
    /// model would show the same pixels cut out and given to it whole.
    static func nativeSide(_ pixels: Double) -> Int {
        max(1, QwenVideoDefaults.roundBy(pixels, QwenVideoDefaults.factor) / QwenVideoDefaults.factor)
    }

    /// The zoom views of a frame whose per-cell relevance is `map` (on `rows × cols`).
    public static func views(_ map: [Float], rows: Int, cols: Int, sourceWidth: Int, sourceHeight: Int, config: AllocationConfig) -> [ZoomView] {
        guard let w = weights(map) else { return [] }
        var out: [ZoomView] = []
        for r in regions(map, rows: rows, cols: cols) {
            let region = Region(row: r.row, col: r.col, rows: r.rows, cols: r.cols, gridRows: rows, gridCols: cols)
            var mass = 0.0
            for row in r.row..<(r.row + r.rows) { for col in r.col..<(r.col + r.cols) { mass += w[row * cols + col] } }
            let gain = mass / region.area
            guard gain >= minimumGain else { continue }
            // The crop's own size (its corners rounded to whole source pixels, as it is cut).
            let crop = region.pixels(width: sourceWidth, height: sourceHeight)
            for grid in grids(width: Double(crop.width), height: Double(crop.height), minimum: config.zoomMinTokens, maximum: config.maxTokens, upscale: config.zoomMaxUpscale) {
                out.append(ZoomView(region: region, grid: grid, gain: gain))
            }
        }
        return out
    }
}
