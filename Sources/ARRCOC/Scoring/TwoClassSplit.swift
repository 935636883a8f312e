import Foundation

/// Otsu's two-class split of a set of values (maximum between-class variance), and how well
/// separated the classes are: (high mean − low mean) / within-class standard deviation. Clear
/// "query here / query not here" frames give a large separation whatever their proportions;
/// noise gives about 2.7 (a normal sample split at its median).
struct TwoClassSplit {
    var lowMean: Double
    var highMean: Double
    var separation: Double

    init(_ values: [Double]) {
        let v = values.sorted()
        let n = v.count
        guard n >= 2 else {
            lowMean = v.first ?? 0
            highMean = v.first ?? 0
            separation = 0
            return
        }
        var prefix = [0.0], prefixSq = [0.0]
        for x in v {
            prefix.append(prefix.last! + x)
            prefixSq.append(prefixSq.last! + x * x)
        }
        var best = (between: -1.0, cut: 1)
        for cut in 1..<n {  // low = v[0..<cut], high = v[cut...]
            let m0 = prefix[cut] / Double(cut), m1 = (prefix[n] - prefix[cut]) / Double(n - cut)
            let between = Double(cut) * Double(n - cut) * (m1 - m0) * (m1 - m0)
            if between > best.between { best = (between, cut) }
        }
        let c = best.cut
        lowMean = prefix[c] / Double(c)
        highMean = (prefix[n] - prefix[c]) / Double(n - c)
        let within = (prefixSq[c] - Double(c) * lowMean * lowMean) + (prefixSq[n] - prefixSq[c] - Double(n - c) * highMean * highMean)
        let sd = (max(within, 0) / Double(n)).squareRoot()
        separation = (highMean - lowMean) / (sd + 1e-3)
    }
}
