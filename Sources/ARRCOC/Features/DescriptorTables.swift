/// The per-pixel values of `CellDescriptor` that depend on a pixel's channels only through one
/// small integer, looked up instead of computed: the luminance through R+G+B (0…765), O1
/// through R−G, O2 through R+G−2B. Each entry is computed by exactly the expression the
/// per-pixel code used (`(r - g) * inv255 * r2` on the same `Float`s: integer sums and
/// differences below 2²⁴ are exact in `Float`), so looking up changes no bit.
///
/// Each entry pairs a value with its square (a `Double` product, as the scalar code computed it
/// per pixel), so that a pixel updates a channel's sum and sum of squares with one 2-lane add.
/// Histogram bins are one-hot count vectors, added instead of incremented in memory (an
/// increment waits for the previous one to the same bin; a register add does not).
struct DescriptorTables {
    /// Indexed by R+G+B: `(Double(L), Double(L)²)`, and the one-hot 16-bin luminance bin
    /// `min(15, Int(L·16))`.
    let luma: UnsafeMutablePointer<SIMD2<Double>>
    let lumaBin: UnsafeMutablePointer<SIMD16<UInt16>>
    /// Indexed by R−G+255: `(O1, O1²)`.
    let o1: UnsafeMutablePointer<SIMD2<Double>>
    /// Indexed by R+G−2B+510: `(O2, O2²)`.
    let o2: UnsafeMutablePointer<SIMD2<Double>>
    /// Indexed by the colour bin (R ≥ 128)·4 + (G ≥ 128)·2 + (B ≥ 128): one-hot counts.
    let colourBin: UnsafeMutablePointer<SIMD8<UInt16>>

    /// Allocates and fills the tables (free them with `deallocate()`).
    static func make() -> DescriptorTables {
        let inv255: Float = 1 / 255
        let r2: Float = 1 / 2.0.squareRoot().float, r6: Float = 1 / 6.0.squareRoot().float
        let t = DescriptorTables(
            luma: .allocate(capacity: 766), lumaBin: .allocate(capacity: 766), o1: .allocate(capacity: 511),
            o2: .allocate(capacity: 1021), colourBin: .allocate(capacity: 8))
        for total in 0...765 {
            let l = Double(Float(total) / 765)
            var bin = SIMD16<UInt16>()
            bin[min(15, Int(Float(total) / 765 * 16))] = 1
            (t.luma + total).initialize(to: SIMD2(l, l * l))
            (t.lumaBin + total).initialize(to: bin)
        }
        for difference in -255...255 {
            let o1 = Double(Float(difference) * inv255 * r2)
            (t.o1 + difference + 255).initialize(to: SIMD2(o1, o1 * o1))
        }
        for opponent in -510...510 {
            let o2 = Double(Float(opponent) * inv255 * r6)
            (t.o2 + opponent + 510).initialize(to: SIMD2(o2, o2 * o2))
        }
        for k in 0..<8 {
            var bin = SIMD8<UInt16>()
            bin[k] = 1
            (t.colourBin + k).initialize(to: bin)
        }
        return t
    }

    func deallocate() {
        for table in [luma, o1, o2] { table.deallocate() }
        lumaBin.deallocate()
        colourBin.deallocate()
    }
}
