/// YUV 4:2:0 → packed RGB24 at the same size, computed the way libswscale's unscaled x86 SIMD
/// converter does (`libswscale/x86/yuv_2_rgb.asm`, `yuv420_rgb24_ssse3`, picked by
/// `ff_yuv2rgb_get_func_ptr` for yuv420p → rgb24 without `SWS_ACCURATE_RND`), with the
/// coefficients `ff_yuv2rgb_c_init_tables` derives (`yCoeff`, `vrCoeff`, …, in 16-bit fixed
/// point): the second step of `ffmpeg -vf scale=W:H,format=yuv420p,scale=W:H,format=rgb24`.
///
/// Per pixel (16-bit lanes, `mulhi(a, b) = (a · b) >> 16`, arithmetic shift):
/// `y = mulhi(8·Y − yOffset, yCoeff)`, `u = 8·U − 1024`, `v = 8·V − 1024`,
/// `R = y + mulhi(v, vrCoeff)`, `G = y + mulhi(u, ugCoeff) + mulhi(v, vgCoeff)`,
/// `B = y + mulhi(u, ubCoeff)`, each clamped to 0…255. Chroma is not interpolated: one U, V
/// sample serves a 2×2 block of pixels, as in libswscale.
public struct YUVToRGB: Sendable, Equatable {
    let yCoeff: Int16
    let vrCoeff: Int16
    let ubCoeff: Int16
    let ugCoeff: Int16
    let vgCoeff: Int16
    let yOffset: Int16

    /// The conversion for a colour matrix and range.
    /// - Parameters:
    ///   - inverseTable: libswscale's `{crv, cbu, cgu, cgv}` for the matrix
    ///     (`sws_getCoefficients(colorspace)`, 16.16 fixed point; BT.601 for unspecified).
    ///   - fullRange: Y in 0…255 and chroma in 0…255 (JPEG range) instead of 16…235 / 16…240.
    public init(inverseTable: (Int32, Int32, Int32, Int32), fullRange: Bool) {
        // ff_yuv2rgb_c_init_tables with brightness 0, contrast and saturation 1 << 16.
        var crv = Int64(inverseTable.0), cbu = Int64(inverseTable.1)
        var cgu = -Int64(inverseTable.2), cgv = -Int64(inverseTable.3)
        var cy: Int64 = 1 << 16, oy: Int64 = 0
        if !fullRange {
            cy = (cy * 255) / 219
            oy = 16 << 16
        } else {
            crv = (crv * 224) / 255
            cbu = (cbu * 224) / 255
            cgu = (cgu * 224) / 255
            cgv = (cgv * 224) / 255
        }
        yCoeff = Self.roundToInt16(cy * (1 << 13))
        vrCoeff = Self.roundToInt16(crv * (1 << 13))
        ubCoeff = Self.roundToInt16(cbu * (1 << 13))
        vgCoeff = Self.roundToInt16(cgv * (1 << 13))
        ugCoeff = Self.roundToInt16(cgu * (1 << 13))
        yOffset = Self.roundToInt16(oy * (1 << 3))
    }

    /// libswscale's `roundToInt16`: `f / 65536` rounded, saturated to 16 bits.
    static func roundToInt16(_ f: Int64) -> Int16 {
        let r = (f + (1 << 15)) >> 16
        return r < -0x7FFF ? Int16.min : r > 0x7FFF ? Int16.max : Int16(r)
    }

    /// Converts rows `rows` of a `width`-pixel image (`width` even) from its planes into `rgb`
    /// (`width · 3` bytes per row, the first converted row at `rgb`).
    /// - Complexity: O(width × rows), 16 pixels per step, no allocation.
    public func convert(
        y: UnsafePointer<UInt8>, yStride: Int, u: UnsafePointer<UInt8>, v: UnsafePointer<UInt8>, chromaStride: Int,
        width: Int, rows: Range<Int>, into rgb: UnsafeMutablePointer<UInt8>
    ) {
        let yc = SIMD8<Int32>(repeating: Int32(yCoeff)), vr = SIMD8<Int32>(repeating: Int32(vrCoeff))
        let ub = SIMD8<Int32>(repeating: Int32(ubCoeff)), ug = SIMD8<Int32>(repeating: Int32(ugCoeff))
        let vg = SIMD8<Int32>(repeating: Int32(vgCoeff)), yo = SIMD8<Int32>(repeating: Int32(yOffset))
        let chromaOffset = SIMD8<Int32>(repeating: 1024)
        let vectorWidth = width & ~15
        for row in rows {
            let yRow = y + row * yStride, uRow = u + (row / 2) * chromaStride, vRow = v + (row / 2) * chromaStride
            let out = rgb + (row - rows.lowerBound) * width * 3
            var x = 0
            while x < vectorWidth {
                let ys = UnsafeRawPointer(yRow + x).loadUnaligned(as: SIMD16<UInt8>.self)
                let us = SIMD8<Int32>(truncatingIfNeeded: UnsafeRawPointer(uRow + x / 2).loadUnaligned(as: SIMD8<UInt8>.self))
                let vs = SIMD8<Int32>(truncatingIfNeeded: UnsafeRawPointer(vRow + x / 2).loadUnaligned(as: SIMD8<UInt8>.self))
                let uu = (us &<< 3) &- chromaOffset, vv = (vs &<< 3) &- chromaOffset
                let red = (vv &* vr) &>> 16, blue = (uu &* ub) &>> 16
                let green = ((uu &* ug) &>> 16) &+ ((vv &* vg) &>> 16)
                let yEven = (((SIMD8<Int32>(truncatingIfNeeded: ys.evenHalf) &<< 3) &- yo) &* yc) &>> 16
                let yOdd = (((SIMD8<Int32>(truncatingIfNeeded: ys.oddHalf) &<< 3) &- yo) &* yc) &>> 16
                let lo = SIMD8<Int32>(repeating: 0), hi = SIMD8<Int32>(repeating: 255)
                func byte(_ v: SIMD8<Int32>) -> SIMD8<UInt8> {
                    SIMD8<UInt8>(truncatingIfNeeded: pointwiseMin(pointwiseMax(v, lo), hi))
                }
                let rE = byte(yEven &+ red), rO = byte(yOdd &+ red)
                let gE = byte(yEven &+ green), gO = byte(yOdd &+ green)
                let bE = byte(yEven &+ blue), bO = byte(yOdd &+ blue)
                let o = out + x * 3
                for k in 0..<8 {
                    o[6 * k] = rE[k]
                    o[6 * k + 1] = gE[k]
                    o[6 * k + 2] = bE[k]
                    o[6 * k + 3] = rO[k]
                    o[6 * k + 4] = gO[k]
                    o[6 * k + 5] = bO[k]
                }
                x += 16
            }
            while x < width {  // the tail (Swift's `>>` binds tighter than `*`: products in parentheses)
                let yy = ((Int32(yRow[x]) << 3 - Int32(yOffset)) * Int32(yCoeff)) >> 16
                let uu = Int32(uRow[x / 2]) << 3 - 1024, vv = Int32(vRow[x / 2]) << 3 - 1024
                let o = out + x * 3
                o[0] = UInt8(clamping: yy + ((vv * Int32(vrCoeff)) >> 16))
                o[1] = UInt8(clamping: yy + (((uu * Int32(ugCoeff)) >> 16) + ((vv * Int32(vgCoeff)) >> 16)))
                o[2] = UInt8(clamping: yy + ((uu * Int32(ubCoeff)) >> 16))
                x += 1
            }
        }
    }
}
