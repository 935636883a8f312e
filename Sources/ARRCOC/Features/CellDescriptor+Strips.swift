import Foundation

/// The descriptor kernel: one strip of cells (32 pixel rows) at a time, in two passes.
///
/// 1. Per-pixel planes over the whole strip (opponent colours, colour and luminance bins,
///    gradient magnitude and orientation bin, luminance change): element-wise loops over
///    contiguous pixels, which the compiler vectorises.
/// 2. Per cell, the sums in exactly the order of the scalar code that recorded the golden
///    features (pixel rows top to bottom, left to right): floating-point sums depend on their
///    order, and features stay byte-identical. Integer counts are order-free. A pixel whose
///    gradient is at most 1e-6 adds +0 (x + 0 = x for every sum that starts at +0), so the
///    orientation histogram is one 8-lane add per pixel instead of a branch and a scatter.
///
/// Every value is computed by the same IEEE operations as before, in the same order; Swift does
/// not contract a·b + c into a fused multiply-add, so no rounding changes.
extension CellDescriptor {
    /// Describes every cell of a `width × height` frame (sides multiples of 32) into
    /// `descriptors` (`length` floats per cell, cells row-major) and the three cue planes.
    ///
    /// - Parameters:
    ///   - pixels: packed RGB, `width · 3` bytes per row.
    ///   - luminance: `(R + G + B) / 765` per pixel (see `luminance(_:into:)`).
    ///   - previous: the previous candidate frame's luminance, for the change cue.
    /// - Complexity: O(pixels); no allocation (the workspace's planes are reused).
    static func describe(
        pixels px: UnsafePointer<UInt8>, luminance L: UnsafePointer<Float>, previous P: UnsafePointer<Float>?,
        width w: Int, height h: Int, workspace: DescriptorWorkspace,
        descriptors out: UnsafeMutablePointer<Float>, information: UnsafeMutablePointer<Float>,
        edges: UnsafeMutablePointer<Float>, change: UnsafeMutablePointer<Float>
    ) {
        let rows = h / side, cols = w / side
        workspace.reserve(stripPixels: w * side)
        for cr in 0..<rows {
            preparePlanes(strip: cr, luminance: L, previous: P, width: w, height: h, workspace: workspace)
            for cc in 0..<cols {
                let cell = cr * cols + cc
                let cues = accumulate(
                    cell: cc, strip: cr, pixels: px, luminance: L, hasPrevious: P != nil, width: w, workspace: workspace,
                    into: out + cell * length)
                information[cell] = cues.information
                edges[cell] = cues.edges
                change[cell] = cues.change
            }
        }
    }

    /// Pass 1: the per-pixel planes of strip `cr`. Index arithmetic wraps (`&+`, the sizes are
    /// checked by the caller) and the orientation bin is computed without branches, so that the
    /// loops vectorise.
    @inline(__always)
    private static func preparePlanes(
        strip cr: Int, luminance L: UnsafePointer<Float>, previous P: UnsafePointer<Float>?,
        width w: Int, height h: Int, workspace ws: DescriptorWorkspace
    ) {
        let magnitude = ws.magnitude, orientation = ws.orientation, change = ws.change
        for yy in 0..<side {
            let y = cr &* side &+ yy
            let row = L + y &* w, above = L + max(y &- 1, 0) &* w, below = L + min(y &+ 1, h &- 1) &* w
            let s = yy &* w
            @inline(__always) func gradient(_ x: Int, _ gx: Float) {
                let gy = below[x] - above[x]
                let m = (gx * gx + gy * gy).squareRoot()
                magnitude[s &+ x] = m > 1e-6 ? m : 0
                orientation[s &+ x] = orientationBinWithoutBranches(gx, gy)
            }
            gradient(0, row[min(1, w &- 1)] - row[0])
            if w > 2 {
                for x in 1..<(w &- 1) { gradient(x, row[x &+ 1] - row[x &- 1]) }
            }
            if w > 1 { gradient(w &- 1, row[w &- 1] - row[w &- 2]) }
            if let P {
                let before = P + y &* w
                for x in 0..<w { change[s &+ x] = abs(row[x] - before[x]) }
            }
        }
    }

