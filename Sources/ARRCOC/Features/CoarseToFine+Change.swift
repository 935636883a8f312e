extension CoarseToFine {
    /// The coarse frames' change cue read on the fine frames' scale (histogram matching).
    ///
    /// A coarse frame's change is measured against the keyframe before it, seconds earlier; a
    /// fine frame's, like a full analysis's, against the candidate before it. The two are not the
    /// same quantity: on the 1-hour bench clip the coarse cue's median is 3.2× the fine one's
    /// (0.265 against 0.083; 1.2× at the 99th percentile). Merged unchanged, every background
    /// frame of a merge reads as salient as a cut, so the salience the scorer blends in for a
    /// query that is not clearly peaked lifts the background against the moments. Each coarse
    /// value therefore takes the fine value of the same rank: the cue keeps which coarse cells
    /// change most, on the scale the scorer normalises for a full analysis.
    ///
    /// - Parameters:
    ///   - coarse: the coarse frames' cue, `cells` values a frame; the first frame (no frame
    ///     before it, 0) keeps its value.
    ///   - fine: the fine frames' cue, `cells` values a frame; `firsts` marks the frames that
    ///     open a window (no frame before them, 0), which are not part of the fine distribution.
    /// - Returns: `coarse` unchanged when no fine frame has a frame before it.
    /// - Complexity: O(n log n) for n values of either cue.
    static func changeOnFineScale(_ coarse: [Float], fine: [Float], firsts: [Bool], cells: Int) -> [Float] {
        guard cells > 0, coarse.count > cells else { return coarse }
        var reference: [Float] = []
        reference.reserveCapacity(fine.count)
        for (f, first) in firsts.enumerated() where !first {
            reference.append(contentsOf: fine[(f * cells)..<((f + 1) * cells)])
        }
        guard !reference.isEmpty else { return coarse }
        reference.sort()
        // Ranks among the coarse values after the first frame; a run of equal values takes the
        // rank of its first member, so equal coarse values stay equal (a static screen's zeros
        // map to the fine cue's smallest values).
        let order = (cells..<coarse.count).sorted { (coarse[$0], $0) < (coarse[$1], $1) }
        let n = order.count, m = reference.count
        var out = coarse
        var lowest = 0
        for (rank, i) in order.enumerated() {
            if rank > 0, coarse[i] != coarse[order[rank - 1]] { lowest = rank }
            out[i] = reference[min(m - 1, Int(Double(lowest) / Double(n) * Double(m)))]
        }
        return out
    }
}
