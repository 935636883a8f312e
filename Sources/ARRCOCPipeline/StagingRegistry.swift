import CSystem
import Foundation

/// The staging paths of this process, removed when SIGINT or SIGTERM arrives.
///
/// The signal handler itself does nothing but what is async-signal-safe (`CSystem`'s handler
/// writes the signal's number to a pipe); a thread waiting on the pipe removes the registered
/// paths, reports, and exits with 128 + the signal. The handler is in place as soon as
/// `installSignalHandlers` returns, so no early signal is lost.
public final class StagingRegistry: @unchecked Sendable {
    /// The process's registry (staging is process-wide by nature: one signal ends every output).
    public static let shared = StagingRegistry()

    private let lock = NSLock()
    private var paths: Set<String> = []
    private var installed = false
    private var message = ""

    func add(_ path: String) { lock.withLock { _ = paths.insert(path) } }
    func remove(_ path: String) { lock.withLock { _ = paths.remove(path) } }

    /// Paths staged now (for tests).
    public var staged: [String] { lock.withLock { paths.sorted() } }

    /// Handles SIGINT and SIGTERM from now on: staging removed, `message` printed, exit 128 + signal.
    public func installSignalHandlers(message: String = "interrupted") {
        lock.withLock {
            self.message = message
            guard !installed else { return }
            installed = true
            // The C handler only writes the signal's number to a pipe; this thread does the rest.
            let fd = arrcoc_install_interrupt_pipe()
            guard fd >= 0 else { return }
            Thread.detachNewThread { [self] in
                var byte: UInt8 = 0
                while true {
                    let n = read(fd, &byte, 1)
                    if n == 1 { self.interrupted(Int32(byte)) }
                    if n < 0, errno == EINTR { continue }
                    if n <= 0 { return }
                }
            }
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
