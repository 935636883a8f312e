/// A `FrameSource` that can also serve the passes of coarse-to-fine analysis
/// (`CoarseToFine`, Docs/coarse-to-fine.md) without decoding every frame: its keyframes, a low
/// rate, and given times. `VideoFileSource` (ARRCOCPipeline) implements it over FFmpeg.
public protocol CoarseFrameSource: FrameSource {
    /// Keyframe times (seconds, increasing) read without decoding (container index or packet
    /// flags); nil when the source cannot tell.
    func keyframeTimes() throws -> [Double]?

    /// Hands on keyframes only, at least `minimumSpacing` seconds apart, at `width × height`,
    /// in time order; nothing else is decoded.
    func sampleKeyframes(minimumSpacing: Double, width: Int, height: Int,
                         _ body: (_ time: Double, _ image: PendingImage) throws -> Void) throws

    /// The frame nearest each time `k / fps`, like `samplePending`, where the decoder may skip
    /// frames no other frame refers to.
    func sampleLowRate(fps: Double, width: Int, height: Int, _ body: (_ time: Double, _ image: PendingImage) throws -> Void) throws

    /// The frame nearest each of `times` (sorted), at `width × height`, in order, with its own
    /// time; a frame nearest to two times is handed on once. The source may seek (to the
    /// keyframe before a time) instead of decoding everything before it; a seek that decodes with
    /// errors (a wrong keyframe index) falls back to decoding from the start. Returns how many
    /// seeks fell back so (0 for a source that never seeks).
    @discardableResult
    func sampleTimes(_ times: [Double], width: Int, height: Int, _ body: (_ time: Double, _ image: PendingImage) throws -> Void) throws -> Int
}
