import Foundation

extension CoarseToFine {
    /// A stretch of the video analysed densely, `start…end` seconds.
    public struct Window: Sendable, Equatable, Codable {
        public var start: Double
        public var end: Double

        public init(start: Double, end: Double) {
            self.start = start
            self.end = end
        }
    }

    /// Where to look closely for `query`: the coarse frames whose query similarity stands out
    /// most from their background, each grown over the consecutive coarse frames with at least
    /// half its evidence (one moment seen on several keyframes), then widened to the coarse frames
    /// just outside (the moment may reach anywhere up to them) plus `contextSeconds` on both
    /// sides; overlapping windows merged, in time order.
    ///
    /// A frame's evidence is its raw query similarity (the mean of its best cells' cosine, as the
    /// scorer reads it) minus the median of the coarse frames within ±`backgroundSeconds`: a
    /// scene that resembles the query for long is background, not a moment. Frames are taken in
    /// decreasing evidence (ties: earlier first), only with positive evidence, skipping those
    /// inside a window already taken, until `maxWindows`. A query found nowhere gets few or no
    /// windows: the coarse frames, which stay in the merged features, give it uniform coverage.
    /// - Complexity: one scoring of the coarse features, O(T log T) for T coarse frames.
    public static func windows(
        coarse: FeatureSet, query: Query, config: CompressionConfig, options: Options = Options()
    ) throws -> [Window] {
        try options.validate()
        let scores = try OpponentProcessingScorer(config: config.scoring).score(coarse, query: query)
        let times = coarse.times
        let similarity = scores.frameSimilarity
        let t = times.count
        var evidence = [Double](repeating: 0, count: t)
        var lo = 0, hi = 0
        for f in 0..<t {
            while times[lo] < times[f] - options.backgroundSeconds { lo += 1 }
            while hi + 1 < t, times[hi + 1] <= times[f] + options.backgroundSeconds { hi += 1 }
            let around = similarity[lo...hi].sorted()
            let m = around.count
            let median = m % 2 == 1 ? around[m / 2] : (around[m / 2 - 1] + around[m / 2]) / 2
            evidence[f] = similarity[f] - median
        }
        let duration = coarse.info.source.durationSeconds
        let order = (0..<t).sorted { (evidence[$0], -$0) > (evidence[$1], -$1) }
        var chosen: [Window] = []
        for f in order where evidence[f] > 0 && chosen.count < options.maxWindows {
            if chosen.contains(where: { $0.start <= times[f] && times[f] <= $0.end }) { continue }
            // The moment spans the neighbouring coarse frames with at least half this evidence.
            var first = f, last = f
            while first > 0, evidence[first - 1] >= 0.5 * evidence[f] { first -= 1 }
            while last + 1 < t, evidence[last + 1] >= 0.5 * evidence[f] { last += 1 }
            let before = first > 0 ? times[first - 1] : 0
            let after = last + 1 < t ? times[last + 1] : max(duration, times[last])
            chosen.append(Window(start: max(0, before - options.contextSeconds),
                                 end: min(max(duration, times[f]), after + options.contextSeconds)))
        }
        return merged(chosen)
    }

    /// Windows sorted by start, overlapping or touching ones joined.
    public static func merged(_ windows: [Window]) -> [Window] {
        var out: [Window] = []
        for w in windows.sorted(by: { ($0.start, $0.end) < ($1.start, $1.end) }) {
            if let last = out.last, w.start <= last.end { out[out.count - 1].end = max(last.end, w.end) } else { out.append(w) }
        }
        return out
    }

    /// The candidate grid times `k / fps` inside `windows`, increasing. Each window starts at an
    /// even k (one candidate earlier when needed): the allocator pairs consecutive frames into
    /// blocks, and a full analysis pairs k = 2u with 2u + 1, so the fine frames pair (and their
    /// blocks are timed) as a full analysis's would.
    public static func gridTimes(in windows: [Window], fps: Double) -> [Double] {
        var times: [Double] = []
        for w in merged(windows) {
            var k = Int((w.start * fps).rounded(.up))
            if k % 2 != 0 { k -= 1 }
            while Double(k) / fps <= w.end + 1e-9 {
                let time = Double(k) / fps
                if times.last.map({ time > $0 }) ?? true { times.append(time) }
                k += 1
            }
        }
        return times
    }
}
