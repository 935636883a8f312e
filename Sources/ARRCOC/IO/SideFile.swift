import Foundation

/// Reads the files arrcoc takes besides videos (safetensors, npy, YAML, manifests) with bounds:
/// only regular files (a FIFO, a device such as `/dev/zero` or a directory is refused before a
/// byte is read), and at most a named limit of bytes.
public enum SideFile {
    /// The size of the regular file at `path` (symbolic links followed).
    /// - Throws: `FormatError.unreadable` when it does not exist or is not a regular file.
    public static func regularFileSize(path: String) throws(FormatError) -> Int {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw .unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw .unreadable(path: path, reason: "not a regular file (\(kind(info.st_mode)))")
        }
        return Int(info.st_size)
    }

    /// The bytes of the regular file at `path`, at most `limit` of them.
    /// - Parameter mapped: map the file instead of reading it (large tensors).
    /// - Throws: `FormatError.unreadable` (missing, not a regular file, read error) or
    ///   `LimitError.exceeded` when the file is larger than the limit.
    public static func read(path: String, limit: Limit, mapped: Bool = false) throws -> Data {
        let size = try regularFileSize(path: path)
        try limit.check(size, in: path, what: "file size")
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: mapped ? .mappedIfSafe : [])
        } catch {
            throw FormatError.unreadable(path: path, reason: error.localizedDescription)
        }
        // The file may have grown since stat(2).
        try limit.check(data.count, in: path, what: "file size")
        return data
    }

    private static func kind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: "a directory"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFIFO: "a FIFO"
        case S_IFSOCK: "a socket"
        default: "not a file"
        }
    }
}
