import Foundation

/// The metrics of a compressed sequence against a truth file (see `Metrics` and Docs/evaluation.md).
public enum Evaluation {
    /// Ground-truth times of an event: start, start + 1, … up to the end.
    public static func groundTruthTimes(_ e: Truth.Event) -> [Double] {
        var times: [Double] = []
        var t = e.startSeconds
        while t <= e.endSeconds + 1e-9 {
            times.append(t)
            t += 1
        }
        return times
    }

    /// Tokens of a block on a box, counted one way in every mode: each token (one cell of the
    /// block's grid) counts the fraction of its area inside the box. Resize mode keeps every cell,
    /// which gives h·w·area(box); select mode sums over the kept cells. A zoom block spreads its
    /// tokens evenly over its region: tokens × area(box ∩ region) / area(region).
    public static func tokensOnBox(_ b: EvaluatedBlock, box: [Double]) -> Double {
        if let region = b.region {
            guard region.area > 0 else { return 0 }
            return Double(b.tokens) * region.intersectionArea(box) / region.area
        }
        let rows = b.grid.h, cols = b.grid.w
        guard rows > 0, cols > 0 else { return 0 }
        let x0 = box[0] * Double(cols), x1 = (box[0] + box[2]) * Double(cols)
        let y0 = box[1] * Double(rows), y1 = (box[1] + box[3]) * Double(rows)
        func overlap(_ lo: Double, _ hi: Double, _ cell: Int) -> Double { max(0, min(hi, Double(cell + 1)) - max(lo, Double(cell))) }
        guard let kept = b.keptCells else {
            // Every cell: the box's area in cells (clipped to the frame).
            let w = max(0, min(x1, Double(cols)) - max(x0, 0)), h = max(0, min(y1, Double(rows)) - max(y0, 0))
            return w * h
        }
        return kept.reduce(0) { sum, c in sum + overlap(x0, x1, c % cols) * overlap(y0, y1, c / cols) }
    }

    /// All metrics of `blocks` against `truth` at tolerance `delta`.
    ///
    /// - Complexity: O((G + B + E) log B) for G ground-truth times, B blocks and E events, plus
    ///   the blocks inside each event for detail recall and token share (see `comparisons`).
    public static func evaluate(
        blocks: [EvaluatedBlock], truth: Truth, delta: Double, minBoxTokens: Double = 16,
        tokensUsed: Int, budget: Int, qwen3vlDefaultTokens: Int
    ) -> Metrics {
        let events = truth.events
        let tolerance = delta + 1e-9
        let order = blocks.indices.sorted { blocks[$0].time < blocks[$1].time }
        let times = order.map { blocks[$0].time }
        /// Positions (in `order`) of the blocks whose time lies in `lo…hi`.
        func within(_ lo: Double, _ hi: Double) -> Range<Int> {
            let first = lowerBound(times, lo)
            var last = first
            while last < times.count, times[last] <= hi { last += 1 }
            return first..<max(first, last)
        }
        func any(_ lo: Double, _ hi: Double) -> Bool {
            let first = lowerBound(times, lo)
            return first < times.count && times[first] <= hi
        }

        var hits = 0, gtCount = 0
        for e in events {
            for t in groundTruthTimes(e) {
                gtCount += 1
                if any(t - tolerance, t + tolerance) { hits += 1 }
            }
        }
        let recall = gtCount == 0 ? 0 : Double(hits) / Double(gtCount)
        // A block is near when it lies within δ of some event: the union of [start − δ, end + δ].
        var near = 0
        var covered: [(lo: Double, hi: Double)] = []
        for e in events.sorted(by: { $0.startSeconds < $1.startSeconds }) {
            let lo = e.startSeconds - tolerance, hi = e.endSeconds + tolerance
            if let last = covered.last, lo <= last.hi { covered[covered.count - 1].hi = max(last.hi, hi) } else { covered.append((lo, hi)) }
        }
        for interval in covered { near += within(interval.lo, interval.hi).count }
        let precision = blocks.isEmpty ? 0 : Double(near) / Double(blocks.count)
        let f1 = recall + precision > 0 ? 2 * recall * precision / (recall + precision) : 0
        let eventHits = events.filter { any($0.startSeconds - tolerance, $0.endSeconds + tolerance) }.count
        let detailed = events.filter { e in
            let box = e.box ?? [0, 0, 1, 1]
            return within(e.startSeconds - 1e-9, e.endSeconds + 1e-9).contains { tokensOnBox(blocks[order[$0]], box: box) >= minBoxTokens }
        }.count
        var inside = 0
        var covering: [(lo: Double, hi: Double)] = []
        for e in events.sorted(by: { $0.startSeconds < $1.startSeconds }) {
            let lo = e.startSeconds - 1e-9, hi = e.endSeconds + 1e-9
            if let last = covering.last, lo <= last.hi { covering[covering.count - 1].hi = max(last.hi, hi) } else { covering.append((lo, hi)) }
        }
        for interval in covering { for i in within(interval.lo, interval.hi) { inside += blocks[order[i]].tokens } }
        let vision = blocks.reduce(0) { $0 + $1.tokens }
        let share = vision == 0 ? 0 : Double(inside) / Double(vision)
        return Metrics(
            delta: delta, temporalRecall: recall, precision: precision, f1: f1,
            eventHit: events.isEmpty ? 0 : Double(eventHits) / Double(events.count),
            detailRecall: events.isEmpty ? 0 : Double(detailed) / Double(events.count),
            tokenShareOnEvents: share, tokensUsed: tokensUsed, budget: budget, qwen3vlDefaultTokens: qwen3vlDefaultTokens,
            compressionRatio: tokensUsed == 0 ? 0 : Double(qwen3vlDefaultTokens) / Double(tokensUsed))
    }

