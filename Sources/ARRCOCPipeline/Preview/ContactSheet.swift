import ARRCOC
import Foundation

/// `preview.png`: the chosen blocks in time order, each drawn from the very pixels the model
/// is given (rebuilt from `pixel_values_videos`), scaled without smoothing, so that a 64-token
/// block looks coarse and a 400-token block sharp; under each, its timestamp text, its tokens
/// and grid, and its kind. An optional heat overlay tints the cells whose relevance is high.
public enum ContactSheet {
    /// Tile width in pixels.
    /// Half the width of the finest block of 16:9 video (26 × 32 px): a coarse block is
    /// magnified and shows its pixels, a fine one is shown at full detail.
    static let tileWidth = 416
    static let columns = 4
    static let margin = 12
    static let labelHeight = 40
    static let headerHeight = 44
    /// Most tiles a sheet shows (12 rows of 4, about 3,600 px tall for 16:9 video): a sheet of
    /// every block of a 270-block output was 32,000 px tall. `timeline.svg` shows every block.
    static let maximumTiles = 48
    /// Cells at or above this relevance (0…1) are tinted by the heat overlay; others are untouched.
    public static let heatThreshold: Float = 0.5

    static let background: Canvas.Colour = (24, 24, 28)
    static let ink: Canvas.Colour = (235, 235, 235)
    static let heatColour: Canvas.Colour = (255, 40, 30)

    /// The colour of a block's kind.
    static func colour(_ density: Density) -> Canvas.Colour {
        switch density {
        case .dense: (240, 130, 20)
        case .sparse: (70, 130, 230)
        }
    }

    /// Per block, relevance 0…1 on a `grid` of cells of the source frame (e.g. the analysis grid).
    public struct Heat: Sendable {
        public var grid: THW
        public var blocks: [[Float]]

        public init(grid: THW, blocks: [[Float]]) {
            self.grid = grid
            self.blocks = blocks
        }
    }

    /// Renders the sheet for `manifest` from the rows of `pixelValues` (`N × 1536`, row-major).
    /// The sheet's title: strategy, blocks, tokens, and the ratio to Qwen3-VL's default as the
    /// CLI says it ("4.0X SMALLER", or "1.7X LARGER" above the default), in the sheet's letters.
    static func title(_ manifest: Manifest) -> String {
        let t = manifest.totals
        return "\(manifest.strategy.name) - \(t.blocks) BLOCKS, \(t.sequenceLength) OF \(manifest.budget.tokens) TOKENS; "
            + "QWEN3-VL DEFAULT \(t.qwen3vlDefaultTokens) (\(Manifest.Totals.ratioPhrase(t.compressionRatio).uppercased().replacingOccurrences(of: "×", with: "X")))"
    }

    /// The blocks a sheet shows, in time order: all of them up to `maximumTiles`; beyond, zoom
    /// blocks first, then dense ones, then sparse ones, each kind evenly spaced over the video, so
    /// that the moments are on the sheet and the context is sampled.
    static func shown(_ blocks: [Manifest.ManifestBlock]) -> [Int] {
        guard blocks.count > maximumTiles else { return Array(blocks.indices) }
        let kinds = [
            blocks.indices.filter { blocks[$0].region != nil },
            blocks.indices.filter { blocks[$0].region == nil && blocks[$0].density == .dense },
            blocks.indices.filter { blocks[$0].region == nil && blocks[$0].density == .sparse },
        ]
        var chosen: [Int] = []
        for kind in kinds {
            let room = min(maximumTiles - chosen.count, kind.count)
            // `room` of the kind, evenly spaced: the i-th at (i + ½) / room of the way through.
            chosen += (0..<room).map { kind[(2 * $0 + 1) * kind.count / (2 * room)] }
        }
        return chosen.sorted()
    }

