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
///
/// Gradients are central differences of the luminance, clamped at the frame's edges. The
/// kernel is in `CellDescriptor+Strips.swift`.
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
        var luma: [Float] = []
        luminance(image, into: &luma)
        return luma
    }

    /// Per-pixel luminance `(R + G + B) / 765` of `image` into `luma` (resized when needed).
    ///
    /// Looked up by the integer R + G + B (`luminanceByTotal`) instead of divided per pixel: the
    /// sum of three bytes is exact in `Float`, so the entry is the very quotient the division gives.
    static func luminance(_ image: RGBImage, into luma: inout [Float]) {
        let count = image.width * image.height
        if luma.count != count { luma = [Float](repeating: 0, count: count) }
        image.pixels.withUnsafeBufferPointer { px in
            luma.withUnsafeMutableBufferPointer { out in
                luminanceByTotal.withUnsafeBufferPointer { table in
                    guard let px = px.baseAddress, let out = out.baseAddress, let table = table.baseAddress else { return }
                    for i in 0..<count {
                        out[i] = table[Int(px[3 &* i]) &+ Int(px[3 &* i &+ 1]) &+ Int(px[3 &* i &+ 2])]
                    }
                }
            }
        }
    }

    /// `Float(total) / 765` for every R + G + B total, 0…765.
    static let luminanceByTotal: [Float] = (0...765).map { Float($0) / 765 }

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
        let cells = (image.height / side) * (image.width / side)
        descriptors = [Float](repeating: 0, count: cells * length)
        var information = [Float](repeating: 0, count: cells), edges = information, change = information
        describe(image, luminance: luma, previous: previousLuminance, workspace: DescriptorWorkspace(), firstCell: 0,
                 descriptors: &descriptors, information: &information, edges: &edges, change: &change)
        cues = (0..<cells).map { Cues(information: information[$0], edges: edges[$0], change: change[$0]) }
    }

    /// Describes every cell of `image` into the arrays at cell `firstCell` onwards (`length`
    /// floats per cell in `descriptors`, one value per cell in the cue arrays), which must have
    /// room for them; `luma` and `previous` hold a luminance value per pixel.
    static func describe(
        _ image: RGBImage, luminance luma: [Float], previous: [Float]?, workspace: DescriptorWorkspace, firstCell: Int,
        descriptors: inout [Float], information: inout [Float], edges: inout [Float], change: inout [Float]
    ) {
        let cells = (image.height / side) * (image.width / side)
        let pixels = image.width * image.height
        precondition(luma.count == pixels && (previous?.count ?? pixels) == pixels, "luminance planes of another size")
        precondition(descriptors.count >= (firstCell + cells) * length && information.count >= firstCell + cells
            && edges.count >= firstCell + cells && change.count >= firstCell + cells, "no room for \(cells) cells")
        guard cells > 0 else { return }
        image.pixels.withUnsafeBufferPointer { px in
            luma.withUnsafeBufferPointer { L in
                withOptionalBuffer(previous) { P in
                    descriptors.withUnsafeMutableBufferPointer { d in
                        information.withUnsafeMutableBufferPointer { i in
                            edges.withUnsafeMutableBufferPointer { e in
                                change.withUnsafeMutableBufferPointer { c in
                                    guard let px = px.baseAddress, let L = L.baseAddress, let d = d.baseAddress,
                                          let i = i.baseAddress, let e = e.baseAddress, let c = c.baseAddress else { return }
                                    describe(pixels: px, luminance: L, previous: P, width: image.width, height: image.height,
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

    private static func withOptionalBuffer<R>(_ values: [Float]?, _ body: (UnsafePointer<Float>?) -> R) -> R {
        guard let values else { return body(nil) }
        return values.withUnsafeBufferPointer { body($0.baseAddress) }
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
