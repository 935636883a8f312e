import Foundation

/// An output directory that appears only when complete: files go to a hidden staging
/// directory beside it, which `commit()` renames into place. If the process fails first, the
/// staging directory is removed and the destination is untouched.
final class OutputDirectory {
    let destination: URL
    let staging: URL
    private let force: Bool
    private var committed = false

    init(path: String, force: Bool) throws {
        destination = URL(fileURLWithPath: path).standardizedFileURL
        self.force = force
        if FileManager.default.fileExists(atPath: destination.path), !force {
            throw CLIError.outputExists(path: path)
        }
        staging = destination.deletingLastPathComponent()
            .appendingPathComponent(".\(destination.lastPathComponent).partial-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.removeItem(at: staging)
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
    }

    func commit() throws {
        if FileManager.default.fileExists(atPath: destination.path) {
            try FileManager.default.removeItem(at: destination)
        }
        try FileManager.default.moveItem(at: staging, to: destination)
        committed = true
    }

    deinit {
        if !committed { try? FileManager.default.removeItem(at: staging) }
    }
}

/// Errors of the command line itself (not of a pipeline stage).
enum CLIError: Error, LocalizedError {
    case outputExists(path: String)
    case noDemoVideo(reason: String)

    var errorDescription: String? {
        switch self {
        case let .outputExists(path):
            return "\(path) already exists; pass --force to replace it"
        case let .noDemoVideo(reason):
            return "no demo video: \(reason)"
        }
    }
}
