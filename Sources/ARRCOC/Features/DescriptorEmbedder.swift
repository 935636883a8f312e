import Foundation
import LinearAlgebra

/// Turns raw cell descriptors into embeddings: centre, standardise, project on the principal
/// axes of the video's own cells and whiten (PCA by LAPACK `dsyevd` on the covariance of
/// `gram(_:rows:columns:)`, summed in the reference BLAS's order), then L2-normalise, so that
/// cosine similarity weighs every decorrelated direction alike.
///
/// The fitted state (mean and projection) is saved in the features file: a query image must be
/// embedded with the *video's* state, or it is compared in another space.
public struct DescriptorEmbedder: Sendable, Equatable {
    /// Name written into features files.
    public static let name = "arrcoc-descriptor"
    /// Version of the descriptor and the fitting; bump when either changes. Version 3: the
    /// descriptor is defined on integer channel sums (gradients of R + G + B, exact moments;
    /// `CellDescriptor`), which a faster kernel computes. Version 2: analysed frames (and query
    /// images) reach the descriptor through yuv420p at the analysis size, then libswscale's
    /// unscaled YUV→RGB arithmetic (Docs/features.md, "Pixels"); version 1 used libswscale's
    /// bicubic scaled YUV→RGB24 conversion. Files of another version are refused
    /// (`FeatureError.embedderVersion`): their cells and a new query would not share a space.
    public static let version = 3

    /// Per-dimension mean of the raw descriptors (length `inputDimension`).
    public let mean: [Float]
    /// `inputDimension × dimension`, row-major: standardisation, rotation and whitening in one.
    public let projection: [Float]
    public let inputDimension: Int
    public let dimension: Int

    public init(mean: [Float], projection: [Float], inputDimension: Int, dimension: Int) throws(FeatureError) {
        guard mean.count == inputDimension, projection.count == inputDimension * dimension, dimension > 0 else {
            throw .embedderStateShape(meanCount: mean.count, projectionCount: projection.count, inputDimension: inputDimension, dimension: dimension)
        }
        guard mean.allSatisfy(\.isFinite), projection.allSatisfy(\.isFinite) else {
            throw .embedderStateNotFinite
        }
        self.mean = mean
        self.projection = projection
        self.inputDimension = inputDimension
        self.dimension = dimension
    }

    /// Fits on `descriptors` (`count × inputDimension`, row-major).
    ///
    /// Eigenvalues are regularised by 5% of their mean before whitening, so that directions with
    /// almost no variance (noise) are not blown up.
    /// - Complexity: O(count · inputDimension²) for the covariance, O(inputDimension³) for the PCA.
    public static func fit(descriptors: [Float], inputDimension d0: Int, dimension: Int) throws -> DescriptorEmbedder {
        var centred = descriptors
        return try fit(centring: &centred, inputDimension: d0, dimension: dimension)
    }

