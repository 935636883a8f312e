import CSystem
import Foundation

/// The staging paths of this process, removed when SIGINT, SIGTERM or SIGHUP arrives.
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
    private var interrupting = false
    private var message = ""

    /// Registers `path` and runs `make` (which creates it) under the lock. Once a signal is being
    /// handled, nothing new is created: the calling thread waits for the exit instead, so that
    /// no staging can appear after the cleanup looked.
    func create(_ path: String, _ make: () throws -> Void) throws {
        lock.lock()
        defer { lock.unlock() }
        if interrupting {
            lock.unlock()
            while true { pause() }
        }
        paths.insert(path)
        try make()
    }
    func remove(_ path: String) { lock.withLock { _ = paths.remove(path) } }

    /// Blocks the calling thread for good while a signal is being handled: the handling thread
    /// removes the staging and exits with 128 + the signal. A command that fails because its
    /// staging directory vanished under it (or that finishes just then) must not exit first with
    /// its own status: that would end the process in the middle of the removal and leave part
    /// of the staging behind (seen once in the hostile corpus: `frames` interrupted while writing
    /// PNG files exited 1 with a staging directory left).
    public func holdIfInterrupted() {
        guard lock.withLock({ interrupting }) else { return }
        while true { pause() }
    }

    /// Paths staged now (for tests).
    public var staged: [String] { lock.withLock { paths.sorted() } }

    /// Handles SIGINT, SIGTERM and SIGHUP from now on: staging removed, `message` printed, exit
    /// 128 + signal.
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
        let (staged, text) = lock.withLock { () -> (Set<String>, String) in
            interrupting = true
            return (paths, message)
        }
        for path in staged { Self.remove(path) }
        FileHandle.standardError.write(Data("\n\(text)\n".utf8))
        // _exit, not exit: the main thread is still running, and exit's handlers and static
        // destructors would race with it.
        _exit(128 + sig)
    }

    /// Removes a staging path and the temporary files writers made beside it. The main thread
    /// may still be adding files to a staging directory while it is removed, so removal is
    /// retried until the path is gone (once it is, no further file can be created in it).
    static func remove(_ path: String) {
        let fm = FileManager.default
        for _ in 0..<50 {
            try? fm.removeItem(atPath: path)
            var isDirectory: ObjCBool = false
            if !fm.fileExists(atPath: path, isDirectory: &isDirectory) { break }
            usleep(2_000)
        }
        let url = URL(fileURLWithPath: path)
        let name = url.lastPathComponent
        let folder = url.deletingLastPathComponent()
        for sibling in (try? fm.contentsOfDirectory(atPath: folder.path)) ?? [] where sibling != name && sibling.contains(name) {
            try? fm.removeItem(at: folder.appendingPathComponent(sibling))
        }
    }
}