    /// `orientationBin` by selects and counts: the three thresholds increase (tan 22.5° · |x| ≤
    /// |x| ≤ tan 67.5° · |x|), so the quarter is the number of them at or below y.
    @inline(__always)
    static func orientationBinWithoutBranches(_ gx: Float, _ gy: Float) -> UInt8 {
        let flip = gy < 0 || (gy == 0 && gx < 0)
        let x = flip ? -gx : gx, y = flip ? -gy : gy
        let ax = abs(x)
        let quarter = (y < 0.414_213_56 * ax ? 0 : 1) &+ (y < ax ? 0 : 1) &+ (y < 2.414_213_6 * ax ? 0 : 1) as UInt8
        return x >= 0 ? quarter : 7 &- quarter
    }

    /// Pass 2: the descriptor and cues of cell `cc` of strip `cr`.
    @inline(__always)
    private static func accumulate(
        cell cc: Int, strip cr: Int, pixels px: UnsafePointer<UInt8>, luminance L: UnsafePointer<Float>, hasPrevious: Bool, width w: Int,
        workspace ws: DescriptorWorkspace, into d: UnsafeMutablePointer<Float>
    ) -> Cues {
        let tables = ws.tables
        var colourCounts = SIMD8<UInt16>(), lumaCounts = SIMD16<UInt16>()
        // (sum, sum of squares) per channel in Double: sq/n − mean² in Float cancels
        // catastrophically on flat cells.
        var l2 = SIMD2<Double>(), o12 = SIMD2<Double>(), o22 = SIMD2<Double>()
        var orient = SIMD8<Float>(), magnitudeSum: Float = 0, changeSum: Float = 0
        var quad = SIMD4<Float>()
        let magnitude = ws.magnitude, orientation = ws.orientation, change = ws.change, oneHot = ws.oneHot
        for yy in 0..<side {
            let y = cr &* side &+ yy
            let row = L + (y &* w &+ cc &* side)
            let rgb = px + 3 &* (y &* w &+ cc &* side)
            let s = yy &* w &+ cc &* side
            let upper = yy >= side / 2 ? 2 : 0
            // The quadrant sums: each half row adds to its own quadrant, in order.
            for half in 0..<2 {
                var q = quad[upper + half]
                for x in (half * side / 2)..<(half * side / 2 + side / 2) {
                    let R = Int(rgb[3 &* x]), G = Int(rgb[3 &* x &+ 1]), B = Int(rgb[3 &* x &+ 2])
                    let total = R &+ G &+ B, rg = R &- G &+ 255, yb = R &+ G &- 2 &* B &+ 510
                    l2 += tables.luma[total]
                    o12 += tables.o1[rg]
                    o22 += tables.o2[yb]
                    colourCounts &+= tables.colourBin[(R >> 7) << 2 | (G >> 7) << 1 | B >> 7]
                    lumaCounts &+= tables.lumaBin[total]
                    let m = magnitude[s &+ x]
                    orient += oneHot[Int(orientation[s &+ x])] * m  // m in the pixel's bin, +0 elsewhere
                    magnitudeSum += m
                    if hasPrevious { changeSum += change[s &+ x] }
                    q += row[x]
                }
                quad[upper + half] = q
            }
        }
        let n = Float(side * side), nd = Double(n)
        let means = (l2[0] / nd, o12[0] / nd, o22[0] / nd)
        d[0] = Float(means.0); d[1] = Float(means.1); d[2] = Float(means.2)
        d[3] = Float(max(0, l2[1] / nd - means.0 * means.0).squareRoot())
        d[4] = Float(max(0, o12[1] / nd - means.1 * means.1).squareRoot())
        d[5] = Float(max(0, o22[1] / nd - means.2 * means.2).squareRoot())
        for k in 0..<8 { d[6 + k] = Float(colourCounts[k]) / n }
        for k in 0..<8 { d[14 + k] = magnitudeSum > 1e-6 ? orient[k] / magnitudeSum : 0 }
        d[22] = magnitudeSum / n
        var entropy: Float = 0
        for k in 0..<16 where lumaCounts[k] > 0 {
            let p = Float(lumaCounts[k]) / n
            entropy -= p * log2f(p)
        }
        d[23] = entropy
        for k in 0..<4 { d[24 + k] = quad[k] / (n / 4) - Float(means.0) }
        return Cues(information: entropy, edges: magnitudeSum / n, change: hasPrevious ? changeSum / n : 0)
    }
}
