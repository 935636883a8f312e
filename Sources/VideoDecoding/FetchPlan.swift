import CFFmpeg

/// What a targeted fetch would decode with each strategy, estimated from the container's
/// keyframe index before decoding anything: the choice behind `FetchStrategy.cheapest`.
///
/// The estimate follows `DecodePass`'s seeking rule: a request is reached by seeking when the
/// index's keyframe at or before it lies more than two frame spacings beyond what was read,
/// and the pass then decodes from that keyframe to the request; otherwise it decodes on from
/// where it is. Streaming decodes from the start to the last request.
public struct FetchPlan: Sendable, Equatable {
    /// Seconds of video a seeking pass would decode.
    public var seekingSeconds: Double
    /// Seconds of video a streaming pass would decode.
    public var streamingSeconds: Double

    /// How many times less a seeking pass must decode to be chosen. A seeking pass decodes on
    /// one thread from its first seek (so that a stream that decodes with errors after a seek
    /// does so the same way every run), and frame threading decodes about 1.7 times as fast on 2
    /// cores; 3 leaves a margin. Fixed, not taken from the core count: the choice, and so the
    /// bytes of a fetch from a stream that decodes differently after a seek, are the same on
    /// every machine.
    public static let seekingAdvantage = 3.0

    /// Whether `FetchStrategy.cheapest` seeks (never when streaming decodes nothing).
    public var seeks: Bool { streamingSeconds > 0 && seekingSeconds * Self.seekingAdvantage <= streamingSeconds }

    /// The estimate for requests at `times` (seconds, non-decreasing) from `keyframeBefore`,
    /// the index's keyframe time at or before a time (nil when there is none).
    static func estimate(times: [Double], frameSpacing: Double, keyframeBefore: (Double) -> Double?) -> FetchPlan {
        var seeking = 0.0, position = 0.0
        for t in times {
            if let key = keyframeBefore(t), key > position + 2 * frameSpacing {
                seeking += max(0, t - key)  // an index time past the request (a crafted file) counts nothing
            } else {
                seeking += max(0, t - position)
            }
            position = max(position, t)
        }
        return FetchPlan(seekingSeconds: seeking, streamingSeconds: times.max() ?? 0)
    }
}

extension VideoReader {
    /// The `FetchPlan` for requests at `times` (seconds, non-decreasing), from the demuxer's
    /// index as it stands (what the header gave, and what reading has added since; an empty
    /// index plans no seek).
    public func fetchPlan(times: [Double]) -> FetchPlan {
        let file = mediaFile
        let last = times.max() ?? 0
        guard file.indexEntryCount > 0 else { return FetchPlan(seekingSeconds: last, streamingSeconds: last) }
        return FetchPlan.estimate(times: times, frameSpacing: 1 / file.fps) { t in
            guard let wanted = file.ticks(seconds: t), let keyframe = file.seekKeyframe(at: wanted) else { return nil }
            return file.secondsFromStart(keyframe)
        }
    }
}
