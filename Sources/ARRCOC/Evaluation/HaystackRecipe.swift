import Foundation

/// How to build one needle-in-a-haystack clip: a background video, a needle (an image or a
/// clip), and the events in which the needle is shown. `random(…)` draws events from a seed.
public struct HaystackRecipe: Codable, Sendable, Equatable {
    /// One appearance of the needle: interval, box (x, y, w, h in 0…1), and, if it moves, where
    /// the box's corner ends up (x, y in 0…1), linearly over the interval.
    public struct Event: Codable, Sendable, Equatable {
        public var startSeconds: Double
        public var endSeconds: Double
        public var box: [Double]
        public var moveTo: [Double]?

        public init(startSeconds: Double, endSeconds: Double, box: [Double], moveTo: [Double]? = nil) {
            self.startSeconds = startSeconds
            self.endSeconds = endSeconds
            self.box = box
            self.moveTo = moveTo
        }

        enum CodingKeys: String, CodingKey {
            case box
            case startSeconds = "start_s", endSeconds = "end_s", moveTo = "move_to"
        }

        /// The box at time `t` (moving linearly from `box` to `moveTo`).
        public func box(at t: Double) -> [Double] {
            guard let to = moveTo, endSeconds > startSeconds else { return box }
            let f = min(1, max(0, (t - startSeconds) / (endSeconds - startSeconds)))
            return [box[0] + (to[0] - box[0]) * f, box[1] + (to[1] - box[1]) * f, box[2], box[3]]
        }

        /// The truth event: the box the needle covers over the whole interval.
        public var truthEvent: Truth.Event {
            guard let to = moveTo else { return Truth.Event(startSeconds: startSeconds, endSeconds: endSeconds, box: box) }
            let x0 = min(box[0], to[0]), y0 = min(box[1], to[1])
            let x1 = max(box[0], to[0]) + box[2], y1 = max(box[1], to[1]) + box[3]
            return Truth.Event(startSeconds: startSeconds, endSeconds: endSeconds, box: [x0, y0, min(1, x1) - x0, min(1, y1) - y0])
        }
    }

    public var events: [Event]

    public init(events: [Event]) {
        self.events = events
    }

    /// `count` non-overlapping events in a `duration`-second video, each lasting a random time in
    /// `eventDuration`, its box a random `scale` of the frame width (height from the needle's
    /// aspect ratio `needleAspect` = h/w and the frame's `frameAspect` = w/h, so the needle keeps
    /// its shape), at a random place; deterministic for a seed.
    ///
    /// Each event gets one slot of `duration / count` seconds and lasts at most 80% of it; a box
    /// is at most 0.9 of the frame on each side. The tops of the two ranges are lowered to those
    /// caps when needed; a range whose bottom is beyond its cap cannot be met and is an error.
    /// - Throws: `HaystackRecipe.Infeasible`.
    public static func random(
        duration: Double, count: Int, eventDuration: ClosedRange<Double>, scale: ClosedRange<Double>,
        needleAspect: Double, frameAspect: Double, moving: Bool, seed: UInt64
    ) throws(Infeasible) -> HaystackRecipe {
        var g = SplitMix64(seed: seed)
        func uniform(_ r: ClosedRange<Double>) -> Double { r.lowerBound + (r.upperBound - r.lowerBound) * Double(g.next() >> 11) / Double(1 << 53) }
        let n = max(1, count)
        let slot = duration / Double(n)  // one event per slot: never overlapping
        let longest = slot * 0.8
        guard eventDuration.lowerBound <= longest else {
            throw .eventsDoNotFit(count: n, duration: duration, shortest: eventDuration.lowerBound, longest: longest)
        }
        let lengths = eventDuration.lowerBound...min(eventDuration.upperBound, longest)
        let widest = min(0.9, 0.9 / (frameAspect * needleAspect))  // the box's height stays ≤ 0.9
        guard scale.lowerBound <= widest else { throw .needleTooTall(scale: scale.lowerBound, widest: widest) }
        let widths = scale.lowerBound...min(scale.upperBound, widest)
        var events: [Event] = []
        for i in 0..<n {
            let length = uniform(lengths)
            let start = Double(i) * slot + uniform(0...max(0, slot - length - 0.01))
            let w = uniform(widths)
            let h = min(0.9, w * frameAspect * needleAspect)
            let box = [uniform(0...(1 - w)), uniform(0...(1 - h)), w, h]
            let to = moving ? [uniform(0...(1 - w)), uniform(0...(1 - h))] : nil
            events.append(Event(startSeconds: (start * 100).rounded() / 100, endSeconds: ((start + length) * 100).rounded() / 100,
                                box: box.map { ($0 * 10_000).rounded() / 10_000 }, moveTo: to.map { $0.map { ($0 * 10_000).rounded() / 10_000 } }))
        }
        return HaystackRecipe(events: events)
    }

    /// Random events that cannot be drawn as asked.
    public enum Infeasible: Error, LocalizedError, Equatable {
        /// `count` events of at least `shortest` s do not fit: each may last at most `longest` s.
        case eventsDoNotFit(count: Int, duration: Double, shortest: Double, longest: Double)
        /// A needle `scale` of the frame wide would be taller than 0.9 of it; `widest` fits.
        case needleTooTall(scale: Double, widest: Double)

        public var errorDescription: String? {
            switch self {
            case let .eventsDoNotFit(count, duration, shortest, longest):
                return "\(count) events of at least \(String(format: "%.2f", shortest)) s do not fit in the \(String(format: "%.2f", duration))-s background "
                    + "(each gets 1/\(count) of it and lasts at most 80% of that, \(String(format: "%.2f", longest)) s): "
                    + "ask for fewer events (--events, a sweep haystack's events) or shorter ones (--event-duration, event_duration_s)"
            case let .needleTooTall(scale, widest):
                return "a needle \(String(format: "%.3f", scale)) of the frame wide would be taller than 0.9 of it with its aspect ratio kept: "
                    + "expected a scale (--scale, a sweep haystack's scale) of at most \(String(format: "%.3f", widest)) for this needle and background"
            }
        }
    }
}
