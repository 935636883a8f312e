import Foundation

/// The descriptor kernel, in three passes:
///
/// 0. Per pixel of the frame: T = R + G + B (kept by the caller for the next frame's change
///    cue), R − G, R + G − 2B and the joint luminance/colour bin, in one read of the RGB bytes.
/// 1. Per strip of cells (32 pixel rows): gradient magnitude and orientation bin of each pixel,
///    eight pixels at a time in SIMD (`gradients`: integer differences in `Int16` lanes, exact
///    in `Float`; the bin from three compares and the signs, without branches).
/// 2. Per cell: exact `Int32` sums (of T, T², R − G, its square, R + G − 2B, its square, the
///    quadrants' T, |T − previous T|), which the compiler vectorises in any order; the colour
///    and luminance marginals of the joint bins by byte compares, 16 pixels at a time
///    (`countBins`); and one scatter per pixel into four rotating partial orientation
///    histograms, so that consecutive pixels do not wait on the same memory.
///
/// The floating-point sums (the orientation histogram, its total, the entropy) have the fixed
/// order `CellDescriptor` documents, so features do not depend on the CPU or on how the compiler
/// vectorises; the entropy's `log2f` is the C library's (Debian 12's libm, as for every machine
/// in Docs/features.md's section on determinism).
extension CellDescriptor {
    /// Describes every cell of a `width × height` frame (sides multiples of 32) into
    /// `descriptors` (`length` floats per cell, cells row-major) and the three cue planes.
    ///
    /// - Parameters:
    ///   - pixels: packed RGB, `width · 3` bytes per row.
    ///   - totals: receives T = R + G + B per pixel.
    ///   - previous: the previous candidate frame's totals, for the change cue.
    /// - Complexity: O(pixels); no allocation (the workspace's planes are reused).
    static func describe(
        pixels px: UnsafePointer<UInt8>, totals T: UnsafeMutablePointer<UInt16>, previous P: UnsafePointer<UInt16>?,
        width w: Int, height h: Int, workspace: DescriptorWorkspace,
        descriptors out: UnsafeMutablePointer<Float>, information: UnsafeMutablePointer<Float>,
        edges: UnsafeMutablePointer<Float>, change: UnsafeMutablePointer<Float>
    ) {
        let rows = h / side, cols = w / side
        workspace.reserve(framePixels: w * h, stripPixels: w * side)
        preparePixels(px, count: w * h, totals: T, workspace: workspace)
        for cr in 0..<rows {
            prepareGradients(strip: cr, totals: T, width: w, height: h, workspace: workspace)
            for cc in 0..<cols {
                let cell = cr * cols + cc
                let cues = accumulate(cell: cc, strip: cr, totals: T, previous: P, width: w, workspace: workspace, into: out + cell * length)
                information[cell] = cues.information
                edges[cell] = cues.edges
                change[cell] = cues.change
            }
        }
    }

    /// Pass 0: T, R − G, R + G − 2B and the joint bin of every pixel.
    @inline(__always)
    private static func preparePixels(
        _ px: UnsafePointer<UInt8>, count: Int, totals T: UnsafeMutablePointer<UInt16>, workspace ws: DescriptorWorkspace
    ) {
        let redGreen = ws.redGreen, yellowBlue = ws.yellowBlue, bins = ws.bins
        for i in 0..<count {
            let r = px[3 &* i], g = px[3 &* i &+ 1], b = px[3 &* i &+ 2]
            let total = UInt16(r) &+ UInt16(g) &+ UInt16(b)
            T[i] = total
            redGreen[i] = Int16(r) &- Int16(g)
            yellowBlue[i] = Int16(r) &+ Int16(g) &- 2 &* Int16(b)
            let lumaBin = UInt8(truncatingIfNeeded: min(15, (total &* 16) / 765))
            bins[i] = lumaBin << 3 | (r >> 7) << 2 | (g >> 7) << 1 | b >> 7
        }
    }

