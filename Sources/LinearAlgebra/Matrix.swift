/// A dense row-major matrix: the value type every LinearAlgebra routine takes and returns.
///
/// Row-major keeps Swift indexing natural (`m[row, column]`); the wrappers translate to
/// BLAS/LAPACK's conventions (a row-major matrix is the column-major view of its transpose).
public struct Matrix<Scalar: BinaryFloatingPoint & Sendable>: Sendable, Equatable {
    /// Number of rows.
    public let rows: Int
    /// Number of columns.
    public let columns: Int
    /// Elements in row-major order, `rows * columns` of them.
    public var elements: [Scalar]

    /// A matrix over existing row-major elements.
    /// - Throws: `LinearAlgebraError.elementCount` when `elements.count != rows * columns`.
    public init(rows: Int, columns: Int, elements: [Scalar]) throws(LinearAlgebraError) {
        guard rows >= 0, columns >= 0, elements.count == rows * columns else {
            throw .elementCount(rows: rows, columns: columns, count: elements.count)
        }
        self.rows = rows
        self.columns = columns
        self.elements = elements
    }

    /// A matrix of zeros.
    public init(zeros rows: Int, _ columns: Int) {
        self.rows = max(rows, 0)
        self.columns = max(columns, 0)
        self.elements = [Scalar](repeating: 0, count: self.rows * self.columns)
    }

    /// The identity matrix of size `n`.
    public static func identity(_ n: Int) -> Matrix {
        var m = Matrix(zeros: n, n)
        for i in 0..<n { m[i, i] = 1 }
        return m
    }

    /// Element at `row`, `column`.
    public subscript(row: Int, column: Int) -> Scalar {
        get { elements[row * columns + column] }
        set { elements[row * columns + column] = newValue }
    }

    /// The transpose.
    /// - Complexity: O(rows × columns).
    public var transposed: Matrix {
        var t = Matrix(zeros: columns, rows)
        for r in 0..<rows {
            for c in 0..<columns { t.elements[c * rows + r] = elements[r * columns + c] }
        }
        return t
    }

    /// The largest absolute element-wise difference to `other` (same shape required).
    public func maxAbsDifference(_ other: Matrix) -> Scalar {
        precondition(rows == other.rows && columns == other.columns, "shape mismatch")
        var worst: Scalar = 0
        for (a, b) in zip(elements, other.elements) { worst = max(worst, abs(a - b)) }
        return worst
    }
}
