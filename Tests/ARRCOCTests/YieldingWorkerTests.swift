@testable import ARRCOC
import Foundation
import Testing

/// `YieldingWorker`, the describing thread of `AnalysisPipeline`: jobs run one at a time in the
/// order queued, `sync()` waits for them, and the thread runs at a lower priority than its caller.
struct YieldingWorkerTests {
    /// Appends under a lock (the jobs run on the worker's thread; the test reads after `sync()`).
    final class Log: @unchecked Sendable {
        private let lock = NSLock()
        private var values: [Int] = []
        func append(_ value: Int) { lock.withLock { values.append(value) } }
        var all: [Int] { lock.withLock { values } }
    }

    @Test func jobsRunInQueueOrderAndSyncWaitsForThem() {
        let worker = YieldingWorker(name: "test.worker", niceIncrement: 5)
        defer { worker.close() }
        let log = Log()
        // More jobs than the compaction step (64), some slow, so the queue is taken from while it grows.
        for k in 0..<300 {
            worker.async {
                if k % 50 == 0 { usleep(2_000) }
                log.append(k)
            }
        }
        worker.sync()
        #expect(log.all == Array(0..<300))
    }

    @Test func closeLetsQueuedJobsFinishThenEndsTheThread() {
        let ended = DispatchSemaphore(value: 0)
        let log = Log()
        do {
            let worker = YieldingWorker(name: "test.worker", niceIncrement: 0)
            worker.async { usleep(5_000); log.append(1) }
            worker.async { log.append(2) }
            worker.async { ended.signal() }
            worker.close()
        }
        #expect(ended.wait(timeout: .now() + 10) == .success)
        #expect(log.all == [1, 2])
    }

    #if os(Linux)
    @Test func theThreadRunsAtTheCallersNiceValuePlusTheIncrement() {
        errno = 0
        let caller = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        #expect(errno == 0)
        let worker = YieldingWorker(name: "test.worker", niceIncrement: 5)
        defer { worker.close() }
        let seen = Log()
        worker.async { seen.append(Int(getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0))) }
        worker.sync()
        #expect(seen.all == [Int(min(19, caller + 5))])
        // The caller's own priority is untouched (Linux nice values are per thread).
        #expect(getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0) == caller)
    }
    #endif
}
