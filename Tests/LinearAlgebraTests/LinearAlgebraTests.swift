import Testing
@testable import LinearAlgebra

@Suite struct BLASTests {
    @Test func productMatchesHandWorkedExample() throws {
        // [1 2 3; 4 5 6] · [7 8; 9 10; 11 12] = [58 64; 139 154]
        let a = try Matrix<Float>(rows: 2, columns: 3, elements: [1, 2, 3, 4, 5, 6])
        let b = try Matrix<Float>(rows: 3, columns: 2, elements: [7, 8, 9, 10, 11, 12])
        let c = try BLAS.multiply(a, b)
        #expect(c.rows == 2 && c.columns == 2)
        #expect(c.elements == [58, 64, 139, 154])
    }

    @Test func transposeFlagsAgreeWithExplicitTranspose() throws {
        var g = SystemRandomNumberGenerator()
        let a = try Matrix<Double>(rows: 5, columns: 3, elements: (0..<15).map { _ in Double.random(in: -1...1, using: &g) })
        let b = try Matrix<Double>(rows: 4, columns: 3, elements: (0..<12).map { _ in Double.random(in: -1...1, using: &g) })
        let viaFlag = try BLAS.multiply(a, b, transposeB: true)
        let explicit = try BLAS.multiply(a, b.transposed)
        #expect(viaFlag.rows == 5 && viaFlag.columns == 4)
        #expect(viaFlag.maxAbsDifference(explicit) < 1e-12)
        // Naive triple loop as the independent reference.
        for i in 0..<5 {
            for j in 0..<4 {
                var s = 0.0
                for k in 0..<3 { s += a[i, k] * b[j, k] }
                #expect(abs(viaFlag[i, j] - s) < 1e-12)
            }
        }
        let ata = try BLAS.multiply(a, a, transposeA: true)
        #expect(ata.rows == 3 && ata.columns == 3)
    }

    @Test func innerDimensionMismatchIsAnError() throws {
        let a = try Matrix<Float>(rows: 2, columns: 3, elements: [Float](repeating: 1, count: 6))
        #expect(throws: LinearAlgebraError.self) { try BLAS.multiply(a, a) }
        #expect(throws: LinearAlgebraError.elementCount(rows: 2, columns: 2, count: 3)) {
            try Matrix<Float>(rows: 2, columns: 2, elements: [1, 2, 3])
        }
    }
}

@Suite struct LAPACKTests {
    @Test func eigenOfKnownSymmetricMatrix() throws {
        // [[2,1],[1,2]] has eigenvalues 1 and 3 with vectors (1,-1)/√2 and (1,1)/√2.
        let a = try Matrix<Double>(rows: 2, columns: 2, elements: [2, 1, 1, 2])
        let (values, vectors) = try LAPACK.symmetricEigen(a)
        #expect(abs(values[0] - 1) < 1e-12 && abs(values[1] - 3) < 1e-12)
        let s = 1 / 2.0.squareRoot()
        #expect(abs(abs(vectors[0, 0]) - s) < 1e-12 && abs(vectors[0, 0] + vectors[1, 0]) < 1e-12)
        #expect(abs(vectors[0, 1] - vectors[1, 1]) < 1e-12)
    }

    @Test func eigenReconstructsRandomSymmetricMatrix() throws {
        var g = SystemRandomNumberGenerator()
        let n = 7
        let x = try Matrix<Double>(rows: n, columns: n, elements: (0..<n * n).map { _ in Double.random(in: -1...1, using: &g) })
        let a = try BLAS.multiply(x, x, transposeB: true)  // symmetric PSD
        let (values, v) = try LAPACK.symmetricEigen(a)
        #expect(zip(values, values.dropFirst()).allSatisfy { $0 <= $1 })
        var d = Matrix<Double>(zeros: n, n)
        for i in 0..<n { d[i, i] = values[i] }
        let back = try BLAS.multiply(try BLAS.multiply(v, d), v, transposeB: true)
        #expect(back.maxAbsDifference(a) < 1e-10)
        let vtv = try BLAS.multiply(v, v, transposeA: true)
        #expect(vtv.maxAbsDifference(.identity(n)) < 1e-10)
    }

    @Test func symmetricEigenRejectsNonSquareAndNonFinite() throws {
        let nan = try Matrix<Double>(rows: 1, columns: 1, elements: [.nan])
        #expect(throws: LinearAlgebraError.nonFinite(operation: "symmetric eigendecomposition")) { try LAPACK.symmetricEigen(nan) }
        let rect = Matrix<Double>(zeros: 2, 3)
        #expect(throws: LinearAlgebraError.notSquare(operation: "symmetric eigendecomposition", rows: 2, columns: 3)) {
            try LAPACK.symmetricEigen(rect)
        }
    }
}
