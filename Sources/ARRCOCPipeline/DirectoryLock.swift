import Foundation

/// An exclusive advisory lock (`flock`) on a run directory that a command fills over time and
/// resumes (`sweep`, `batch`): a second run into the same directory stops with an error instead
/// of redoing every task and replacing the first run's outputs. Held on the directory itself, so
/// no file is added to it; released by `release()` or when the process ends (a kill included).
public final class DirectoryLock {
    private var fd: Int32

    /// - Throws: `OutputError.inUse` when another process holds it; `OutputError.unwritable`
    ///   when the directory cannot be opened.
    public init(_ directory: URL, command: String) throws {
        fd = open(directory.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else {
            throw OutputError.unwritable(path: directory.path, reason: String(cString: strerror(errno)))
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let busy = errno == EWOULDBLOCK
            let reason = String(cString: strerror(errno))
            close(fd)
            fd = -1
            if busy { throw OutputError.inUse(path: directory.path, command: command) }
            throw OutputError.unwritable(path: directory.path, reason: reason)
        }
    }

    public func release() {
        guard fd >= 0 else { return }
        close(fd)
        fd = -1
    }

    deinit { release() }
}
