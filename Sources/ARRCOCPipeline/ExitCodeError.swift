import Foundation

/// A merge that lacks runs of some shard.
public enum ExitCodeError: Error, LocalizedError {
    case incomplete(missing: Int)
    public var errorDescription: String? {
        switch self {
        case let .incomplete(missing): return "\(missing) runs are missing from the shards; nothing was written (merge every shard's directory)"
        }
    }
}
