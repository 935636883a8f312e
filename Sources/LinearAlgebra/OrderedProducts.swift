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
/// order.
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
        precondition(x.count >= rows * d && p.count >= d * k)
        var result = [Float](repeating: 0, count: rows * k)
        guard rows > 0, d > 0, k > 0 else { return result }
        result.withUnsafeMutableBufferPointer { out in
            nonisolated(unsafe) let y = out.baseAddress!, a = x.baseAddress!, b = p.baseAddress!
            let byRows = rows >= Self.rowsWorthAThread, byColumns = !byRows && k >= Self.rowsWorthAThread
            let rowRanges = byRows ? [0..<(rows / 2), (rows / 2)..<rows] : [0..<rows]
            let columnRanges = byColumns ? [0..<(k / 2), (k / 2)..<k] : [0..<k]
            Self.parallel(max(rowRanges.count, columnRanges.count)) { part in
                let columns = columnRanges[byColumns ? part : 0]
                for r in rowRanges[byRows ? part : 0] {
                    let source = a + r * d, target = y + r * k
                    for l in 0..<d {
                        let t = source[l], axis = b + l * k
                        for c in columns { target[c] = target[c] + t * axis[c] }
                    }
                }
            }
        }
        return result
    }

    /// Below this many rows (or columns) a second thread costs more than it saves.
    static let rowsWorthAThread = 4096

    /// Runs `body(0) … body(count − 1)`, the first on this thread and the others concurrently.
    private static func parallel(_ count: Int, _ body: (Int) -> Void) {
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
