import Foundation

/// Order statistics of weighted samples, for features whose frames stand for different lengths
/// of time (`FeatureSet.timeWeights`): a coarse-to-fine merge holds keyframes that each stand for
/// several seconds next to dense frames that stand for half a second, and the scorer's
/// video-wide statistics must read them as the full analysis's evenly spaced frames would.
///
/// Equal weights give the unweighted statistics (numpy's default linear interpolation between
/// order statistics; the median of an even count is the mean of the two middle values).
enum WeightedStatistics {
    /// The `q`-quantile (0…1) of `values` with positive `weights`: sample k of the sorted values
    /// sits at position `(S_k + w_k/2 − w_0/2) / (W − w_0/2 − w_{n−1}/2)`, S_k the weight before it
    /// and W the total (with equal weights `k / (n − 1)`, numpy's positions), and the quantile is
    /// interpolated linearly between the two samples around `q`.
    /// - Complexity: O(n log n).
    static func quantile(_ values: [Double], weights: [Double], q: Double) -> Double {
        precondition(values.count == weights.count, "one weight per value")
        let order = values.indices.sorted { values[$0] < values[$1] }
        return quantile(sorted: order.map { values[$0] }, weights: order.map { weights[$0] }, q: q)
    }

    /// `quantile(_:weights:q:)` of values already sorted increasingly.
    static func quantile(sorted v: [Double], weights w: [Double], q: Double) -> Double {
        let n = v.count
        guard n > 1, let first = w.first, let last = w.last else { return v.first ?? 0 }
        let total = w.reduce(0, +)
        let span = total - 0.5 * first - 0.5 * last
        guard span > 0 else { return v[n / 2] }
        let target = q * span
        // Sample k sits at pos_k = pos_{k−1} + (w_{k−1} + w_k) / 2, pos_0 = 0, pos_{n−1} = span.
        var previous = 0.0
        for k in 1..<n {
            let position = previous + 0.5 * (w[k - 1] + w[k])
            if position >= target {
                let fraction = position > previous ? max(0, target - previous) / (position - previous) : 0
                return v[k - 1] + fraction * (v[k] - v[k - 1])
            }
            previous = position
        }
        return v[n - 1]
    }

    /// The weighted median of `values` (float samples, per-sample weights).
    static func median(_ values: [Float], weights: [Double]) -> Float {
        precondition(values.count == weights.count, "one weight per value")
        let order = values.indices.sorted { values[$0] < values[$1] }
        return Float(quantile(sorted: order.map { Double(values[$0]) }, weights: order.map { weights[$0] }, q: 0.5))
    }
}
