import CKernels
import Dispatch

/// Matrix products written out in the order in which the reference BLAS's `sgemm` sums them,
/// and split over two threads: the embedder's covariance `XᵀX` and projection `X·P`, and the
/// scorer's query vectors × cells similarities.
///
/// Each is small in one dimension (28 descriptor values, 24 embedding dimensions) and long in
/// the other (every cell of the video). The reference `sgemm` is plain loops, slow on such
/// shapes (the embedder's products were ≈ 40 ms of the 1-minute 720p analysis's serial end, the
/// scorer's about 30 s of CPU on an hour of video with a 160-px query image; Docs/performance.md).
/// Here each element is still a sum from zero over the shared dimension, in ascending order, one
/// rounded product and one rounded addition at a time (no fused multiply-add: Swift does not
/// contract `a + b·c` into one), exactly what the reference `sgemm` computes
/// (`C(i,j) = C(i,j) + temp·A(i,l)` in its loops without a transposed A, `temp = temp +
/// A(l,i)·B(l,j)` then `C(i,j) = 1·temp` in those with one, `l` ascending either way; Debian
/// builds it for x86-64 without FMA, and on other CPUs the identity holds only as far as their
/// build does the same): so
/// the results are bit-identical to the products of earlier versions, whose features files and
/// scores were made with it (`OrderedProductTests` compares them bit for bit with
/// `BLAS.multiply`). Splitting the work by output elements between threads changes no element's
/// order, and neither does the vector width: `product`'s blocks run in AVX2 (a C kernel,
/// `CKernels`) where the CPU has it, else in Swift's SIMD8, with the same bits.
public enum OrderedProducts {
    /// `xᵀx` for `x` of `rows × columns` (row-major): `columns × columns`, row-major.
    ///
    /// Only the upper triangle is summed; the lower one is its mirror (`xᵢ·xⱼ` and `xⱼ·xᵢ` round
    /// alike, term by term). Two threads take the triangle's first rows and the rest, split where
    /// their shares of its elements are about equal.
    ///
    /// - Complexity: O(rows · columns²).
    public static func gram(_ x: UnsafeBufferPointer<Float>, rows: Int, columns d: Int) -> [Float] {
        precondition(x.count >= rows * d)
        var result = [Float](repeating: 0, count: d * d)
        guard rows > 0, d > 0 else { return result }
        // Row i of the triangle has d − i elements: the first thread takes rows 0 ..< split.
        var split = 0, taken = 0
        while split < d, 2 * (taken + d - split) <= d * (d + 1) / 2 { taken += d - split; split += 1 }
        result.withUnsafeMutableBufferPointer { out in
            nonisolated(unsafe) let c = out.baseAddress!, a = x.baseAddress!
            let ranges = rows >= Self.rowsWorthAThread ? [0..<split, split..<d].filter { !$0.isEmpty } : [0..<d]
            Self.parallel(ranges.count) { part in
                let range = ranges[part]
                for l in 0..<rows {
                    let row = a + l * d
                    for i in range {
                        let xi = row[i], target = c + i * d
                        for j in i..<d { target[j] = target[j] + xi * row[j] }
                    }
                }
            }
            for i in 0..<d { for j in 0..<i { c[i * d + j] = c[j * d + i] } }
        }
        return result
    }

    /// `x · p` for `x` of `rows × inner` and `p` of `inner × columns` (both row-major):
    /// `rows × columns`, row-major. Two threads take the first half of the rows and the rest, or,
    /// when the rows are few and the columns many (a query's vectors × a video's cells), the
    /// first half of the columns and the rest.
    ///
    /// - Complexity: O(rows · inner · columns).
    public static func product(_ x: UnsafeBufferPointer<Float>, rows: Int, inner d: Int,
                               _ p: UnsafeBufferPointer<Float>, columns k: Int) -> [Float] {
        product(x, rows: rows, inner: d, p, columns: k, kernel: Self.kernel)
    }

    /// The vector code of the products' inner blocks.
    enum Kernel: Sendable, CaseIterable {
        /// Swift's `SIMD8<Float>`: SSE pairs on baseline x86-64, what any CPU runs.
        case portable
        /// `arrcoc_product_block_avx2` (CKernels), eight lanes in one register, four rows by
        /// sixteen columns: about twice as fast where the CPU has AVX2.
        case avx2
    }

    /// AVX2 when this CPU has it, else portable. Both give the same bits (`OrderedProductTests`).
    static let kernel: Kernel = arrcoc_has_avx2() != 0 ? .avx2 : .portable

    /// `product` with the kernel chosen (tests run both).
    static func product(_ x: UnsafeBufferPointer<Float>, rows: Int, inner d: Int,
                        _ p: UnsafeBufferPointer<Float>, columns k: Int, kernel: Kernel) -> [Float] {
        guard rows > 0, d > 0, k > 0 else { return [Float](repeating: 0, count: rows * k) }
        // Not zeroed first: every element is written by exactly one block (the scorer's chunks
        // made zeroing ≈ 6% of `compress --features`' CPU on an hour of video).
        return [Float](unsafeUninitializedCapacity: rows * k) { out, count in
            product(x, rows: rows, inner: d, p, columns: k, kernel: kernel, into: out.baseAddress!)
            count = rows * k
        }
    }

