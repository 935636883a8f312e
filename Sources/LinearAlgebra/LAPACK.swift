import CLapack

/// Symmetric eigendecomposition and Cholesky through LAPACK (`dsyevd`, `dpotrf`, `dpotrs`).
///
/// The matrices are symmetric, so a row-major matrix is its own column-major view; only the
/// outputs need care (LAPACK writes eigenvectors as columns of a column-major array).
public enum LAPACK {
    /// Eigen-decomposition of a symmetric matrix: `a = V · diag(values) · Vᵀ`.
    ///
    /// - Returns: eigenvalues in ascending order, and `vectors` whose column `j` is the unit
    ///   eigenvector of `values[j]`.
    /// - Throws: `.notSquare`, `.nonFinite`, or `.lapackFailure` when `dsyevd` does not converge.
    /// - Complexity: O(n³).
    public static func symmetricEigen(
        _ a: Matrix<Double>
    ) throws(LinearAlgebraError) -> (values: [Double], vectors: Matrix<Double>) {
        guard a.rows == a.columns else {
            throw .notSquare(operation: "symmetric eigendecomposition", rows: a.rows, columns: a.columns)
        }
        guard a.elements.allSatisfy(\.isFinite) else { throw .nonFinite(operation: "symmetric eigendecomposition") }
        var n = Int32(a.rows)
        if n == 0 { return ([], a) }
        var work = a.elements  // column-major view of a symmetric matrix: the same numbers
        var values = [Double](repeating: 0, count: a.rows)
        var lda = n
        var info: Int32 = 0
        // Workspace query (lwork = liwork = -1), then the real call.
        var lwork: Int32 = -1
        var liwork: Int32 = -1
        var workQuery = 0.0
        var iworkQuery: Int32 = 0
        dsyevd_("V", "U", &n, &work, &lda, &values, &workQuery, &lwork, &iworkQuery, &liwork, &info, 1, 1)
        guard info == 0 else { throw .lapackFailure(routine: "dsyevd (workspace query)", info: Int(info)) }
        lwork = Int32(workQuery.rounded(.up))
        liwork = iworkQuery
        var scratch = [Double](repeating: 0, count: Int(lwork))
        var iscratch = [Int32](repeating: 0, count: Int(liwork))
        dsyevd_("V", "U", &n, &work, &lda, &values, &scratch, &lwork, &iscratch, &liwork, &info, 1, 1)
        guard info == 0 else { throw .lapackFailure(routine: "dsyevd", info: Int(info)) }
        // `work` holds eigenvectors as columns, column-major: read as row-major it is Vᵀ.
        let vt = try Matrix(rows: a.rows, columns: a.rows, elements: work)
        return (values, vt.transposed)
    }

    /// Cholesky factor `L` (lower triangular) with `a = L · Lᵀ`.
    ///
    /// - Throws: `.notPositiveDefinite(order:)` naming the first failing leading minor.
    /// - Complexity: O(n³/3).
    public static func cholesky(_ a: Matrix<Double>) throws(LinearAlgebraError) -> Matrix<Double> {
        guard a.rows == a.columns else {
            throw .notSquare(operation: "Cholesky", rows: a.rows, columns: a.columns)
        }
        guard a.elements.allSatisfy(\.isFinite) else { throw .nonFinite(operation: "Cholesky") }
        var n = Int32(a.rows)
        if n == 0 { return a }
        var factor = a.elements
        var lda = n
        var info: Int32 = 0
        // Column-major 'U' (A = UᵀU) read back row-major is the lower factor L = Uᵀ.
        dpotrf_("U", &n, &factor, &lda, &info, 1)
        if info > 0 { throw .notPositiveDefinite(order: Int(info)) }
        guard info == 0 else { throw .lapackFailure(routine: "dpotrf", info: Int(info)) }
        var l = try Matrix(rows: a.rows, columns: a.rows, elements: factor)
        for r in 0..<a.rows { for c in (r + 1)..<a.rows where c < a.rows { l[r, c] = 0 } }
        return l
    }

    /// Solves `a · x = b` for a symmetric positive definite `a` (Cholesky, then two triangular solves).
    ///
    /// - Parameter b: right-hand sides as columns (`n × nrhs`).
    /// - Complexity: O(n³/3 + n²·nrhs).
    public static func solvePositiveDefinite(
        _ a: Matrix<Double>, _ b: Matrix<Double>
    ) throws(LinearAlgebraError) -> Matrix<Double> {
        guard b.rows == a.rows else {
            throw .dimensionMismatch(
                operation: "positive definite solve", left: "\(a.rows)×\(a.columns)", right: "\(b.rows)×\(b.columns)")
        }
        let l = try cholesky(a)
        var n = Int32(a.rows)
        var nrhs = Int32(b.columns)
        if n == 0 || nrhs == 0 { return b }
        // dpotrs wants the column-major 'U' factor: that is L's row-major storage read as U.
        var factor = l.elements
        var rhs = b.transposed.elements  // column-major b
        var lda = n
        var ldb = n
        var info: Int32 = 0
        dpotrs_("U", &n, &nrhs, &factor, &lda, &rhs, &ldb, &info, 1)
        guard info == 0 else { throw .lapackFailure(routine: "dpotrs", info: Int(info)) }
        return try Matrix(rows: b.columns, columns: b.rows, elements: rhs).transposed
    }
}