    /// `fit(descriptors:…)` on descriptors the caller gives up: they are centred in place, so a
    /// large sample is held once (`FeatureAnalyzer`'s fit on its bounded sample of frames).
    public static func fit(centring centred: inout [Float], inputDimension d0: Int, dimension: Int) throws -> DescriptorEmbedder {
        let count = centred.count / d0
        guard count >= 2 else { throw FeatureError.tooFewCells(count: count) }
        let k = min(dimension, d0)
        var mean = [Double](repeating: 0, count: d0)
        // Row by row, in the order the sums have always had (the features stay byte-identical).
        centred.withUnsafeBufferPointer { x in
            mean.withUnsafeMutableBufferPointer { m in
                for i in 0..<count { for j in 0..<d0 { m[j] += Double(x[i &* d0 &+ j]) } }
                for j in 0..<d0 { m[j] /= Double(count) }
            }
        }
        let shift = mean.map { Float($0) }
        centred.withUnsafeMutableBufferPointer { x in
            shift.withUnsafeBufferPointer { m in
                for i in 0..<count { for j in 0..<d0 { x[i &* d0 &+ j] -= m[j] } }
            }
        }
        let gram = centred.withUnsafeBufferPointer { OrderedProducts.gram($0, rows: count, columns: d0) }
        var covariance = Matrix<Double>(zeros: d0, d0)
        for i in 0..<d0 { for j in 0..<d0 { covariance[i, j] = Double(gram[i * d0 + j]) / Double(count - 1) } }
        // Standardise: correlation matrix, so colour means and histogram fractions weigh alike.
        let sd = (0..<d0).map { max(covariance[$0, $0], 1e-12).squareRoot() }
        var correlation = covariance
        for i in 0..<d0 { for j in 0..<d0 { correlation[i, j] = covariance[i, j] / (sd[i] * sd[j]) } }
        // Every descriptor alike (a blank or single-colour video): no direction to whiten along.
        let variance = (0..<d0).reduce(0.0) { $0 + correlation[$1, $1] }
        guard variance >= 0.5 else { throw FeatureError.noVariation(path: nil) }
        let (values, vectors) = try LAPACK.symmetricEigen(correlation)
        let regulariser = 0.05 * values.reduce(0, +) / Double(d0)
        var projection = [Float](repeating: 0, count: d0 * k)
        for c in 0..<k {
            let axis = d0 - 1 - c  // largest eigenvalues last
            let scale = 1 / (max(values[axis], 0) + regulariser).squareRoot()
            // Fix each axis's sign (largest |component| positive) so fits are reproducible.
            var sign = 1.0
            var biggest = 0.0
            for i in 0..<d0 where abs(vectors[i, axis]) > biggest {
                biggest = abs(vectors[i, axis])
                sign = vectors[i, axis] < 0 ? -1 : 1
            }
            for i in 0..<d0 { projection[i * k + c] = Float(sign * vectors[i, axis] * scale / sd[i]) }
        }
        return try DescriptorEmbedder(mean: mean.map(Float.init), projection: projection, inputDimension: d0, dimension: k)
    }

    /// Embeds `descriptors` (`count × inputDimension`) → `count × dimension`, each row unit length
    /// (a zero row stays zero).
    public func embed(_ descriptors: [Float]) throws -> [Float] {
        var centred = descriptors
        return try embed(centring: &centred)
    }

    /// `embed(_:)` on descriptors the caller gives up (centred in place, no copy).
    public func embed(centring centred: inout [Float]) throws -> [Float] {
        let count = centred.count / inputDimension
        let d0 = inputDimension
        centred.withUnsafeMutableBufferPointer { x in
            mean.withUnsafeBufferPointer { m in
                for i in 0..<count { for j in 0..<d0 { x[i &* d0 &+ j] -= m[j] } }
            }
        }
        return centred.withUnsafeBufferPointer { embed(centred: $0) }
    }

    /// Embeds rows already centred on `mean`, as `fit(centring:…)` leaves its sample: the
    /// analysis embeds a video whose sample is every cell without reading or centring it again.
    func embed(centred x: UnsafeBufferPointer<Float>) -> [Float] {
        var y = projection.withUnsafeBufferPointer { p in
            OrderedProducts.product(x, rows: x.count / inputDimension, inner: inputDimension, p, columns: dimension)
        }
        Self.normalizeRows(&y, dimension: dimension)
        return y
    }

    /// Scales each row of `values` (rows of `dimension`) to unit L2 norm; a zero row stays zero.
    ///
    /// Each row is first divided by its largest magnitude, so that the sum of squares can neither
    /// overflow (3e38² is infinite in `Float`) nor underflow (1e-30² is zero): any finite nonzero
    /// row becomes a unit vector.
    public static func normalizeRows(_ values: inout [Float], dimension: Int) {
        guard dimension > 0 else { return }
        let rows = values.count / dimension
        values.withUnsafeMutableBufferPointer { v in
            for r in 0..<rows {
                let row = r * dimension
                var largest: Float = 0
                for j in 0..<dimension { largest = max(largest, abs(v[row + j])) }
                guard largest > 0, largest.isFinite else { continue }
                var s: Float = 0
                for j in 0..<dimension {
                    v[row + j] /= largest
                    s += v[row + j] * v[row + j]
                }
                let norm = s.squareRoot()
                for j in 0..<dimension { v[row + j] /= norm }
            }
        }
    }
}
