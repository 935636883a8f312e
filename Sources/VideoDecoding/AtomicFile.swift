import Foundation

/// Writes a file through a temporary name in the same directory, then renames it into place,
/// so that a failure never leaves a half-written file behind.
public enum AtomicFile {
    public static func write(_ data: Data, to path: String) throws(VideoError) {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
        do {
            try data.write(to: temporary)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw .writeFailed(path: path, reason: error.localizedDescription)
        }
        // rename(2) replaces an existing file atomically.
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw .writeFailed(path: path, reason: reason)
        }
    }
}
