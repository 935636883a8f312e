/// Where a video's keyframes are, found without decoding: from the container's sample index
/// (MP4/MOV list every sample with its sync flag) or by reading the packets' key flags.
///
/// The coarse pass of coarse-to-fine analysis (Docs/coarse-to-fine.md) decodes only keyframes;
/// this index tells beforehand whether they are dense enough to stand for the video.
public struct KeyframeIndex: Sendable, Equatable {
    /// How the keyframes were found.
    public enum Origin: String, Sendable, Equatable {
        /// The container's sample index (no packet read).
        case containerIndex = "container-index"
        /// Every video packet read (no frame decoded).
        case packetScan = "packet-scan"
    }

    /// Keyframe times in seconds from the stream's start, increasing. Index times may be decode
    /// times, a frame or two off the presentation times; the coarse pass uses the decoded ones.
    public var times: [Double]
    public var origin: Origin

    public init(times: [Double], origin: Origin) {
        self.times = times
        self.origin = origin
    }

}
