import Foundation

/// Atomic file writes for the core: a temporary name in the same directory, then a rename.
public enum AtomicWrite {
    public static func write(_ data: Data, to path: String) throws {
        try write(to: path) { temporary in
            do { try data.write(to: URL(fileURLWithPath: temporary)) } catch {
                throw FormatError.unwritable(path: path, reason: error.localizedDescription)
            }
        }
    }

    /// Lets `body` write the file at a temporary path in the same directory, then renames it to
    /// `path`; on failure the temporary file is removed. For files streamed piece by piece
    /// (`SafetensorsStream`) that are never held whole.
    public static func write(to path: String, _ body: (_ temporary: String) throws -> Void) throws {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
        do {
            try body(temporary.path)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
        // rename(2) replaces an existing file atomically.
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw FormatError.unwritable(path: path, reason: reason)
        }
    }
}