    /// `product` into `out` (`rows × k` floats, every one overwritten; tests fill it with NaN
    /// first, so that an element no block writes shows).
    static func product(_ x: UnsafeBufferPointer<Float>, rows: Int, inner d: Int, _ p: UnsafeBufferPointer<Float>, columns k: Int,
                        kernel: Kernel, into out: UnsafeMutablePointer<Float>) {
        precondition(x.count >= rows * d && p.count >= d * k)
        precondition(kernel == .portable || Self.kernel == .avx2, "the AVX2 kernel on a CPU without AVX2")
        guard rows > 0, d > 0, k > 0 else { return }
        nonisolated(unsafe) let y = out, a = x.baseAddress!, b = p.baseAddress!
        let byRows = rows >= Self.rowsWorthAThread, byColumns = !byRows && k >= Self.rowsWorthAThread
        let rowRanges = byRows ? [0..<(rows / 2), (rows / 2)..<rows] : [0..<rows]
        let columnRanges = byColumns ? [0..<(k / 2), (k / 2)..<k] : [0..<k]
        Self.parallel(max(rowRanges.count, columnRanges.count)) { part in
            Self.productBlock(a, b, y, inner: d, columns: k, rows: rowRanges[byRows ? part : 0],
                              columnRange: columnRanges[byColumns ? part : 0], kernel: kernel)
        }
    }

    /// Rows `rows` × columns `columnRange` of `y = a · b`. With the AVX2 kernel, four rows by
    /// sixteen columns (then eight, then the last few through a padded buffer) in C; else four
    /// rows by eight columns at a time, their sums held in registers across the shared dimension
    /// (the product used to read and write each output element once per term), then the
    /// leftover rows and columns one by one.
    /// Every element is still `0 + a₀·b₀`, then `+ a₁·b₁`, … in ascending order, each product
    /// and each addition rounded on its own (Swift's SIMD `*` and `+` are separate
    /// instructions), so the blocking changes no bit of any number (a NaN's sign bit, from
    /// infinite or NaN inputs, which no caller passes, may differ).
    private static func productBlock(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                                     inner d: Int, columns k: Int, rows: Range<Int>, columnRange: Range<Int>, kernel: Kernel) {
        typealias V = SIMD8<Float>
        let wide = columnRange.lowerBound + (columnRange.count / V.scalarCount) * V.scalarCount
        var r = rows.lowerBound
        if kernel == .avx2 {
            let blockRows = (rows.count / 4) * 4
            arrcoc_product_block_avx2(a, b, y, d, k, rows.lowerBound, rows.lowerBound + blockRows, columnRange.lowerBound,
                                      columnRange.upperBound)
            r += blockRows
        }
        while r + 4 <= rows.upperBound {
            let a0 = a + r * d, a1 = a0 + d, a2 = a1 + d, a3 = a2 + d
            var c = columnRange.lowerBound
            while c < wide {
                var s0 = V(), s1 = V(), s2 = V(), s3 = V()
                for l in 0..<d {
                    let v = UnsafeRawPointer(b + l * k + c).loadUnaligned(as: V.self)
                    s0 = s0 + V(repeating: a0[l]) * v
                    s1 = s1 + V(repeating: a1[l]) * v
                    s2 = s2 + V(repeating: a2[l]) * v
                    s3 = s3 + V(repeating: a3[l]) * v
                }
                UnsafeMutableRawPointer(y + r * k + c).storeBytes(of: s0, as: V.self)
                UnsafeMutableRawPointer(y + (r + 1) * k + c).storeBytes(of: s1, as: V.self)
                UnsafeMutableRawPointer(y + (r + 2) * k + c).storeBytes(of: s2, as: V.self)
                UnsafeMutableRawPointer(y + (r + 3) * k + c).storeBytes(of: s3, as: V.self)
                c += V.scalarCount
            }
            Self.productElements(a, b, y, inner: d, columns: k, rows: r..<(r + 4), columnRange: wide..<columnRange.upperBound)
            r += 4
        }
        Self.productElements(a, b, y, inner: d, columns: k, rows: r..<rows.upperBound, columnRange: columnRange)
    }

    /// `productBlock`'s leftovers, element by element (the same order of terms).
    private static func productElements(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                                        inner d: Int, columns k: Int, rows: Range<Int>, columnRange: Range<Int>) {
        for r in rows {
            let source = a + r * d, target = y + r * k
            (target + columnRange.lowerBound).update(repeating: 0, count: columnRange.count)
            for l in 0..<d {
                let t = source[l], axis = b + l * k
                for c in columnRange { target[c] = target[c] + t * axis[c] }
            }
        }
    }

    /// Below this many rows (or columns) a second thread costs more than it saves.
    static let rowsWorthAThread = 4096

    /// Runs `body(0) … body(count − 1)`, concurrently when `count` > 1 (`concurrentPerform`,
    /// at most as many at once as the machine has cores), and returns when all have.
    package static func parallel(_ count: Int, _ body: (Int) -> Void) {
        if count <= 1 {
            if count == 1 { body(0) }
            return
        }
        withoutActuallyEscaping(body) { body in
            nonisolated(unsafe) let work = body
            DispatchQueue.concurrentPerform(iterations: count) { work($0) }
        }
    }
}
