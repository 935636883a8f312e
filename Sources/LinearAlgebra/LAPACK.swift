import CLapack

/// Symmetric eigendecomposition through LAPACK (`dsyevd`).
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
}
