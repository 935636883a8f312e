import ARRCOC

/// A packed RGB drawing surface for preview images: rectangles, scaled images, blended colour
/// and 5×7 text. Deterministic: integer arithmetic only.
struct Canvas {
    let width: Int
    let height: Int
    private(set) var pixels: [UInt8]

    typealias Colour = (r: UInt8, g: UInt8, b: UInt8)

    init(width: Int, height: Int, background: Colour) {
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: 0, count: width * height * 3)
        fill(x: 0, y: 0, w: width, h: height, background)
    }

    var image: RGBImage { RGBImage(width: width, height: height, pixels: pixels) }

    /// The part of the box (x, y, w, h) inside the canvas; empty ranges when it is outside.
    private func clip(x: Int, y: Int, w: Int, h: Int) -> (Range<Int>, Range<Int>) {
        let x0 = min(max(0, x), width), x1 = max(x0, min(width, x + w))
        let y0 = min(max(0, y), height), y1 = max(y0, min(height, y + h))
        return (x0..<x1, y0..<y1)
    }

    mutating func fill(x: Int, y: Int, w: Int, h: Int, _ c: Colour) {
        let (xs, ys) = clip(x: x, y: y, w: w, h: h)
        for yy in ys {
            for xx in xs {
                let o = (yy * width + xx) * 3
                pixels[o] = c.r
                pixels[o + 1] = c.g
                pixels[o + 2] = c.b
            }
        }
    }

    /// Draws `image` into the box (x, y, w, h) with nearest-neighbour scaling, so that a coarse
    /// image looks coarse: every source pixel becomes a visible square.
    mutating func draw(_ image: RGBImage, x: Int, y: Int, w: Int, h: Int) {
        guard image.width > 0, image.height > 0, w > 0, h > 0 else { return }
        for yy in 0..<h where y + yy >= 0 && y + yy < height {
            let sy = yy * image.height / h
            for xx in 0..<w where x + xx >= 0 && x + xx < width {
                let sx = xx * image.width / w
                let s = (sy * image.width + sx) * 3, o = ((y + yy) * width + x + xx) * 3
                pixels[o] = image.pixels[s]
                pixels[o + 1] = image.pixels[s + 1]
                pixels[o + 2] = image.pixels[s + 2]
            }
        }
    }

    /// Mixes `c` into the box with weight `alpha` (0…255).
    mutating func blend(x: Int, y: Int, w: Int, h: Int, _ c: Colour, alpha: Int) {
        let a = max(0, min(255, alpha))
        guard a > 0 else { return }
        let (xs, ys) = clip(x: x, y: y, w: w, h: h)
        for yy in ys {
            for xx in xs {
                let o = (yy * width + xx) * 3
                pixels[o] = UInt8((Int(pixels[o]) * (255 - a) + Int(c.r) * a) / 255)
                pixels[o + 1] = UInt8((Int(pixels[o + 1]) * (255 - a) + Int(c.g) * a) / 255)
                pixels[o + 2] = UInt8((Int(pixels[o + 2]) * (255 - a) + Int(c.b) * a) / 255)
            }
        }
    }

    /// Writes `text` with the 5×7 font at `scale` (each font pixel `scale` px square).
    mutating func text(_ text: String, x: Int, y: Int, scale: Int = 2, _ c: Colour) {
        var cx = x
        for ch in text {
            for gy in 0..<BitmapFont.height {
                for gx in 0..<BitmapFont.width where BitmapFont.isSet(ch, x: gx, y: gy) {
                    fill(x: cx + gx * scale, y: y + gy * scale, w: scale, h: scale, c)
                }
            }
            cx += (BitmapFont.width + 1) * scale
        }
    }

    /// Width in pixels of `text` at `scale`.
    static func textWidth(_ text: String, scale: Int = 2) -> Int { text.count * (BitmapFont.width + 1) * scale }
}
