import Foundation

/// How clearly a query stands out as a *moment* of the video — the peakedness that drives
/// opponent processing's explore/exploit switch — read on the cells' raw query similarity.
///
/// 1. A temporal background model in similarity space: each cell's similarity minus its own
///    median over ±`window` seconds (background subtraction, as in Stauffer & Grimson, "Adaptive
///    background mixture models for real-time tracking", CVPR 1999 — here on the query
///    similarity, not on pixels). A needle on a busy but recurring background stands out from what
///    that location usually looks like; a scene that resembles the query for a long stretch, or
///    the whole video, does not.
/// 2. A frame's evidence is the mean of its best `top` cells' excess (a small object counts).
/// 3. Evidence must be sustained over two consecutive candidates (an object is there for more
///    than one sample; a cut or a flash is not): `max(min(e[f−1], e[f]), min(e[f], e[f+1]))`.
/// 4. Peakedness = best sustained evidence − its 75th percentile over the frames, in cosine
///    units: a query found in a few moments (up to a quarter of the video) reads high; one found
///    nowhere, or everywhere, reads flat.
///
/// Measured on the real-needles clips (`Scripts/exploit-study.sh`, features version 2): needles
/// clearly found 0.34–0.57; 31 of 37 absent queries 0.04–0.25, and 6 look-alike *scenes* (a shot
/// of foliage for a grass crop) 0.28–0.59, which a descriptor of colour, gradient and texture
/// cannot tell from the object; see Docs/engine.md. DIG (2025) is the reason it matters: uniform
/// sampling is best for global questions, query-aware selection for local ones.
struct MomentEvidence {
    /// Per frame, the sustained evidence (cosine above the cell's local temporal median).
    var frames: [Double]
    /// Best sustained evidence minus its 75th percentile (0 for fewer than 2 frames).
    var peakedness: Double

    /// - Parameters:
    ///   - similarity: `times.count × cells`, raw query similarity per cell.
    ///   - window: half-width in seconds of each cell's temporal background.
    ///   - top: how many of a frame's best cells make its evidence.
    ///   - weights: per frame, the time it stands for (`FeatureSet.timeWeights`), nil when every
    ///     frame stands for the same time: the cells' temporal medians and the 75th percentile
    ///     are then weighted, so unevenly spaced frames read as evenly spaced ones would.
    /// - Complexity: O(T · cells · w log w), w ≤ 31 samples of the window.
    init(similarity: [Float], times: [Double], cells: Int, window: Double, top: Int, weights: [Double]? = nil) {
        let t = times.count
        guard t > 0, cells > 0 else {
            frames = []
            peakedness = 0
            return
        }
        var evidence = [Double](repeating: 0, count: t)
        // Each cell's background is sampled at fixed times, the frames nearest the multiples of
        // `step` (at most 31 a window, so long videos stay cheap): neighbouring frames read their
        // background from the same samples, and a coarse-to-fine merge samples its windows at the
        // times a full analysis does (an index stride would pick alternate frames by the parity
        // of the window's first one: ±0.02–0.04 on the peakedness of the bench clip).
        let samples = Self.gridFrames(times: times, step: 2 * window / 30)
        var lo = 0, hi = -1
        var excess = [Float](repeating: 0, count: cells)
        var column = [Float]()
        column.reserveCapacity(32)
        var weighted = [(value: Float, weight: Double)]()
        weighted.reserveCapacity(32)
        similarity.withUnsafeBufferPointer { s in
            for f in 0..<t {
                while lo < samples.count, times[samples[lo]] < times[f] - window { lo += 1 }
                while hi + 1 < samples.count, times[samples[hi + 1]] <= times[f] + window { hi += 1 }
                // No sample within the window (frames further apart than it): the frame alone.
                let around = lo <= hi ? Array(samples[lo...hi]) : [f]
                for c in 0..<cells {
                    if let weights {
                        weighted.removeAll(keepingCapacity: true)
                        for g in around { weighted.append((s[g * cells + c], weights[g])) }
                        weighted.sort { $0.value < $1.value }
                        let median = WeightedStatistics.quantile(sorted: weighted.map { Double($0.value) }, weights: weighted.map(\.weight), q: 0.5)
                        excess[c] = s[f * cells + c] - Float(median)
                        continue
                    }
                    column.removeAll(keepingCapacity: true)
                    for g in around { column.append(s[g * cells + c]) }
                    column.sort()
                    let m = column.count
                    let median = m % 2 == 1 ? column[m / 2] : (column[m / 2 - 1] + column[m / 2]) / 2
                    excess[c] = s[f * cells + c] - median
                }
                excess.sort(by: >)
                let k = min(max(1, top), cells)
                evidence[f] = Double(excess.prefix(k).reduce(0, +)) / Double(k)
            }
        }
        let sustained = Self.sustained(evidence)
        frames = sustained
        guard t > 1 else {
            peakedness = 0
            return
        }
        if let weights {
            peakedness = max(0, (sustained.max() ?? 0) - WeightedStatistics.quantile(sustained, weights: weights, q: 0.75))
            return
        }
        let sorted = sustained.sorted()
        // 75th percentile, linear interpolation between order statistics (numpy's default).
        let position = 0.75 * Double(t - 1)
        let i = Int(position.rounded(.down)), fraction = position - Double(i)
        let p75 = i + 1 < t ? sorted[i] + fraction * (sorted[i + 1] - sorted[i]) : sorted[i]
        peakedness = max(0, (sorted.last ?? 0) - p75)
    }

    /// `max(min(v[f−1], v[f]), min(v[f], v[f+1]))`: each value as far as a neighbour shares it
    /// (a missing neighbour shares nothing; a single value is its own).
    static func sustained(_ v: [Double]) -> [Double] {
        let t = v.count
        guard t > 1 else { return v }
        return (0..<t).map { f in
            max(f > 0 ? min(v[f - 1], v[f]) : -Double.infinity, f + 1 < t ? min(v[f], v[f + 1]) : -Double.infinity)
        }
    }

    /// The frames nearest the multiples of `step` seconds from the first frame's to the last's
    /// (the earlier of two equally near), each once, in time order (`times` increasing).
    static func gridFrames(times: [Double], step: Double) -> [Int] {
        guard let first = times.first, let last = times.last, step > 0 else { return Array(times.indices) }
        var out: [Int] = []
        var j = 0
        var k = (first / step).rounded(.down)
        while k * step <= last {
            let target = k * step
            while j + 1 < times.count, abs(times[j + 1] - target) < abs(times[j] - target) { j += 1 }
            if out.last != j { out.append(j) }
            k += 1
        }
        return out
    }
}
