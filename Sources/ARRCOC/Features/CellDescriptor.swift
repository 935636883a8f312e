import Foundation

/// The built-in, model-free description of one 32×32-px cell: 28 numbers of colour, gradient
/// orientation, texture and layout, plus the cues the scorer uses. No learned weights: the
/// numbers are decorrelated later by `DescriptorEmbedder`'s PCA whitening over the video.
///
/// Layout of the raw descriptor:
/// - 0–5: mean and standard deviation of the opponent colour channels
///   (L = (R+G+B)/3, O1 = (R−G)/√2, O2 = (R+G−2B)/√6), on 0…1;
/// - 6–13: coarse colour histogram, 2×2×2 bins of R, G, B split at 128 (fractions);
/// - 14–21: gradient-orientation histogram, 8 unsigned orientations weighted by magnitude
///   (normalised to sum 1), a small HOG;
/// - 22: mean gradient magnitude (edge energy);
/// - 23: entropy of the 16-bin luminance histogram, in bits (information);
/// - 24–27: mean luminance of the four 16×16 quadrants minus the cell mean (layout).
public enum CellDescriptor {
    /// Length of the raw descriptor.
    public static let length = 28
    /// Cell side in pixels (one Qwen3-VL LLM token).
    public static let side = 32

    /// Cues of one cell.
    public struct Cues: Sendable, Equatable {
        /// Entropy of the luminance histogram (bits, 0…4).
        public var information: Float
        /// Mean gradient magnitude (0…~1).
        public var edges: Float
        /// Mean absolute luminance change against the previous frame (0…1); 0 for the first frame.
        public var change: Float
    }

    /// Per-pixel luminance (0…1) of an image, row-major.
    public static func luminance(_ image: RGBImage) -> [Float] {
        var luma = [Float](repeating: 0, count: image.width * image.height)
        image.pixels.withUnsafeBufferPointer { px in
            for i in 0..<luma.count {
                luma[i] = (Float(px[3 * i]) + Float(px[3 * i + 1]) + Float(px[3 * i + 2])) / 765
            }
        }
        return luma
    }

    /// Describes every cell of `image` (whose sides are multiples of 32), writing `length`
    /// floats per cell into `descriptors` (cells row-major) and one `Cues` per cell.
    ///
    /// - Parameter previousLuminance: the previous candidate frame's luminance at the same size,
    ///   for the change cue.
    /// - Complexity: O(pixels).
    public static func describe(
        _ image: RGBImage, luminance luma: [Float], previousLuminance: [Float]?,
        descriptors: inout [Float], cues: inout [Cues]
    ) {
        let rows = image.height / side, cols = image.width / side
        let w = image.width, h = image.height
        descriptors = [Float](repeating: 0, count: rows * cols * length)
        cues = [Cues](repeating: Cues(information: 0, edges: 0, change: 0), count: rows * cols)
        let inv255: Float = 1 / 255
        let r2: Float = 1 / 2.0.squareRoot().float, r6: Float = 1 / 6.0.squareRoot().float
        let n = Float(side * side)
        image.pixels.withUnsafeBufferPointer { px in
            luma.withUnsafeBufferPointer { L in
                descriptors.withUnsafeMutableBufferPointer { out in
                    for cr in 0..<rows {
                        for cc in 0..<cols {
                            let cell = cr * cols + cc
                            let d = out.baseAddress! + cell * length
                            // Double sums: sq/n − mean² in Float cancels catastrophically on flat cells.
                            var sum = (0.0, 0.0, 0.0)
                            var sq = (0.0, 0.0, 0.0)
                            var hist = [Int](repeating: 0, count: 8)
                            var lumaHist = [Int](repeating: 0, count: 16)
                            var orient = [Float](repeating: 0, count: 8)
                            var magnitude: Float = 0
                            var quad: [Float] = [0, 0, 0, 0]
                            var change: Float = 0
                            for y in (cr * side)..<(cr * side + side) {
                                let ym = max(y - 1, 0), yp = min(y + 1, h - 1)
                                for x in (cc * side)..<(cc * side + side) {
                                    let i = y * w + x
                                    let r = Float(px[3 * i]), g = Float(px[3 * i + 1]), b = Float(px[3 * i + 2])
                                    let l = L[i]
                                    let o1 = (r - g) * inv255 * r2, o2 = (r + g - 2 * b) * inv255 * r6
                                    let (dl, d1, d2) = (Double(l), Double(o1), Double(o2))
                                    sum.0 += dl; sum.1 += d1; sum.2 += d2
                                    sq.0 += dl * dl; sq.1 += d1 * d1; sq.2 += d2 * d2
                                    hist[(r >= 128 ? 4 : 0) + (g >= 128 ? 2 : 0) + (b >= 128 ? 1 : 0)] += 1
                                    lumaHist[min(15, Int(l * 16))] += 1
                                    let gx = L[y * w + min(x + 1, w - 1)] - L[y * w + max(x - 1, 0)]
                                    let gy = L[yp * w + x] - L[ym * w + x]
                                    let m = (gx * gx + gy * gy).squareRoot()
                                    if m > 1e-6 {
                                        orient[orientationBin(gx, gy)] += m
                                        magnitude += m
                                    }
                                    quad[((y - cr * side) >= side / 2 ? 2 : 0) + ((x - cc * side) >= side / 2 ? 1 : 0)] += l
                                    if let previousLuminance { change += abs(l - previousLuminance[i]) }
                                }
                            }
                            let nd = Double(n)
                            let means = (sum.0 / nd, sum.1 / nd, sum.2 / nd)
                            d[0] = Float(means.0); d[1] = Float(means.1); d[2] = Float(means.2)
                            d[3] = Float(max(0, sq.0 / nd - means.0 * means.0).squareRoot())
                            d[4] = Float(max(0, sq.1 / nd - means.1 * means.1).squareRoot())
                            d[5] = Float(max(0, sq.2 / nd - means.2 * means.2).squareRoot())
                            for k in 0..<8 { d[6 + k] = Float(hist[k]) / n }
                            for k in 0..<8 { d[14 + k] = magnitude > 1e-6 ? orient[k] / magnitude : 0 }
                            d[22] = magnitude / n
                            var entropy: Float = 0
                            for c in lumaHist where c > 0 {
                                let p = Float(c) / n
                                entropy -= p * log2f(p)
                            }
                            d[23] = entropy
                            for k in 0..<4 { d[24 + k] = quad[k] / (n / 4) - Float(means.0) }
                            cues[cell] = Cues(information: entropy, edges: magnitude / n,
                                              change: previousLuminance == nil ? 0 : change / n)
                        }
                    }
                }
            }
        }
    }
}

extension CellDescriptor {
    /// The unsigned gradient orientation's bin of 8 over [0, π) — `Int(atan2(gy, gx) mod π / π · 8)` —
    /// by comparing with tan(22.5°), tan(45°), tan(67.5°) instead of calling atan2 per pixel.
    @inline(__always)
    static func orientationBin(_ gx: Float, _ gy: Float) -> Int {
        var x = gx, y = gy
        if y < 0 || (y == 0 && x < 0) { x = -x; y = -y }  // fold into [0, π)
        let ax = abs(x)
        let quarter: Int
        if y < 0.414_213_56 * ax { quarter = 0 } else if y < ax { quarter = 1 } else if y < 2.414_213_6 * ax { quarter = 2 } else { quarter = 3 }
        return x >= 0 ? quarter : 7 - quarter
    }
}

extension Double {
    var float: Float { Float(self) }
}
