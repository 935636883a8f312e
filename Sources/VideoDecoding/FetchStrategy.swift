/// How a targeted fetch reaches its frames.
public enum FetchStrategy: String, Sendable, CaseIterable {
    /// Seek when the index shows a keyframe between the current position and the next
    /// request, stream otherwise (never decodes the same GOP twice, skips long gaps).
    case automatic
    /// Always decode forward from the start (one pass).
    case stream
    /// `automatic` when the container's index shows that seeking would decode at most a third
    /// of the video streaming would (`FetchPlan`), else `stream`: seeking pays only where the
    /// requests leave most of the video out, since a seeking pass decodes on one thread.
    case cheapest
}
