import CLapack

/// Matrix products through CBLAS (`sgemm`/`dgemm`), the hot path of similarity scoring.
public enum BLAS {
    /// `op(a) · op(b)`, where `op` transposes when the flag is set.
    ///
    /// - Throws: `LinearAlgebraError.dimensionMismatch` when the inner dimensions differ.
    /// - Complexity: O(m·n·k) flops, done by the system BLAS (OpenBLAS on Debian).
    public static func multiply(
        _ a: Matrix<Float>, _ b: Matrix<Float>, transposeA: Bool = false, transposeB: Bool = false
    ) throws(LinearAlgebraError) -> Matrix<Float> {
        let (m, k, k2, n) = try shapes(a, b, transposeA, transposeB)
        var c = Matrix<Float>(zeros: m, n)
        guard m > 0, n > 0 else { return c }
        if k == 0 || k2 == 0 { return c }
        a.elements.withUnsafeBufferPointer { pa in
            b.elements.withUnsafeBufferPointer { pb in
                c.elements.withUnsafeMutableBufferPointer { pc in
                    cblas_sgemm(
                        Int32(ArrcocCblasRowMajor.rawValue),
                        Int32(transposeA ? ArrcocCblasTrans.rawValue : ArrcocCblasNoTrans.rawValue),
                        Int32(transposeB ? ArrcocCblasTrans.rawValue : ArrcocCblasNoTrans.rawValue),
                        Int32(m), Int32(n), Int32(k), 1, pa.baseAddress, Int32(max(a.columns, 1)),
                        pb.baseAddress, Int32(max(b.columns, 1)), 0, pc.baseAddress, Int32(max(n, 1)))
                }
            }
        }
        return c
    }

    /// Double-precision `op(a) · op(b)`.
    /// - Complexity: O(m·n·k) flops.
    public static func multiply(
        _ a: Matrix<Double>, _ b: Matrix<Double>, transposeA: Bool = false, transposeB: Bool = false
    ) throws(LinearAlgebraError) -> Matrix<Double> {
        let (m, k, k2, n) = try shapes(a, b, transposeA, transposeB)
        var c = Matrix<Double>(zeros: m, n)
        guard m > 0, n > 0 else { return c }
        if k == 0 || k2 == 0 { return c }
        a.elements.withUnsafeBufferPointer { pa in
            b.elements.withUnsafeBufferPointer { pb in
                c.elements.withUnsafeMutableBufferPointer { pc in
                    cblas_dgemm(
                        Int32(ArrcocCblasRowMajor.rawValue),
                        Int32(transposeA ? ArrcocCblasTrans.rawValue : ArrcocCblasNoTrans.rawValue),
                        Int32(transposeB ? ArrcocCblasTrans.rawValue : ArrcocCblasNoTrans.rawValue),
                        Int32(m), Int32(n), Int32(k), 1, pa.baseAddress, Int32(max(a.columns, 1)),
                        pb.baseAddress, Int32(max(b.columns, 1)), 0, pc.baseAddress, Int32(max(n, 1)))
                }
            }
        }
        return c
    }

    private static func shapes<S>(
        _ a: Matrix<S>, _ b: Matrix<S>, _ ta: Bool, _ tb: Bool
    ) throws(LinearAlgebraError) -> (Int, Int, Int, Int) {
        let (m, k) = ta ? (a.columns, a.rows) : (a.rows, a.columns)
        let (k2, n) = tb ? (b.columns, b.rows) : (b.rows, b.columns)
        guard k == k2 else {
            throw .dimensionMismatch(
                operation: "matrix product",
                left: "\(m)×\(k)\(ta ? " (Aᵀ)" : "")", right: "\(k2)×\(n)\(tb ? " (Bᵀ)" : "")")
        }
        return (m, k, k2, n)
    }
}
