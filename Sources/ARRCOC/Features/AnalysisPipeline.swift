import Foundation

/// The analysis after the decoder, in two serial stages on their own threads: RGB conversion
/// (`PendingImage.image()`), then `FeatureAnalyzer.add`. The decoder's thread only decodes, so
/// decoding, converting and describing overlap on the machine's cores. At most `depth` frames
/// are in flight (each holds a decoded frame until converted, then its RGB pixels).
///
/// Describing runs on a `YieldingWorker` (a thread of lower priority): it fills the gaps a
/// frame-threaded decoder leaves on the cores instead of taking time slices from the decoder,
/// whose pace sets the analysis's; `depth` lets it lag behind by a few frames without stopping
/// the decoder.
///
/// Frames reach the analyzer in submission order (both stages are serial queues, and each
/// conversion enqueues its frame's description), so the features do not depend on timing.
///
/// `@unchecked Sendable`: the analyzer is touched only on `describing` (until `drain()`
/// returns), and `failure` only under `lock`.
final class AnalysisPipeline: @unchecked Sendable {
    private let analyzer: FeatureAnalyzer
    private let converting = DispatchQueue(label: "arrcoc.analysis.convert")
    private let describing = YieldingWorker(name: "arrcoc.analysis.describe", niceIncrement: AnalysisPipeline.describeNiceIncrement)
    private let slots: DispatchSemaphore
    private let lock = NSLock()
    private var failure: Error? = nil

    /// How much lower than the decoder's the describing thread's priority is (Linux nice steps:
    /// 5 gives it about a third of a decoder thread's share of a busy core, so it keeps up with
    /// the decoder even where decoding fills both cores, and yields to it at every wake-up).
    static let describeNiceIncrement: Int32 = 5

    /// - Parameter depth: frames in flight at most. 6 lets the describing thread lag by a few
    ///   frames (≈ 6 MB of RGB at 800×448) and bounds the work left when decoding ends.
    init(_ analyzer: FeatureAnalyzer, depth: Int = 6) {
        self.analyzer = analyzer
        slots = DispatchSemaphore(value: depth)
    }

    deinit {
        describing.close()
    }

    private var failed: Bool { lock.withLock { failure != nil } }

    private func fail(_ error: Error) {
        lock.withLock { if failure == nil { failure = error } }
    }

    /// Queues a frame; blocks while `depth` frames are in flight. Throws an earlier frame's failure.
    func submit(_ pending: PendingImage, time: Double) throws {
        if let error = lock.withLock({ failure }) { throw error }
        slots.wait()
        converting.async {
            let image: RGBImage
            do {
                guard !self.failed else { throw CancellationError() }
                image = try pending.image()
            } catch {
                if !(error is CancellationError) { self.fail(error) }
                self.slots.signal()
                return
            }
            self.describing.async {
                defer { self.slots.signal() }
                guard !self.failed else { return }
                do { try self.analyzer.add(image, time: time) } catch { self.fail(error) }
            }
        }
    }

    /// Waits for every submitted frame; rethrows the first failure.
    func drain() throws {
        converting.sync {}
        describing.sync()
        if let error = lock.withLock({ failure }) { throw error }
    }
}
