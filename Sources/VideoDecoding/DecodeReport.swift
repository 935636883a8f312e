/// What one decoding pass did: counts of frames, damage and seeks.
public struct DecodeReport: Sendable, Equatable, Codable {
    /// Frames the decoder produced.
    public var framesDecoded = 0
    /// Frames converted and handed on.
    public var framesEmitted = 0
    /// Packets the decoder rejected (damaged data, skipped).
    public var corruptPackets = 0
    /// Packets the demuxer could not read (skipped).
    public var unreadablePackets = 0
    /// Frames the decoder flagged as corrupt (handed on as decoded, counted here).
    public var corruptFrames = 0
    /// Frames whose timestamp was missing or went backwards and was derived from the frame rate.
    public var repairedTimestamps = 0
    /// Seeks made (targeted fetch only).
    public var seeks = 0
    /// Seeks whose frames decoded with errors before serving anything (a wrong keyframe index):
    /// the pass then rewound and streamed from the start.
    public var seekFallbacks = 0
    /// Non-reference frames the decoder dropped because no request could choose them.
    public var framesSkipped = 0
    /// Passes that found a dropped frame might have been a request's nearest (a variable frame
    /// rate) and started again from the beginning, decoding every frame.
    public var skipFallbacks = 0
    /// Time of the last decoded frame, seconds from the stream's start.
    public var lastFrameTime: Double? = nil

    public init() {}

    enum CodingKeys: String, CodingKey {
        case framesDecoded = "frames_decoded", framesEmitted = "frames_emitted"
        case corruptPackets = "corrupt_packets", unreadablePackets = "unreadable_packets"
        case corruptFrames = "corrupt_frames", repairedTimestamps = "repaired_timestamps"
        case seeks, seekFallbacks = "seek_fallbacks", lastFrameTime = "last_frame_time_s"
        case framesSkipped = "frames_skipped", skipFallbacks = "skip_fallbacks"
    }
}
