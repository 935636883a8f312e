import Foundation

/// Paths inside a truth file are relative to the truth file's folder (as in a batch jobs file),
/// so a truth file and its clip can be moved, archived or read from any working directory.
extension Truth {
    /// The truth with a relative `video` and `query` resolved against `folder`; absolute paths
    /// are kept as they are.
    public func resolvingPaths(against folder: String) -> Truth {
        var t = self
        t.video = Self.resolve(video, against: folder)
        t.query = Self.resolve(query, against: folder)
        return t
    }

    /// The truth as it should be written into a file in `folder`: paths inside `folder` become
    /// relative to it, others absolute (a path relative to the working directory would mean
    /// something else once read back).
    public func relativizingPaths(to folder: String) -> Truth {
        var t = self
        t.video = Self.relativize(video, to: folder)
        t.query = Self.relativize(query, to: folder)
        return t
    }

    static func resolve(_ path: String, against folder: String) -> String {
        guard !path.isEmpty, !path.hasPrefix("/") else { return path }
        return URL(fileURLWithPath: folder, isDirectory: true).appendingPathComponent(path).standardizedFileURL.path
    }

    static func relativize(_ path: String, to folder: String) -> String {
        guard !path.isEmpty else { return path }
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        let base = URL(fileURLWithPath: folder, isDirectory: true).standardizedFileURL.path
        let prefix = base.hasSuffix("/") ? base : base + "/"
        return absolute.hasPrefix(prefix) ? String(absolute.dropFirst(prefix.count)) : absolute
    }
}
