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
    /// aspect ratio `needleAspect` = h/w and the frame's `frameAspect` = w/h), at a random place;
    /// deterministic for a seed.
    public static func random(
        duration: Double, count: Int, eventDuration: ClosedRange<Double>, scale: ClosedRange<Double>,
        needleAspect: Double, frameAspect: Double, moving: Bool, seed: UInt64
    ) -> HaystackRecipe {
        var g = SplitMix64(seed: seed)
        func uniform(_ r: ClosedRange<Double>) -> Double { r.lowerBound + (r.upperBound - r.lowerBound) * Double(g.next() >> 11) / Double(1 << 53) }
        let n = max(1, count)
        let slot = duration / Double(n)  // one event per slot: never overlapping
        var events: [Event] = []
        for i in 0..<n {
            let length = min(uniform(eventDuration), slot * 0.8)
            let start = Double(i) * slot + uniform(0...max(0, slot - length - 0.01))
            let w = min(0.9, uniform(scale))
            let h = min(0.9, w * frameAspect * needleAspect)
            let box = [uniform(0...(1 - w)), uniform(0...(1 - h)), w, h]
            let to = moving ? [uniform(0...(1 - w)), uniform(0...(1 - h))] : nil
            events.append(Event(startSeconds: (start * 100).rounded() / 100, endSeconds: ((start + length) * 100).rounded() / 100,
                                box: box.map { ($0 * 10_000).rounded() / 10_000 }, moveTo: to.map { $0.map { ($0 * 10_000).rounded() / 10_000 } }))
        }
        return HaystackRecipe(events: events)
    }
}
