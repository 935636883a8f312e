import ARRCOC
import Foundation

/// Why an output cannot be written where it was asked for.
public enum OutputError: Error, LocalizedError, Equatable {
    case exists(path: String)
    case isInput(output: String, input: String)
    case containsInput(output: String, input: String)
    case notArrcocOutput(path: String, expected: String)
    case unwritable(path: String, reason: String)
    /// An arrcoc output directory that also holds files arrcoc did not write (`entries`).
    case holdsForeignFiles(path: String, entries: [String])
    /// An arrcoc directory whose marker does not list what arrcoc wrote in it.
    case unlistedOutput(path: String)
    /// Two outputs of one command that collide: the same path, or one inside the other (a
    /// directory output is renamed into place whole, so a file written inside it would vanish).
    case outputsCollide(output: String, other: String, inside: Bool)
    /// Something appeared at the output path while the command ran (another program, another
    /// run); without --force it is never replaced.
    case appeared(path: String)
    /// A run directory another arrcoc process is filling (`sweep`, `batch`).
    case inUse(path: String, command: String)
    /// A directory output that is, or contains, the working directory.
    case containsWorkingDirectory(output: String)

    public var errorDescription: String? {
        switch self {
        case let .exists(path):
            return "\(path) already exists; pass --force to replace it (only outputs arrcoc wrote are replaced)"
        case let .isInput(output, input):
            return "output \(output) is the input \(input); choose another output path"
        case let .containsInput(output, input):
            return "output \(output) contains the input \(input); replacing it would delete the input — choose another output path"
        case let .notArrcocOutput(path, expected):
            return "\(path) exists and is not \(expected) written by arrcoc; arrcoc never replaces it: choose another output path"
        case let .holdsForeignFiles(path, entries):
            let shown = entries.prefix(5).map { ConfigError.shown($0) }.joined(separator: ", ") + (entries.count > 5 ? ", … (\(entries.count) in all)" : "")
            return "\(path) is an arrcoc output directory but also holds files arrcoc did not write (\(shown)); "
                + "arrcoc never deletes them: move them out first, or choose another output path"
        case let .unlistedOutput(path):
            return "\(path) was written by arrcoc, but its marker (.arrcoc-output) does not list the files arrcoc wrote "
                + "(an older version's output, a sweep or batch run, or a changed marker), so it may hold files of yours; "
                + "arrcoc never replaces it: remove it yourself, or choose another output path"
        case let .outputsCollide(output, other, inside):
            return inside
                ? "\(output) is inside \(other), which is written whole (staged, then renamed into place): write it elsewhere"
                : "\(output) and \(other) are the same path: the command writes both, so choose two paths"
        case let .appeared(path):
            return "\(path) appeared while arrcoc was writing it (another program or run made it); arrcoc did not replace it "
                + "and discarded this run's output: choose another output path, or run again with --force to replace an arrcoc output"
        case let .inUse(path, command):
            return "\(path) is in use by another arrcoc \(command) run; wait for it to finish (a later run resumes where it stopped) or choose another --out"
        case let .containsWorkingDirectory(output):
            return "output \(output) is or contains the current directory; replacing it would delete the directory the command runs in — choose another output path"
        case let .unwritable(path, reason):
            return "cannot write \(path): \(reason)"
        }
    }
}
