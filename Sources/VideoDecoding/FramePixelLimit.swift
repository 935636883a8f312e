import Foundation

/// The largest picture (width × height) arrcoc decodes, checked from the stream's header before
/// any frame is decoded, so a crafted PNG or video claiming 60000 × 60000 pixels is refused at
/// once instead of after seconds of work and gigabytes of memory.
///
/// The default (100 megapixels: 8K video is 33) is raised by `ARRCOC_MAX_FRAME_PIXELS`, the
/// same variable as the core's `Limit.framePixels` (Docs/limits.md).
public enum FramePixelLimit {
    /// The environment variable that raises the limit.
    public static let environmentVariable = "ARRCOC_MAX_FRAME_PIXELS"
    /// Pixels per frame when the environment does not raise it.
    public static let defaultValue = 100_000_000

    /// The limit in force (read once).
    public static let value: Int = {
        if let text = ProcessInfo.processInfo.environment[environmentVariable], let v = Double(text), v.isFinite, v >= 1 {
            return v >= Double(Int.max) ? Int.max : Int(v)
        }
        return defaultValue
    }()

    /// Throws `VideoError.frameTooLarge` when `width × height` exceeds the limit.
    static func check(width: Int, height: Int, path: String) throws(VideoError) {
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, pixels <= value else {
            throw .frameTooLarge(path: path, width: width, height: height, limit: value)
        }
    }
}
