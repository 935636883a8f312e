/// What `VideoProbe` learns about a file: container, codec, geometry, timing.
public struct VideoInfo: Sendable, Codable, Equatable {
    /// Path as given.
    public var path: String
    /// FFmpeg's container name (e.g. `mov,mp4,m4a,3gp,3g2,mj2`).
    public var container: String
    /// Video codec name (e.g. `h264`).
    public var codec: String
    /// Frame width in pixels.
    public var width: Int
    /// Frame height in pixels.
    public var height: Int
    /// Source frame rate in frames per second (average rate, else the container's base rate).
    public var fps: Double
    /// Duration in seconds; nil when neither the stream, the container nor a count tells it.
    public var durationSeconds: Double?
    /// Where `durationSeconds` came from: `stream`, `container`, `counted`, or `none`.
    public var durationSource: String
    /// Frame count written in the header; nil when the header has none.
    public var frameCountHeader: Int?
    /// Frame count from demuxing every video packet; nil when not counted.
    public var frameCountCounted: Int?
    /// Stream start time in seconds (subtracted from every frame time arrcoc reports).
    public var startTimeSeconds: Double
    /// Whether the container carries a seek index for the video stream.
    public var hasSeekIndex: Bool
    /// File size in bytes.
    public var fileBytes: Int64

    enum CodingKeys: String, CodingKey {
        case path, container, codec, width, height, fps
        case durationSeconds = "duration_s"
        case durationSource = "duration_source"
        case frameCountHeader = "frame_count_header"
        case frameCountCounted = "frame_count_counted"
        case startTimeSeconds = "start_time_s"
        case hasSeekIndex = "has_seek_index"
        case fileBytes = "file_bytes"
    }

    /// The best frame count known: counted if available, else the header's, else duration × fps.
    public var frameCount: Int? {
        if let frameCountCounted { return frameCountCounted }
        if let frameCountHeader { return frameCountHeader }
        if let durationSeconds { return Int((durationSeconds * fps).rounded()) }
        return nil
    }
}
