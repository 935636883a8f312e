/// How a decoded frame becomes RGB24 at a requested size.
public enum FrameConversion: Sendable, Equatable {
    /// libswscale's bicubic *scaled* YUV→RGB24 conversion in one call: what the emitter's
    /// `pixel_values_videos`, crops and exported frames use (the `ffmpeg` command line's
    /// `scale=W:H,format=rgb24`).
    case scaledRGB
    /// Scale to yuv420p at the size first (libswscale, bicubic: the decode floor's own work,
    /// SIMD), then convert at that size with `YUVToRGB` (libswscale's unscaled x86 arithmetic):
    /// the analysis path (features of `DescriptorEmbedder` since version 2), the `ffmpeg` command
    /// line's `scale=W:H,format=yuv420p,scale=W:H,format=rgb24`.
    case viaYUV420
}
