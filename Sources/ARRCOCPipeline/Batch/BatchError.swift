import Foundation

/// Why a batch cannot start or be merged (a job that fails while running is recorded, not thrown).
public enum BatchError: Error, LocalizedError, Equatable {
    /// Line `line` of the batch file `source` is wrong at `key`.
    case invalidLine(source: String, line: Int, key: String, reason: String)
    /// The batch file holds no job.
    case empty(source: String)
    /// `--out` is not a new directory, nor one holding this same batch.
    case notThisBatch(directory: String, reason: String)
    /// `batch merge` was given directories of different batches, or none.
    case mismatchedShards(directory: String, reason: String)
    /// `batch merge` found tasks that no shard finished.
    case incomplete(missing: Int, total: Int)
    /// A shard's journal records `task` as done, but its output folder `output` is gone.
    case outputMissing(directory: String, task: String, output: String)
    /// A shard's journal records `task` as done, but its output folder `output` does not hold a
    /// whole output (a tensors file cut short by a copy, a manifest edited): `reason` says what.
    case outputDamaged(directory: String, task: String, output: String, reason: String)

    public var errorDescription: String? {
        switch self {
        case let .invalidLine(source, line, key, reason):
            return "\(source):\(line)" + (key.isEmpty ? "" : ": \(key)") + ": \(reason)"
        case let .empty(source):
            return "\(source): no job (one JSON object per line is expected)"
        case let .notThisBatch(directory, reason):
            return "\(directory): \(reason); choose a new output directory, or the one this batch wrote to resume it"
        case let .mismatchedShards(directory, reason):
            return "\(directory): \(reason)"
        case let .incomplete(missing, total):
            return "\(missing) of \(total) tasks are missing from the shards; nothing was written (merge every shard's directory)"
        case let .outputMissing(directory, task, output):
            return "\(directory): task \(task) is recorded as done but its output \(output) is missing or has no manifest.json; "
                + "run `arrcoc batch` on this shard again (it redoes that task), then merge"
        case let .outputDamaged(directory, task, output, reason):
            return "\(directory): task \(task) is recorded as done but its output \(output) is damaged: \(reason); "
                + "delete \(output), run `arrcoc batch` on this shard again (it redoes that task), then merge"
        }
    }
}
