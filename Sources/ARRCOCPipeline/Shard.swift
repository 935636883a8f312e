import ARRCOC
import Foundation

/// This process's share of a sweep or a batch: shard `index` of `count` (0-based).
///
/// Work is split by *video*, so that each video is decoded and analysed in one shard only: with
/// at least as many videos as shards, video `v` belongs to shard `v mod count`, with all its
/// runs. With fewer videos than shards, the shards are grouped by video (shard `s` works on
/// video `s mod videos`) and each group deals its video's runs out round-robin, so no shard
/// analyses more than one video and no shard idles. The cluster's scheduler (a Slurm job array,
/// a Kubernetes Indexed Job) starts the shards; arrcoc only reads which one it is.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    /// All the work in one process.
    public static let all = Shard(uncheckedIndex: 0, count: 1)

    /// The most shards a sweep or a batch is split into.
    public static let maximumCount = 1_000_000

    /// - Throws: `ShardError.outOfRange` unless 0 ≤ index < count ≤ `maximumCount`.
    public init(index: Int, count: Int) throws(ShardError) {
        guard (1...Self.maximumCount).contains(count), index >= 0, index < count else {
            throw .outOfRange(source: "shard", index: index, count: count)
        }
        self.init(uncheckedIndex: index, count: count)
    }

    private init(uncheckedIndex index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    public var description: String { "\(index)/\(count)" }

    /// The shard as the command line and the cluster name it: `--shard I/N` first, else Slurm's
    /// `SLURM_ARRAY_TASK_ID`/`SLURM_ARRAY_TASK_COUNT` (offset by `SLURM_ARRAY_TASK_MIN`), else
    /// Kubernetes' `JOB_COMPLETION_INDEX` with `shardCount`; `Shard.all` when none is set.
    public static func resolve(option: String?, shardCount: Int?, environment: [String: String]) throws(ShardError) -> Shard {
        if let option {
            let parts = option.split(separator: "/", omittingEmptySubsequences: false).map { Int($0) }
            guard parts.count == 2, let i = parts[0], let n = parts[1] else { throw .malformed(option: option) }
            if let shardCount, shardCount != n { throw .conflictingCount(option: option, count: shardCount) }
            do { return try Shard(index: i, count: n) } catch { throw .outOfRange(source: "--shard \(option)", index: i, count: n) }
        }
        // A variable the cluster set but that does not parse is an error, never "not sharded":
        // every task of the array would run all the work.
        func integer(_ name: String) throws(ShardError) -> Int? {
            guard let text = environment[name] else { return nil }
            guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else { throw .badVariable(name: name, value: text) }
            return value
        }
        let slurmID = try integer("SLURM_ARRAY_TASK_ID"), slurmCount = try integer("SLURM_ARRAY_TASK_COUNT")
        if (slurmID == nil) != (slurmCount == nil) { throw .slurmIncomplete(missing: slurmID == nil ? "SLURM_ARRAY_TASK_ID" : "SLURM_ARRAY_TASK_COUNT") }
        if let id = slurmID, let n = slurmCount {
            let minimum = try integer("SLURM_ARRAY_TASK_MIN") ?? 0
            let (index, overflow) = id.subtractingReportingOverflow(minimum)
            guard !overflow, let shard = try? Shard(index: index, count: n) else {
                throw .slurm(id: id, minimum: minimum, count: n)
            }
            return shard
        }
        if let id = try integer("JOB_COMPLETION_INDEX") {
            guard let n = shardCount, let shard = try? Shard(index: id, count: n) else { throw .kubernetes(index: id, count: shardCount) }
            return shard
        }
        if let shardCount, shardCount != 1 { throw .countWithoutIndex(count: shardCount) }
        return .all
    }

    /// Whether this shard works on `item` (0-based) of `items` videos at all.
    /// - Complexity: O(1).
    public func owns(item: Int, of items: Int) -> Bool {
        guard items > 0, (0..<items).contains(item) else { return false }
        return items >= count ? item % count == index : index % items == item
    }

    /// Whether this shard runs unit `unit` (0-based: a run of a sweep, a job of a batch) of
    /// `item` (a video) of `items`.
    /// - Complexity: O(1).
    public func runs(unit: Int, ofItem item: Int, items: Int) -> Bool {
        guard owns(item: item, of: items) else { return false }
        if items >= count { return true }
        // Shards item, item + items, item + 2·items, … share this video's units.
        let group = (count - 1 - item) / items + 1
        return unit % group == index / items
    }
}

/// Why the shard this process should run cannot be told.
public enum ShardError: Error, LocalizedError, Equatable {
    case malformed(option: String)
    case outOfRange(source: String, index: Int, count: Int)
    case slurm(id: Int, minimum: Int, count: Int)
    case kubernetes(index: Int, count: Int?)
    case countWithoutIndex(count: Int)
    /// A cluster variable that is set but is not an integer.
    case badVariable(name: String, value: String)
    /// One of Slurm's two array variables without the other.
    case slurmIncomplete(missing: String)
    /// `--shard I/N` and `--shard-count M` with N ≠ M.
    case conflictingCount(option: String, count: Int)

    public var errorDescription: String? {
        switch self {
        case let .malformed(option):
            return "--shard \(option): expected I/N with 0 ≤ I < N"
        case let .outOfRange(source, index, count):
            return "\(source): shard \(index) of \(count) is out of range; expected 0 ≤ I < N ≤ \(Shard.maximumCount)"
        case let .slurm(id, minimum, count):
            let (end, overflow) = minimum.addingReportingOverflow(count)
            let range = overflow || count < 1 ? "\(minimum) + 0…count−1" : "\(minimum)…\(end - 1)"
            return "SLURM_ARRAY_TASK_ID \(id) is not within \(range) (SLURM_ARRAY_TASK_MIN \(minimum), SLURM_ARRAY_TASK_COUNT \(count))"
                + ((1...Shard.maximumCount).contains(count) ? "" : "; expected 1 ≤ SLURM_ARRAY_TASK_COUNT ≤ \(Shard.maximumCount)")
        case let .kubernetes(index, count):
            return "JOB_COMPLETION_INDEX \(index) needs --shard-count N with \(index) < N" + (count.map { " (got \($0))" } ?? "")
        case let .badVariable(name, value):
            return "environment variable \(name) is \"\(ConfigError.shown(value, limit: 40))\": expected an integer"
        case let .slurmIncomplete(missing):
            return "\(missing) is not set: a Slurm job array sets both SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT; "
                + "set both, or unset the other to run unsharded"
        case let .conflictingCount(option, count):
            return "--shard \(option) and --shard-count \(count) disagree on the number of shards"
        case let .countWithoutIndex(count):
            return "--shard-count \(count) needs JOB_COMPLETION_INDEX (a Kubernetes Indexed Job); use --shard I/N otherwise"
        }
    }
}