    /// Pass 1: gradient magnitude and orientation bin of every pixel of strip `cr`.
    @inline(__always)
    private static func prepareGradients(
        strip cr: Int, totals T: UnsafePointer<UInt16>, width w: Int, height h: Int, workspace ws: DescriptorWorkspace
    ) {
        let magnitude = ws.magnitude, orientation = ws.orientation
        for yy in 0..<side {
            let y = cr &* side &+ yy
            let row = T + y &* w, above = T + max(y &- 1, 0) &* w, below = T + min(y &+ 1, h &- 1) &* w
            let s = yy &* w
            @inline(__always) func gradient(_ x: Int, _ gx: Int32) {
                let gy = Int32(below[x]) &- Int32(above[x])
                magnitude[s &+ x] = Float(gx &* gx &+ gy &* gy).squareRoot()
                orientation[s &+ x] = UInt8(orientationBin(Float(gx), Float(gy)))
            }
            gradient(0, Int32(row[min(1, w &- 1)]) &- Int32(row[0]))
            var x = 1
            while x &+ 8 < w {
                let g = gradients(gx: load(row + (x &+ 1)) &- load(row + (x &- 1)), gy: load(below + x) &- load(above + x))
                UnsafeMutableRawPointer(magnitude + (s &+ x)).storeBytes(of: g.magnitude, as: SIMD8<Float>.self)
                UnsafeMutableRawPointer(orientation + (s &+ x)).storeBytes(of: g.bins, as: SIMD8<UInt8>.self)
                x &+= 8
            }
            while x < w &- 1 {
                gradient(x, Int32(row[x &+ 1]) &- Int32(row[x &- 1]))
                x &+= 1
            }
            if w > 1 { gradient(w &- 1, Int32(row[w &- 1]) &- Int32(row[w &- 2])) }
        }
    }

    /// Eight totals from `p` on (0…765, so their differences fit `Int16`).
    @inline(__always)
    private static func load(_ p: UnsafePointer<UInt16>) -> SIMD8<Int16> {
        SIMD8<Int16>(truncatingIfNeeded: UnsafeRawPointer(p).loadUnaligned(as: SIMD8<UInt16>.self))
    }

    /// Magnitude `Float(gx² + gy²).squareRoot()` and `orientationBin` of eight integer gradients
    /// (|gx|, |gy| ≤ 765), the bits of the scalar definitions:
    /// - the magnitude from |gx| and |gy| as exact `Float`s (their squares and sum are below 2²⁴);
    /// - the fold into [0, π) needs no negation: the folded y is |gy|, |x| is |gx|, and the folded
    ///   x is negative exactly when gx and gy are both non-zero and of opposite signs;
    /// - the quarter is the number of thresholds tan 22.5° · |x|, |x|, tan 67.5° · |x| at or
    ///   below y (they increase), and the bin q, or 7 − q = q XOR 7 for a negative folded x.
    // `@_transparent` (underscored, but long-standing and used by the standard library): with
    // `@inline(__always)` the compiler kept such a helper a call with its vectors in memory, in
    // the kernel's innermost loop. Should the attribute go, inline the body by hand.
    @_transparent
    static func gradients(gx: SIMD8<Int16>, gy: SIMD8<Int16>) -> (magnitude: SIMD8<Float>, bins: SIMD8<UInt8>) {
        let sx = gx &>> 15, sy = gy &>> 15  // 0 or −1: the signs
        let ax = SIMD8<Float>(SIMD8<Int32>(truncatingIfNeeded: (gx ^ sx) &- sx))
        let ay = SIMD8<Float>(SIMD8<Int32>(truncatingIfNeeded: (gy ^ sy) &- sy))
        let magnitude = (ax * ax + ay * ay).squareRoot()
        let zero = SIMD8<Int16>()
        let opposite = (sx .!= sy) .& (gx .!= zero) .& (gy .!= zero)
        var quarter = SIMD8<Int32>()
        quarter.replace(with: quarter &+ 1, where: ay .>= 0.414_213_56 * ax)
        quarter.replace(with: quarter &+ 1, where: ay .>= ax)
        quarter.replace(with: quarter &+ 1, where: ay .>= 2.414_213_6 * ax)
        // A mask's storage lanes are 0 or −1 (`_storage`: public, underscored, no other way to them).
        let flip = SIMD8<Int16>(repeating: 7) & opposite._storage
        return (magnitude, SIMD8<UInt8>(truncatingIfNeeded: SIMD8<Int16>(truncatingIfNeeded: quarter) ^ flip))
    }

