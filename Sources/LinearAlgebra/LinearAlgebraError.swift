import Foundation

/// Why a linear-algebra call failed; each case carries the values that were wrong.
public enum LinearAlgebraError: Error, Equatable, LocalizedError {
    /// The element array does not have `rows * columns` entries.
    case elementCount(rows: Int, columns: Int, count: Int)
    /// Inner dimensions of a product disagree.
    case dimensionMismatch(operation: String, left: String, right: String)
    /// The routine needs a square matrix.
    case notSquare(operation: String, rows: Int, columns: Int)
    /// LAPACK reported a failure (`info` as LAPACK returned it).
    case lapackFailure(routine: String, info: Int)
    /// The input holds NaN or infinity.
    case nonFinite(operation: String)

    public var errorDescription: String? {
        switch self {
        case let .elementCount(rows, columns, count):
            return "matrix of \(rows)×\(columns) needs \(rows * columns) elements, got \(count)"
        case let .dimensionMismatch(operation, left, right):
            return "\(operation): shapes \(left) and \(right) do not fit"
        case let .notSquare(operation, rows, columns):
            return "\(operation) needs a square matrix, got \(rows)×\(columns)"
        case let .lapackFailure(routine, info):
            return "LAPACK \(routine) failed with info = \(info)"
        case let .nonFinite(operation):
            return "\(operation): the matrix contains NaN or infinity"
        }
    }
}
