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
