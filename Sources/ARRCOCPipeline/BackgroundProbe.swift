import ARRCOC
import Foundation
import VideoDecoding

/// A file's metadata from `VideoProbe` (which demuxes every packet to count frames and measure
/// the duration) computed on another thread, so that the packet count overlaps the decoding
/// that follows instead of delaying its start: for AVI, whose headers can overstate the length,
/// it is a full read of the file before the first frame. See `VideoFileSource.plannedMetadata()`.
/// `@unchecked Sendable`: `result` is written once, before `done` is signalled, and read after.
final class BackgroundProbe: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var result: Result<VideoInfo, VideoError> = .failure(.fileNotFound(path: ""))

    /// Starts probing `path` now.
    init(path: String) {
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            result = Result { () throws(VideoError) -> VideoInfo in try VideoProbe.probe(path: path) }
            done.signal()
        }
    }

    /// The probe's result, waiting for it if it is still running.
    func value() throws(VideoError) -> VideoInfo {
        done.wait()
        done.signal()
        return try result.get()
    }
}
