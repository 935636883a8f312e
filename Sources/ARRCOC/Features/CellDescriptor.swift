import Foundation

/// The built-in, model-free description of one 32×32-px cell: 28 numbers of colour, gradient
/// orientation, texture and layout, plus the cues the scorer uses. No learned weights: the
/// numbers are decorrelated later by `DescriptorEmbedder`'s PCA whitening over the video.
///
/// Every value is defined on the pixel's integer channel sums T = R + G + B (0…765),
/// R − G and R + G − 2B, so that all sums but the orientation histogram's are exact integers.
/// Layout of the raw descriptor:
/// - 0–5: mean and standard deviation (of the population) of the opponent colour channels
///   L = T/765, O1 = (R−G)/(255√2), O2 = (R+G−2B)/(255√6), from exact integer sums and sums
///   of squares (`n·ΣX² − (ΣX)²` in `Int64`, then `Double`);
/// - 6–13: coarse colour histogram, 2×2×2 bins of R, G, B split at 128 (fractions);
/// - 14–21: gradient-orientation histogram, 8 unsigned orientations weighted by magnitude
///   (normalised to sum 1; all 0 in a cell without gradient), a small HOG;
/// - 22: mean gradient magnitude of L (edge energy);
/// - 23: entropy of the 16-bin luminance histogram (bin `min(15, 16·T / 765)`), in bits;
/// - 24–27: mean L of the four 16×16 quadrants minus the cell's mean L (layout).
///
/// Gradients are central differences of T (one-sided at the frame's edges), gx and gy integers;
/// the magnitude is `Float(gx² + gy²).squareRoot()` and the orientation bin is computed from
/// `Float(gx)`, `Float(gy)` (`orientationBin`: ⌊θ / 22.5°⌋ of the unsigned angle θ, with a
/// gradient exactly at 45°, 90° or 135° in bin 2, 3 or 5). The orientation histogram is the one
/// floating-point sum over pixels, in a fixed order: per bin, four partial sums over the cell's
/// pixels with x ≡ 0, 1, 2, 3 (mod 4), rows top to bottom, added as (s₀ + s₁) + (s₂ + s₃); the
/// magnitude total adds the eight bins in order, and the entropy its sixteen terms in bin order.
/// The kernel is in `CellDescriptor+Strips.swift`.
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

    /// T = R + G + B (0…765) per pixel of `image`, row-major: the luminance ×765, which the
    /// next frame's change cue compares with.
    public static func totals(_ image: RGBImage) -> [UInt16] {
        image.pixels.withUnsafeBufferPointer { px in
            [UInt16](unsafeUninitializedCapacity: image.width * image.height) { out, count in
                count = out.count
                for i in 0..<count { out[i] = UInt16(px[3 &* i]) &+ UInt16(px[3 &* i &+ 1]) &+ UInt16(px[3 &* i &+ 2]) }
            }
        }
    }

    /// Describes every cell of `image` (whose sides are multiples of 32), writing `length`
    /// floats per cell into `descriptors` (cells row-major) and one `Cues` per cell.
    ///
    /// - Parameter previousTotals: the previous candidate frame's `totals` at the same size, for
    ///   the change cue.
    /// - Complexity: O(pixels).
    public static func describe(
        _ image: RGBImage, previousTotals: [UInt16]?, descriptors: inout [Float], cues: inout [Cues]
    ) {
        let cells = (image.height / side) * (image.width / side)
        descriptors = [Float](repeating: 0, count: cells * length)
        var information = [Float](repeating: 0, count: cells), edges = information, change = information
        var totals: [UInt16] = []
        describe(image, totals: &totals, previous: previousTotals, workspace: DescriptorWorkspace(), firstCell: 0,
                 descriptors: &descriptors, information: &information, edges: &edges, change: &change)
        cues = (0..<cells).map { Cues(information: information[$0], edges: edges[$0], change: change[$0]) }
    }

    /// Describes every cell of `image` into the arrays at cell `firstCell` onwards (`length`
    /// floats per cell in `descriptors`, one value per cell in the cue arrays), which must have
    /// room for them. `totals` receives the image's `totals` (resized when needed: pass the
    /// previous frame's buffer to reuse it); `previous` holds the previous frame's.
    static func describe(
        _ image: RGBImage, totals: inout [UInt16], previous: [UInt16]?, workspace: DescriptorWorkspace, firstCell: Int,
        descriptors: inout [Float], information: inout [Float], edges: inout [Float], change: inout [Float]
    ) {
        let cells = (image.height / side) * (image.width / side)
        let pixels = image.width * image.height
        if totals.count != pixels { totals = [UInt16](repeating: 0, count: pixels) }
        precondition((previous?.count ?? pixels) == pixels, "a previous frame of another size")
        precondition(descriptors.count >= (firstCell + cells) * length && information.count >= firstCell + cells
            && edges.count >= firstCell + cells && change.count >= firstCell + cells, "no room for \(cells) cells")
        guard cells > 0 else { return }
        image.pixels.withUnsafeBufferPointer { px in
            totals.withUnsafeMutableBufferPointer { T in
                withOptionalBuffer(previous) { P in
                    descriptors.withUnsafeMutableBufferPointer { d in
                        information.withUnsafeMutableBufferPointer { i in
                            edges.withUnsafeMutableBufferPointer { e in
                                change.withUnsafeMutableBufferPointer { c in
                                    guard let px = px.baseAddress, let T = T.baseAddress, let d = d.baseAddress,
                                          let i = i.baseAddress, let e = e.baseAddress, let c = c.baseAddress else { return }
                                    describe(pixels: px, totals: T, previous: P, width: image.width, height: image.height,
                                             workspace: workspace, descriptors: d + firstCell * length, information: i + firstCell,
                                             edges: e + firstCell, change: c + firstCell)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private static func withOptionalBuffer<R>(_ values: [UInt16]?, _ body: (UnsafePointer<UInt16>?) -> R) -> R {
        guard let values else { return body(nil) }
        return values.withUnsafeBufferPointer { body($0.baseAddress) }
    }
}

extension CellDescriptor {
    /// The unsigned gradient orientation's bin of 8 over [0, π): (gx, gy) folded into the upper
    /// half plane (both negated when gy < 0, or gy = 0 and gx < 0), then q = the number of
    /// tan 22.5°·|x|, |x|, tan 67.5°·|x| at or below y, and the bin is q for x ≥ 0, 7 − q for
    /// x < 0. That is ⌊θ / 22.5°⌋ (θ = atan2(y, x)) except on a boundary: exactly 45° is bin 2,
    /// 90° bin 3, 135° bin 5 (the comparisons are never tied at 22.5°, 67.5°, 112.5° or
    /// 157.5° for integer gradients: tan 22.5° is irrational).
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
