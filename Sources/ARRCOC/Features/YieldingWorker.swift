import Foundation

/// A serial queue on a dedicated thread whose scheduling priority is lowered (on Linux, its nice
/// value raised by `niceIncrement`), so that its work runs mostly on the CPU time the other
/// threads of the process leave idle and yields to them otherwise.
///
/// Why: `AnalysisPipeline` describes frames while the decoder's threads decode the next ones. On
/// two cores a frame-threaded decoder leaves gaps (it waits on its own reference frames), and
/// the descriptor's work fits into them; at equal priority the scheduler instead takes time
/// slices from the decoder, which delays the whole analysis by about the describing time. A
/// lagging worker cannot starve the decoder for long: the pipeline bounds the frames in flight,
/// so the decoder then waits and the worker gets the cores.
///
/// Linux's nice value is per thread (`setpriority(PRIO_PROCESS, 0, …)` changes the calling
/// thread only); a dispatch queue's worker threads are shared and cannot be given back their
/// priority (raising a nice value is one-way without privileges), hence a thread of its own.
/// On other systems the thread runs at the utility quality of service.
///
/// `@unchecked Sendable`: `jobs` and `closed` are touched only under `condition`.
final class YieldingWorker: @unchecked Sendable {
    private let condition = NSCondition()
    /// Queued jobs from `next` on; a taken job's slot is cleared at once (it may hold a frame).
    private var jobs: [(@Sendable () -> Void)?] = []
    private var next = 0
    private var closed = false

    /// Starts the thread. - Parameter niceIncrement: how much lower than the caller's priority
    /// the thread runs (Linux nice steps; 0 keeps it).
    init(name: String, niceIncrement: Int32) {
        let thread = Thread { [self] in
            Self.lowerPriority(by: niceIncrement)
            run()
        }
        thread.name = name
        thread.qualityOfService = .utility
        thread.start()
    }

    /// Queues `job`; jobs run one at a time, in the order queued.
    func async(_ job: @escaping @Sendable () -> Void) {
        condition.withLock {
            precondition(!closed, "job queued on a closed worker")
            jobs.append(job)
            condition.signal()
        }
    }

    /// Waits until every job queued so far has run.
    func sync() {
        let done = DispatchSemaphore(value: 0)
        async { done.signal() }
        done.wait()
    }

    /// Lets the thread finish the queued jobs and end. Call once, when no more jobs come.
    func close() {
        condition.withLock {
            closed = true
            condition.signal()
        }
    }

    private func run() {
        while true {
            let job: (@Sendable () -> Void)? = condition.withLock {
                while next == jobs.count && !closed { condition.wait() }
                guard next < jobs.count else { return nil }
                let job = jobs[next]
                jobs[next] = nil
                next += 1
                if next == jobs.count || next >= 64 {  // drop taken slots
                    jobs.removeFirst(next)
                    next = 0
                }
                return job
            }
            guard let job else { return }
            job()
        }
    }

    private static func lowerPriority(by increment: Int32) {
        #if os(Linux)
        guard increment > 0 else { return }
        errno = 0
        let current = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        guard errno == 0 else { return }  // priority unknown: keep it
        // Best effort: a failure leaves the thread at its priority, which is still correct.
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, min(19, current + increment))
        #endif
    }
}
