/// The per-pixel values of `CellDescriptor` that depend on a pixel's channels only through one
/// small integer, looked up instead of computed: the luminance through R+G+B (0…765), O1
/// through R−G, O2 through R+G−2B. Each entry is computed by exactly the expression the
/// per-pixel code used (`(r - g) * inv255 * r2` on the same `Float`s: integer sums and
/// differences below 2²⁴ are exact in `Float`), so looking up changes no bit.
///
/// Squares are stored as `Double` products, as the scalar code computed them per pixel.
struct DescriptorTables {
    /// Indexed by R+G+B: `Double(L)`, `Double(L)²`, the 16-bin luminance bin `min(15, Int(L·16))`.
    let luma: UnsafeMutablePointer<Double>
    let lumaSquared: UnsafeMutablePointer<Double>
    let lumaBin: UnsafeMutablePointer<UInt8>
    /// Indexed by R−G+255.
    let o1: UnsafeMutablePointer<Double>
    let o1Squared: UnsafeMutablePointer<Double>
    /// Indexed by R+G−2B+510.
    let o2: UnsafeMutablePointer<Double>
    let o2Squared: UnsafeMutablePointer<Double>

    /// Allocates and fills the tables (free them with `deallocate()`).
    static func make() -> DescriptorTables {
        let inv255: Float = 1 / 255
        let r2: Float = 1 / 2.0.squareRoot().float, r6: Float = 1 / 6.0.squareRoot().float
        let t = DescriptorTables(
            luma: .allocate(capacity: 766), lumaSquared: .allocate(capacity: 766), lumaBin: .allocate(capacity: 766),
            o1: .allocate(capacity: 511), o1Squared: .allocate(capacity: 511),
            o2: .allocate(capacity: 1021), o2Squared: .allocate(capacity: 1021))
        for total in 0...765 {
            let l = Float(total) / 765
            t.luma[total] = Double(l)
            t.lumaSquared[total] = Double(l) * Double(l)
            t.lumaBin[total] = UInt8(min(15, Int(l * 16)))
        }
        for difference in -255...255 {
            let o1 = Double(Float(difference) * inv255 * r2)
            t.o1[difference + 255] = o1
            t.o1Squared[difference + 255] = o1 * o1
        }
        for opponent in -510...510 {
            let o2 = Double(Float(opponent) * inv255 * r6)
            t.o2[opponent + 510] = o2
            t.o2Squared[opponent + 510] = o2 * o2
        }
        return t
    }

    func deallocate() {
        for table in [luma, lumaSquared, o1, o1Squared, o2, o2Squared] { table.deallocate() }
        lumaBin.deallocate()
    }
}
