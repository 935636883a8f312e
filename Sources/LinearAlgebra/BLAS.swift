import CLapack

/// Matrix products through CBLAS (`sgemm`/`dgemm`), the hot path of similarity scoring.
public enum BLAS {
    /// `op(a) · op(b)`, where `op` transposes when the flag is set.
    ///
    /// - Throws: `LinearAlgebraError.dimensionMismatch` when the inner dimensions differ.
    /// - Complexity: O(m·n·k) flops, done by the system BLAS (OpenBLAS on Debian). Specialised for
    ///   `Float` and `Double` for callers in other modules: unspecialised, filling the result with
    ///   zeros went through a generic copy per element (2 s of 9 scoring a 1-hour video).
    @_specialize(exported: true, where S == Float)
    @_specialize(exported: true, where S == Double)
    public static func multiply<S: BLASScalar>(
        _ a: Matrix<S>, _ b: Matrix<S>, transposeA: Bool = false, transposeB: Bool = false
    ) throws(LinearAlgebraError) -> Matrix<S> {
        let (m, k) = transposeA ? (a.columns, a.rows) : (a.rows, a.columns)
        let (k2, n) = transposeB ? (b.columns, b.rows) : (b.rows, b.columns)
        guard k == k2 else {
            throw .dimensionMismatch(
                operation: "matrix product",
                left: "\(m)×\(k)\(transposeA ? " (Aᵀ)" : "")", right: "\(k2)×\(n)\(transposeB ? " (Bᵀ)" : "")")
        }
        var c = Matrix<S>(zeros: m, n)
        guard m > 0, n > 0, k > 0 else { return c }
        a.elements.withUnsafeBufferPointer { pa in
            b.elements.withUnsafeBufferPointer { pb in
                c.elements.withUnsafeMutableBufferPointer { pc in
                    S.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                           a: pa.baseAddress, lda: max(a.columns, 1), b: pb.baseAddress, ldb: max(b.columns, 1),
                           c: pc.baseAddress, ldc: max(n, 1))
                }
            }
        }
        return c
    }

    static func flag(_ transpose: Bool) -> Int32 {
        Int32(transpose ? ArrcocCblasTrans.rawValue : ArrcocCblasNoTrans.rawValue)
    }
}
