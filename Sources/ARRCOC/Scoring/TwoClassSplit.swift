import Foundation

/// Otsu's two-class split of a set of values (maximum between-class variance), and how well
/// separated the classes are: (high mean − low mean) / within-class standard deviation. Clear
/// "query here / query not here" frames give a large separation whatever their proportions;
/// noise gives about 2.7 (a normal sample split at its median).
struct TwoClassSplit {
    var lowMean: Double
    var highMean: Double
    var separation: Double

    /// The split with every value counting once: the weighted split with unit weights, which
    /// gives bit for bit the unweighted sums (counts are exact, 1·x is x).
    init(_ values: [Double]) {
        self.init(values, weights: [Double](repeating: 1, count: values.count))
    }

    /// The split of weighted values (`weights` positive, one per value): each value counts as
    /// its weight (a frame as the time it stands for, `FeatureSet.timeWeights`), so class sizes,
    /// means and variances are weighted. Equal weights give `init(_:)`'s split.
    init(_ values: [Double], weights: [Double]) {
        precondition(values.count == weights.count, "one weight per value")
        let order = values.indices.sorted { values[$0] < values[$1] }
        let n = order.count
        guard n >= 2 else {
            lowMean = values.first ?? 0
            highMean = values.first ?? 0
            separation = 0
            return
        }
        var prefixW = [0.0], prefix = [0.0], prefixSq = [0.0]
        for i in order {
            let w = weights[i], x = values[i]
            prefixW.append(prefixW[prefixW.count - 1] + w)
            prefix.append(prefix[prefix.count - 1] + w * x)
            prefixSq.append(prefixSq[prefixSq.count - 1] + w * x * x)
        }
        let total = prefixW[n]
        var best = (between: -1.0, cut: 1)
        for cut in 1..<n {
            let w0 = prefixW[cut], w1 = total - w0
            guard w0 > 0, w1 > 0 else { continue }
            let m0 = prefix[cut] / w0, m1 = (prefix[n] - prefix[cut]) / w1
            let between = w0 * w1 * (m1 - m0) * (m1 - m0)
            if between > best.between { best = (between, cut) }
        }
        let c = best.cut, w0 = max(prefixW[c], 1e-300), w1 = max(total - prefixW[c], 1e-300)
        lowMean = prefix[c] / w0
        highMean = (prefix[n] - prefix[c]) / w1
        let within = (prefixSq[c] - w0 * lowMean * lowMean) + (prefixSq[n] - prefixSq[c] - w1 * highMean * highMean)
        let sd = (max(within, 0) / max(total, 1e-300)).squareRoot()
        separation = (highMean - lowMean) / (sd + 1e-3)
    }
}