    /// Counts the cell's pixels (32 rows of 32 joint bins from `joint`, rows `rowStride` apart)
    /// whose `joint & mask` is `first + k · step`, for k = 0…7, into `out[k]`: byte compares of 16
    /// pixels at a time into per-lane counters (at most 2 · 32 = 64 per lane, so `UInt8` holds them).
    @inline(__always)
    private static func countBins(
        _ joint: UnsafePointer<UInt8>, rowStride w: Int, mask: UInt8, first: UInt8, step: UInt8, into out: UnsafeMutablePointer<Int32>
    ) {
        let masks = SIMD16<UInt8>(repeating: mask)
        let b0 = SIMD16<UInt8>(repeating: first), b1 = b0 &+ step, b2 = b1 &+ step, b3 = b2 &+ step
        let b4 = b3 &+ step, b5 = b4 &+ step, b6 = b5 &+ step, b7 = b6 &+ step
        var c0 = SIMD16<UInt8>(), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0
        // A mask's storage lanes are 0 or −1 (all bits set): subtracting them counts.
        @inline(__always) func ones(_ m: SIMDMask<SIMD16<Int8>>) -> SIMD16<UInt8> { SIMD16<UInt8>(truncatingIfNeeded: m._storage) }
        for yy in 0..<side {
            let row = UnsafeRawPointer(joint + yy &* w)
            for half in 0..<2 {
                let v = row.loadUnaligned(fromByteOffset: half &* 16, as: SIMD16<UInt8>.self) & masks
                c0 &-= ones(v .== b0); c1 &-= ones(v .== b1); c2 &-= ones(v .== b2); c3 &-= ones(v .== b3)
                c4 &-= ones(v .== b4); c5 &-= ones(v .== b5); c6 &-= ones(v .== b6); c7 &-= ones(v .== b7)
            }
        }
        @inline(__always) func total(_ c: SIMD16<UInt8>) -> Int32 { Int32(SIMD16<UInt16>(truncatingIfNeeded: c).wrappedSum()) }
        out[0] = total(c0); out[1] = total(c1); out[2] = total(c2); out[3] = total(c3)
        out[4] = total(c4); out[5] = total(c5); out[6] = total(c6); out[7] = total(c7)
    }