    /// The first index of sorted `values` whose value is at least `x`.
    static func lowerBound(_ values: [Double], _ x: Double) -> Int {
        var lo = 0, hi = values.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if values[mid] < x { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Work detail recall does on `blocks` for `truth`: per event, the cost of its blocks
    /// (kept cells in select mode, 1 in resize mode). `eval` refuses crafted inputs whose
    /// comparisons exceed `Limit.evaluationWork` rather than run for hours.
    public static func comparisons(blocks: [EvaluatedBlock], truth: Truth) -> Int {
        let order = blocks.indices.sorted { blocks[$0].time < blocks[$1].time }
        let times = order.map { blocks[$0].time }
        var prefix = [0]
        prefix.reserveCapacity(order.count + 1)
        for i in order { prefix.append(prefix[prefix.count - 1] &+ max(1, blocks[i].keptCells?.count ?? 1)) }
        var total = 0
        for e in truth.events {
            let first = lowerBound(times, e.startSeconds - 1e-9)
            let last = lowerBound(times, (e.endSeconds + 1e-9).nextUp)
            let (sum, overflow) = total.addingReportingOverflow(prefix[max(first, last)] - prefix[first])
            total = overflow ? Int.max : sum
        }
        return total
    }

    /// Metrics of a manifest (checked with `Manifest.validate`), refusing inputs that would need
    /// more than `Limit.evaluationWork` block comparisons.
    /// - Throws: `LimitError` naming `source`.
    public static func evaluate(manifest: Manifest, truth: Truth, delta: Double, minBoxTokens: Double = 16,
                                source: String = "manifest") throws -> Metrics {
        let blocks = manifest.blocks.map {
            EvaluatedBlock(time: $0.timeSeconds, tokens: $0.tokens, grid: $0.grid, keptCells: $0.keptCells, region: $0.region.flatMap(Region.init(array:)))
        }
        try Limit.evaluationWork.check(comparisons(blocks: blocks, truth: truth), in: source, what: "block comparisons for detail recall")
        return evaluate(blocks: blocks, truth: truth, delta: delta, minBoxTokens: minBoxTokens, tokensUsed: manifest.totals.sequenceLength,
                        budget: manifest.budget.tokens, qwen3vlDefaultTokens: manifest.totals.qwen3vlDefaultTokens)
    }
}
