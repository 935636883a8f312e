@testable import ARRCOC
@testable import LinearAlgebra
import TestSupport
import Testing

/// `OrderedProducts` gives, bit for bit, what the linked reference BLAS's `sgemm` gives
/// (`BLAS.multiply`), which made the features files and scores of earlier versions: on one and
/// on two threads (split by rows or by columns), for the embedder's shapes, the scorer's and
/// others, on values with the spread of real descriptors (fractions, counts and centred values,
/// zeros included), with each vector kernel this CPU runs (the portable one everywhere, AVX2
/// where the CPU has it).
struct OrderedProductTests {
    /// The kernels this machine can run.
    static let kernels = OrderedProducts.Kernel.allCases.filter { $0 == .portable || OrderedProducts.kernel == .avx2 }

    static func values(_ count: Int, seed: UInt64) -> [Float] {
        var g = SeededGenerator(seed: seed)
        return (0..<count).map { k in
            switch k % 5 {
            case 0: 0
            case 1: Float.random(in: -1...1, using: &g)
            case 2: Float.random(in: 0...255, using: &g).rounded() / 765
            default: Float.random(in: -40...40, using: &g) * Float.random(in: 0...1, using: &g)
            }
        }
    }

    /// How many elements differ in any bit (0 when the two are bit-identical), and the first.
    static func differences(_ ours: [Float], _ theirs: [Float]) -> String {
        guard ours.count == theirs.count else { return "\(ours.count) elements against \(theirs.count)" }
        let differing = ours.indices.filter { ours[$0].bitPattern != theirs[$0].bitPattern }
        guard let first = differing.first else { return "none" }
        return "\(differing.count) of \(ours.count), the first at \(first): \(ours[first]) against \(theirs[first])"
    }

    @Test(arguments: [(1, 28), (2, 28), (17, 28), (4095, 28), (4096, 28), (42_001, 28), (9, 1), (5000, 5), (5000, 31)])
    func gramIsTheReferenceBLASProductBitForBit(rows: Int, columns: Int) throws {
        let x = Self.values(rows * columns, seed: UInt64(rows * 100 + columns))
        let blas = try BLAS.multiply(try Matrix(rows: rows, columns: columns, elements: x),
                                     try Matrix(rows: rows, columns: columns, elements: x), transposeA: true)
        let ours = x.withUnsafeBufferPointer { OrderedProducts.gram($0, rows: rows, columns: columns) }
        #expect(Self.differences(ours, blas.elements) == "none", "\(rows)×\(columns)")
    }

    @Test(arguments: [(1, 28, 24), (3, 28, 24), (4095, 28, 24), (4096, 28, 24), (42_001, 28, 24), (5000, 28, 1), (5001, 7, 28), (10, 1, 3),
                      (470, 24, 4095), (470, 24, 4096), (3, 24, 9001)])
    func productIsTheReferenceBLASProductBitForBit(rows: Int, inner: Int, columns: Int) throws {
        let x = Self.values(rows * inner, seed: UInt64(rows + inner)), p = Self.values(inner * columns, seed: 7 + UInt64(columns))
        let blas = try BLAS.multiply(try Matrix(rows: rows, columns: inner, elements: x),
                                     try Matrix(rows: inner, columns: columns, elements: p))
        for kernel in Self.kernels {
            // Into a NaN-filled buffer: an element no block writes stays NaN and differs.
            var ours = [Float](repeating: .nan, count: rows * columns)
            x.withUnsafeBufferPointer { a in
                p.withUnsafeBufferPointer { b in
                    ours.withUnsafeMutableBufferPointer { y in
                        OrderedProducts.product(a, rows: rows, inner: inner, b, columns: columns, kernel: kernel, into: y.baseAddress!)
                    }
                }
            }
            #expect(Self.differences(ours, blas.elements) == "none", "\(rows)×\(inner) · \(inner)×\(columns), \(kernel)")
        }
    }

    /// A real fit: the descriptors of the golden frames, centred as the fit centres them.
    @Test func realDescriptorsGiveTheReferenceProducts() throws {
        var descriptors: [Float] = []
        for frame in FeatureGoldenTests.frames(count: 7) { descriptors += FeatureAnalyzer.describe(frame) }
        let d0 = CellDescriptor.length, rows = descriptors.count / d0
        let embedder = try DescriptorEmbedder.fit(descriptors: descriptors, inputDimension: d0, dimension: 24)
        let centred = (0..<descriptors.count).map { descriptors[$0] - embedder.mean[$0 % d0] }
        let x = try Matrix(rows: rows, columns: d0, elements: centred)
        let gram = centred.withUnsafeBufferPointer { OrderedProducts.gram($0, rows: rows, columns: d0) }
        #expect(Self.differences(gram, try BLAS.multiply(x, x, transposeA: true).elements) == "none")
        let p = try Matrix(rows: d0, columns: 24, elements: embedder.projection)
        let projected = centred.withUnsafeBufferPointer { a in
            embedder.projection.withUnsafeBufferPointer { OrderedProducts.product(a, rows: rows, inner: d0, $0, columns: 24) }
        }
        #expect(Self.differences(projected, try BLAS.multiply(x, p).elements) == "none")
    }

    /// The scorer's similarities, queries × cells (`q · eᵀ`), are the transpose of what it took from
    /// `BLAS.multiply(e, q, transposeB: true)` before, bit for bit: the same products summed in
    /// the same order.
    @Test func theScorersLayoutIsTheTransposeOfTheBLASProduct() throws {
        let cells = 5000, queries = 470, d = 24
        let e = Self.values(cells * d, seed: 11), q = Self.values(queries * d, seed: 12)
        let blas = try BLAS.multiply(try Matrix(rows: cells, columns: d, elements: e), try Matrix(rows: queries, columns: d, elements: q),
                                     transposeB: true)
        let eT = (0..<(d * cells)).map { e[($0 % cells) * d + $0 / cells] }
        for kernel in Self.kernels {
            let ours = q.withUnsafeBufferPointer { a in
                eT.withUnsafeBufferPointer { OrderedProducts.product(a, rows: queries, inner: d, $0, columns: cells, kernel: kernel) }
            }
            let transposed = (0..<(cells * queries)).map { ours[($0 % queries) * cells + $0 / queries] }
            #expect(Self.differences(transposed, blas.elements) == "none", "\(kernel)")
        }
    }

    /// This machine has AVX2 (CI's and the benchmarks' do), so both kernels are tested here.
    #if os(Linux)
    @Test func theAVX2KernelIsChosenWhereTheCPUHasIt() throws {
        let cpu = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let hasAVX2 = cpu.split(separator: "\n").contains { $0.hasPrefix("flags") && $0.split(separator: " ").contains("avx2") }
        #expect((OrderedProducts.kernel == .avx2) == hasAVX2)
    }
    #endif
}
