import Foundation

extension FeatureSet {
    /// Per frame, the time it stands for (seconds), when the frames are not evenly spaced by
    /// construction: a coarse-to-fine merge (`analysis.pass = coarse-to-fine`) holds coarse frames
    /// that each stand for a keyframe interval next to fine frames that stand for one candidate
    /// interval. nil for every other features file (evenly spaced candidates, every frame standing
    /// for the same time), so their scores are computed exactly as before.
    ///
    /// A frame stands for the half-way points to its neighbours, `(t[f+1] − t[f−1]) / 2`; the first
    /// and last frames for the whole gap to their one neighbour, so that evenly spaced frames would
    /// all weigh the same. The scorer's video-wide statistics (background baseline, medians, the
    /// peakedness percentile, each cell's temporal median) weigh frames by it, so that they read
    /// the merged frames as the full analysis reads its evenly spaced ones.
    public var timeWeights: [Double]? {
        guard info.analysis.pass == .coarseToFine else { return nil }
        let t = times
        guard t.count > 1 else { return t.isEmpty ? nil : [1] }
        // A zero gap (never in a merge, whose times increase) still leaves the frame a little weight.
        let floor = 1e-3
        return t.indices.map { f in
            if f == 0 { return max(t[1] - t[0], floor) }
            if f == t.count - 1 { return max(t[f] - t[f - 1], floor) }
            return max(0.5 * (t[f + 1] - t[f - 1]), floor)
        }
    }
}
