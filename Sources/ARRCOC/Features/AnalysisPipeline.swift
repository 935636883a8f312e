import Foundation

/// Runs `FeatureAnalyzer.add` on a serial queue, at most `depth` frames ahead of the decoder.
///
/// `@unchecked Sendable`: the analyzer is touched only on `queue` (until `drain()` returns), and
/// `failure` only under `lock`.
final class AnalysisPipeline: @unchecked Sendable {
    private let analyzer: FeatureAnalyzer
    private let queue = DispatchQueue(label: "arrcoc.analysis")
    private let slots: DispatchSemaphore
    private let lock = NSLock()
    private var failure: Error? = nil

    init(_ analyzer: FeatureAnalyzer, depth: Int = 4) {
        self.analyzer = analyzer
        slots = DispatchSemaphore(value: depth)
    }

    func submit(_ image: RGBImage, time: Double) throws {
        if let error = lock.withLock({ failure }) { throw error }
        slots.wait()
        queue.async {
            defer { self.slots.signal() }
            guard self.lock.withLock({ self.failure == nil }) else { return }
            do { try self.analyzer.add(image, time: time) } catch { self.lock.withLock { self.failure = error } }
        }
    }

    /// Waits for every submitted frame; rethrows the first failure.
    func drain() throws {
        queue.sync {}
        if let error = lock.withLock({ failure }) { throw error }
    }
}
