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
    /// scene that resembles the query for long is background, not a moment. Near the video's
    /// start and end that span is shifted inwards (`backgroundRange`), so every frame is read
    /// against as much background as any other. Frames are taken in decreasing evidence (ties:
    /// earlier first), only with evidence above `minEvidence` robust standard deviations of all
    /// frames' evidence (`evidenceThreshold`), skipping those inside a window already taken,
    /// until `maxWindows`. A query found nowhere gets few or no windows: the coarse frames, which
    /// stay in the merged features, give it uniform coverage.
    /// - Complexity: one scoring of the coarse features, O(T log T) for T coarse frames.
    public static func windows(
        coarse: FeatureSet, query: Query, config: CompressionConfig, options: Options = Options()
    ) throws -> [Window] {
        try options.validate()
        let scores = try OpponentProcessingScorer(config: config.scoring).score(coarse, query: query)
        let times = coarse.times
        let evidence = evidence(similarity: scores.frameSimilarity, times: times, backgroundSeconds: options.backgroundSeconds)
        let t = times.count
        let threshold = evidenceThreshold(evidence, deviations: options.minEvidence)
        let duration = coarse.info.source.durationSeconds
        let order = (0..<t).sorted { (evidence[$0], -$0) > (evidence[$1], -$1) }
        var chosen: [Window] = []
        for f in order where evidence[f] > threshold && chosen.count < options.maxWindows {
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

    /// Each frame's `similarity` minus the median similarity of the frames whose times lie in
    /// its `backgroundRange`.
    /// - Complexity: O(T · B log B) for T frames, B of them in a background span.
    public static func evidence(similarity: [Double], times: [Double], backgroundSeconds: Double) -> [Double] {
        let t = times.count
        guard let first = times.first, let last = times.last else { return [] }
        var evidence = [Double](repeating: 0, count: t)
        var lo = 0, hi = 0
        for f in 0..<t {
            let range = backgroundRange(at: times[f], first: first, last: last, halfWidth: backgroundSeconds)
            // Both ends only move forwards: the ranges' bounds increase with the frame's time.
            while times[lo] < range.lowerBound { lo += 1 }
            hi = max(hi, lo)
            while hi + 1 < t, times[hi + 1] <= range.upperBound { hi += 1 }
            let around = similarity[lo...hi].sorted()
            let m = around.count
            let median = m % 2 == 1 ? around[m / 2] : (around[m / 2 - 1] + around[m / 2]) / 2
            evidence[f] = similarity[f] - median
        }
        return evidence
    }

    /// The background span of a frame at `time`: `time ± halfWidth`, shifted inwards where it
    /// would reach past `first` or `last` (the frames' first and last times), so that a frame near
    /// the start is read against `2 × halfWidth` of background as one in the middle is, not half
    /// of it; all of `first…last` when that is shorter.
    public static func backgroundRange(at time: Double, first: Double, last: Double, halfWidth: Double) -> ClosedRange<Double> {
        guard last - first > 2 * halfWidth else { return first...last }
        let low = min(max(time - halfWidth, first), last - 2 * halfWidth)
        return low...(low + 2 * halfWidth)
    }

    /// The evidence a frame must exceed to open a window: `deviations` × 1.4826 × the median
    /// absolute deviation of all frames' `evidence` from its median (a robust standard deviation:
    /// a few moments do not raise it), above that median; never below 0 (only positive evidence
    /// opens a window). With `deviations` 0, that is 0.
    public static func evidenceThreshold(_ evidence: [Double], deviations: Double) -> Double {
        guard !evidence.isEmpty, deviations > 0 else { return 0 }
        func median(_ x: [Double]) -> Double {
            let s = x.sorted(), m = s.count
            return m % 2 == 1 ? s[m / 2] : (s[m / 2 - 1] + s[m / 2]) / 2
        }
        let centre = median(evidence)
        let spread = 1.4826 * median(evidence.map { abs($0 - centre) })
        return max(0, centre + deviations * spread)
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
