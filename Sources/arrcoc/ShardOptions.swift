import ARRCOCPipeline
import ArgumentParser
import Foundation

/// `--shard I/N` and `--shard-count N`: which share of a sweep or a batch this process runs.
struct ShardOptions: ParsableArguments {
    @Option(help: "Run only shard I of N (I/N, 0-based): whole videos, each analysed in one shard. Also read from SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT, or JOB_COMPLETION_INDEX with --shard-count.")
    var shard: String?

    @Option(name: .customLong("shard-count"), help: "Number of shards when the index comes from JOB_COMPLETION_INDEX (Kubernetes Indexed Jobs).")
    var shardCount: Int?

    func validate() throws { _ = try resolve() }

    /// The shard from the options, Slurm or Kubernetes (`Shard.resolve`); all of the work when none.
    func resolve() throws -> Shard {
        do { return try Shard.resolve(option: shard, shardCount: shardCount, environment: ProcessInfo.processInfo.environment) } catch {
            throw ValidationError(error.localizedDescription)
        }
    }
}