    public static func render(manifest: Manifest, pixelValues: [Float], heat: Heat? = nil) -> RGBImage {
        let source = manifest.source
        let tileHeight = max(64, min(tileWidth * 3 / 2, tileWidth * max(source.height, 1) / max(source.width, 1)))
        let shown = shown(manifest.blocks)
        let n = shown.count
        let cols = max(1, min(columns, n))
        let rows = max(1, (n + cols - 1) / cols)
        // Wide enough for the title (about 1000 px) even with one block.
        let width = max(margin + cols * (tileWidth + margin), 1100)
        let height = headerHeight + rows * (tileHeight + labelHeight + 6 + margin) + margin
        var canvas = Canvas(width: width, height: height, background: background)
        canvas.text(title(manifest), x: margin, y: 8, scale: 2, ink)
        let zoomNote = manifest.blocks.contains { $0.region != nil } ? ", ZOOM = A REGION OF THE FRAME (THE BOX UNDER ITS TILE SHOWS WHERE)" : ""
        let subset = n < manifest.blocks.count ? "SHOWING \(n) OF \(manifest.blocks.count) BLOCKS (TIMELINE.SVG HAS THEM ALL), " : ""
        canvas.text(subset + "ORANGE = DENSE, BLUE = SPARSE" + (heat == nil ? "" : ", RED TINT = HIGH RELEVANCE") + zoomNote,
                    x: margin, y: 26, scale: 1, (170, 170, 170))

        var offset = 0, tile = 0
        for (i, block) in manifest.blocks.enumerated() {
            let cells = block.keptCells ?? Array(0..<(block.grid.h * block.grid.w))
            let count = cells.count * 4 * QwenPatchLayout.rowLength
            guard offset + count <= pixelValues.count else { break }
            defer { offset += count }
            guard tile < n, shown[tile] == i else { continue }
            let image = QwenPatchLayout.image(rows: pixelValues[offset..<(offset + count)], grid: block.grid, cells: cells)
            let x = margin + (tile % cols) * (tileWidth + margin)
            let y = headerHeight + (tile / cols) * (tileHeight + labelHeight + 6 + margin)
            tile += 1
            canvas.fill(x: x, y: y, w: tileWidth, h: 6, colour(block.density))
            canvas.draw(image, x: x, y: y + 6, w: tileWidth, h: tileHeight)
            let region = block.region.flatMap(Region.init(array:))
            if let heat, i < heat.blocks.count {
                overlay(&canvas, heat.blocks[i], grid: heat.grid, region: region, x: x, y: y + 6, w: tileWidth, h: tileHeight)
            }
            if let region {
                // Beside the labels, so the tile shows the model's pixels untouched.
                let h = min(labelHeight - 6, max(8, 60 * tileHeight / max(tileWidth, 1)))
                locator(&canvas, region, x: x + tileWidth - 62, y: y + 6 + tileHeight + 4, w: h * tileWidth / max(tileHeight, 1), h: h)
            }
            canvas.text(block.timestamp, x: x, y: y + 6 + tileHeight + 6, scale: 2, ink)
            let detail = "\(block.tokens) TOK \(block.grid.h)X\(block.grid.w) \(block.density.rawValue)" + (region == nil ? "" : " ZOOM")
            canvas.text(detail, x: x, y: y + 6 + tileHeight + 24, scale: 2, colour(block.density))
        }
        return canvas.image
    }

    /// The rows and columns of `grid` a region covers (whole cells; all of them without a region).
    public static func cellRange(_ region: Region?, grid: THW) -> (rows: Range<Int>, cols: Range<Int>) {
        guard let r = region else { return (0..<grid.h, 0..<grid.w) }
        let c0 = min(grid.w - 1, max(0, Int((r.x * Double(grid.w)).rounded())))
        let r0 = min(grid.h - 1, max(0, Int((r.y * Double(grid.h)).rounded())))
        let c1 = min(grid.w, max(c0 + 1, Int(((r.x + r.w) * Double(grid.w)).rounded())))
        let r1 = min(grid.h, max(r0 + 1, Int(((r.y + r.h) * Double(grid.h)).rounded())))
        return (r0..<r1, c0..<c1)
    }

    /// A zoom block's locator: the whole frame as a dark box (under the tile, right of its labels),
    /// its region filled in the dense colour.
    static func locator(_ canvas: inout Canvas, _ region: Region, x: Int, y: Int, w: Int, h: Int) {
        canvas.fill(x: x - 1, y: y - 1, w: w + 2, h: h + 2, (230, 230, 230))
        canvas.fill(x: x, y: y, w: w, h: h, (20, 20, 24))
        let rx = x + Int((region.x * Double(w)).rounded()), ry = y + Int((region.y * Double(h)).rounded())
        canvas.fill(x: rx, y: ry, w: max(1, Int((region.w * Double(w)).rounded())), h: max(1, Int((region.h * Double(h)).rounded())),
                    colour(.dense))
    }

    /// Tints the cells of `values` (on `grid`, the whole frame) at or above `heatThreshold`, more
    /// for higher values; for a zoom block only the cells of its region (cell-aligned on `grid`),
    /// stretched over the tile as its pixels are.
    static func overlay(_ canvas: inout Canvas, _ values: [Float], grid: THW, region: Region? = nil, x: Int, y: Int, w: Int, h: Int) {
        guard grid.h > 0, grid.w > 0, values.count == grid.h * grid.w else { return }
        let cells = cellRange(region, grid: grid)
        for r in cells.rows {
            for c in cells.cols {
                let v = values[r * grid.w + c]
                guard v.isFinite, v >= heatThreshold else { continue }
                let kw = cells.cols.count, kh = cells.rows.count
                let x0 = x + (c - cells.cols.lowerBound) * w / kw, x1 = x + (c - cells.cols.lowerBound + 1) * w / kw
                let y0 = y + (r - cells.rows.lowerBound) * h / kh, y1 = y + (r - cells.rows.lowerBound + 1) * h / kh
                let alpha = 60 + Int((v - heatThreshold) / (1 - heatThreshold) * 120)
                canvas.blend(x: x0, y: y0, w: x1 - x0, h: y1 - y0, heatColour, alpha: alpha)
            }
        }
    }
}
