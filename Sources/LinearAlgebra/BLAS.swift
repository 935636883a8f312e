import CLapack

/// Scalars the system BLAS multiplies: `Float` (`sgemm`) and `Double` (`dgemm`).
public protocol BLASScalar: BinaryFloatingPoint & Sendable {
    /// Row-major `C = op(A) · op(B)` with the given leading dimensions.
    static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        a: UnsafePointer<Self>?, lda: Int, b: UnsafePointer<Self>?, ldb: Int, c: UnsafeMutablePointer<Self>?, ldc: Int)
}

extension Float: BLASScalar {
    public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>?, lda: Int, b: UnsafePointer<Float>?, ldb: Int, c: UnsafeMutablePointer<Float>?, ldc: Int
    ) {
        cblas_sgemm(Int32(ArrcocCblasRowMajor.rawValue), BLAS.flag(transposeA), BLAS.flag(transposeB),
                    Int32(m), Int32(n), Int32(k), 1, a, Int32(lda), b, Int32(ldb), 0, c, Int32(ldc))
    }
}

extension Double: BLASScalar {
    public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        a: UnsafePointer<Double>?, lda: Int, b: UnsafePointer<Double>?, ldb: Int, c: UnsafeMutablePointer<Double>?, ldc: Int
    ) {
        cblas_dgemm(Int32(ArrcocCblasRowMajor.rawValue), BLAS.flag(transposeA), BLAS.flag(transposeB),
                    Int32(m), Int32(n), Int32(k), 1, a, Int32(lda), b, Int32(ldb), 0, c, Int32(ldc))
    }
}

/// Matrix products through CBLAS (`sgemm`/`dgemm`), the hot path of similarity scoring.
public enum BLAS {
    /// `op(a) · op(b)`, where `op` transposes when the flag is set.
    ///
    /// - Throws: `LinearAlgebraError.dimensionMismatch` when the inner dimensions differ.
    /// - Complexity: O(m·n·k) flops, done by the system BLAS (OpenBLAS on Debian).
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
