import Foundation

/// The staging paths of this process, removed when SIGINT or SIGTERM arrives.
///
/// The signal handler itself does nothing but what is async-signal-safe: the signals are
/// ignored at the C level and delivered to a `DispatchSource` instead, whose handler (an
/// ordinary thread) removes the registered paths, reports, and exits with 128 + the signal.
public final class StagingRegistry: @unchecked Sendable {
    /// The process's registry (staging is process-wide by nature: one signal ends every output).
    public static let shared = StagingRegistry()

    private let lock = NSLock()
    private var paths: Set<String> = []
    private var sources: [DispatchSourceSignal] = []
    private var message = ""

    func add(_ path: String) { lock.withLock { _ = paths.insert(path) } }
    func remove(_ path: String) { lock.withLock { _ = paths.remove(path) } }

    /// Paths staged now (for tests).
    public var staged: [String] { lock.withLock { paths.sorted() } }

    /// Handles SIGINT and SIGTERM from now on: staging removed, `message` printed, exit 128 + signal.
    public func installSignalHandlers(message: String = "interrupted") {
        lock.withLock {
            self.message = message
            guard sources.isEmpty else { return }
            // A parent may have spawned us with the signals blocked.
            var unblock = sigset_t()
            sigemptyset(&unblock)
            for sig in [SIGINT, SIGTERM] {
                sigaddset(&unblock, sig)
                signal(sig, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
                source.setEventHandler { [self] in self.interrupted(sig) }
                source.resume()
                sources.append(source)
            }
            sigprocmask(SIG_UNBLOCK, &unblock, nil)
        }
    }

    private func interrupted(_ sig: Int32) -> Never {
        let (staged, text) = lock.withLock { (paths, message) }
        for path in staged { try? FileManager.default.removeItem(atPath: path) }
        FileHandle.standardError.write(Data("\n\(text)\n".utf8))
        // _exit, not exit: the main thread is still running, and exit's handlers and static
        // destructors would race with it.
        _exit(128 + sig)
    }
}