    /// Pass 2: the descriptor and cues of cell `cc` of strip `cr`.
    @inline(__always)
    private static func accumulate(
        cell cc: Int, strip cr: Int, totals T: UnsafePointer<UInt16>, previous P: UnsafePointer<UInt16>?, width w: Int,
        workspace ws: DescriptorWorkspace, into d: UnsafeMutablePointer<Float>
    ) -> Cues {
        let sums = ws.orientationSums
        sums.update(repeating: 0, count: 4 &* 8)
        var total: Int32 = 0, totalSquares: Int32 = 0, redGreen: Int32 = 0, redGreenSquares: Int32 = 0
        var yellowBlue: Int32 = 0, yellowBlueSquares: Int32 = 0, changed: Int32 = 0
        var quadrants = (Int32(0), Int32(0), Int32(0), Int32(0))
        for yy in 0..<side {
            let first = (cr &* side &+ yy) &* w &+ cc &* side, strip = yy &* w &+ cc &* side
            let t = T + first, rg = ws.redGreen + first, yb = ws.yellowBlue + first
            let magnitude = ws.magnitude + strip, orientation = ws.orientation + strip
            var left: Int32 = 0, right: Int32 = 0, squares: Int32 = 0
            for x in 0..<(side / 2) { left &+= Int32(t[x]); squares &+= Int32(t[x]) &* Int32(t[x]) }
            for x in (side / 2)..<side { right &+= Int32(t[x]); squares &+= Int32(t[x]) &* Int32(t[x]) }
            if yy < side / 2 { quadrants.0 &+= left; quadrants.1 &+= right } else { quadrants.2 &+= left; quadrants.3 &+= right }
            total &+= left &+ right
            totalSquares &+= squares
            var o1: Int32 = 0, o1Squares: Int32 = 0, o2: Int32 = 0, o2Squares: Int32 = 0
            for x in 0..<side {
                let a = Int32(rg[x]), b = Int32(yb[x])
                o1 &+= a; o1Squares &+= a &* a; o2 &+= b; o2Squares &+= b &* b
            }
            redGreen &+= o1; redGreenSquares &+= o1Squares; yellowBlue &+= o2; yellowBlueSquares &+= o2Squares
            if let P {
                let p = P + first
                var c: Int32 = 0
                for x in 0..<side { c &+= abs(Int32(t[x]) &- Int32(p[x])) }
                changed &+= c
            }
            for x in stride(from: 0, to: side, by: 4) {
                for j in 0..<4 {
                    sums[j &* 8 &+ Int(orientation[x &+ j])] += magnitude[x &+ j]
                }
            }
        }
        let n = side * side, nf = Float(n)
        // Moments from exact sums: n·ΣX² − (ΣX)² is the spread's numerator, never negative.
        @inline(__always) func moments(_ sum: Int32, _ squares: Int32, unit: Double) -> (mean: Float, deviation: Float) {
            let spread = Int64(n) &* Int64(squares) &- Int64(sum) &* Int64(sum)
            return (Float(Double(sum) / (unit * Double(n))), Float(Double(spread).squareRoot() / (unit * Double(n))))
        }
        let l = moments(total, totalSquares, unit: 765)
        let o1 = moments(redGreen, redGreenSquares, unit: 255 * 2.0.squareRoot())
        let o2 = moments(yellowBlue, yellowBlueSquares, unit: 255 * 6.0.squareRoot())
        d[0] = l.mean; d[1] = o1.mean; d[2] = o2.mean
        d[3] = l.deviation; d[4] = o1.deviation; d[5] = o2.deviation
        // The joint bins' colour and luminance marginals, counted in SIMD.
        let cellJoint = ws.bins + (cr &* side &* w &+ cc &* side), counts = ws.counts
        countBins(cellJoint, rowStride: w, mask: 0b111, first: 0, step: 1, into: counts)
        countBins(cellJoint, rowStride: w, mask: 0b1111_1000, first: 0, step: 8, into: counts + 8)
        countBins(cellJoint, rowStride: w, mask: 0b1111_1000, first: 64, step: 8, into: counts + 16)
        for c in 0..<8 { d[6 + c] = Float(counts[c]) / nf }
        var entropy: Float = 0
        for luma in 0..<16 {
            let count = counts[8 &+ luma]
            if count > 0 {
                let p = Float(count) / nf
                entropy -= p * log2f(p)
            }
        }
        var magnitudeSum: Float = 0
        for k in 0..<8 {
            let bin = (sums[k] + sums[8 &+ k]) + (sums[16 &+ k] + sums[24 &+ k])
            d[14 + k] = bin
            magnitudeSum += bin
        }
        for k in 0..<8 { d[14 + k] = magnitudeSum > 0 ? d[14 + k] / magnitudeSum : 0 }
        let edgeEnergy = magnitudeSum / (765 * nf)
        d[22] = edgeEnergy
        d[23] = entropy
        let mean = Double(total) / (765 * Double(n)), quarter = 765 * Double(n / 4)
        d[24] = Float(Double(quadrants.0) / quarter - mean)
        d[25] = Float(Double(quadrants.1) / quarter - mean)
        d[26] = Float(Double(quadrants.2) / quarter - mean)
        d[27] = Float(Double(quadrants.3) / quarter - mean)
        return Cues(information: entropy, edges: edgeEnergy, change: P != nil ? Float(Double(changed) / (765 * Double(n))) : 0)
    }
}
