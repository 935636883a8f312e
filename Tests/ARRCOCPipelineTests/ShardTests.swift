import ARRCOCPipeline
import Testing

/// `Shard`: work split by video, each unit run by exactly one shard, and the shard read from the
/// command line, Slurm or Kubernetes.
struct ShardTests {
    @Test func everyUnitRunsInExactlyOneShardAndAVideoIsAnalysedAsRarelyAsPossible() throws {
        for items in 0...7 {
            for count in 1...9 {
                let shards = try (0..<count).map { try Shard(index: $0, count: count) }
                for item in 0..<items {
                    let owners = shards.filter { $0.owns(item: item, of: items) }
                    // A video is analysed by one shard, or by its group when shards outnumber videos.
                    #expect(owners.count == (items >= count ? 1 : (count - 1 - item) / items + 1))
                    for unit in 0..<20 {
                        let runners = shards.filter { $0.runs(unit: unit, ofItem: item, items: items) }
                        #expect(runners.count == 1, "items \(items) count \(count) item \(item) unit \(unit)")
                    }
                }
                // No shard works on two videos when there are fewer videos than shards.
                if items > 0, items < count {
                    for shard in shards { #expect((0..<items).filter { shard.owns(item: $0, of: items) }.count == 1) }
                }
            }
        }
    }

    @Test func theShardComesFromTheOptionThenSlurmThenKubernetes() throws {
        #expect(try Shard.resolve(option: nil, shardCount: nil, environment: [:]) == .all)
        #expect(try Shard.resolve(option: "2/5", shardCount: nil, environment: ["SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "3"])
            == Shard(index: 2, count: 5))
        #expect(try Shard.resolve(option: nil, shardCount: nil,
                                  environment: ["SLURM_ARRAY_TASK_ID": "11", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "10"])
            == Shard(index: 1, count: 4))
        #expect(try Shard.resolve(option: nil, shardCount: 8, environment: ["JOB_COMPLETION_INDEX": "7"]) == Shard(index: 7, count: 8))
        #expect(try Shard.resolve(option: "1/3", shardCount: 3, environment: [:]) == Shard(index: 1, count: 3))
        let bad: [(String?, Int?, [String: String], String)] = [
            ("3/3", nil, [:], "--shard 3/3"), ("1/0", nil, [:], "--shard 1/0"), ("-1/2", nil, [:], "--shard -1/2"),
            ("1/2/3", nil, [:], "--shard 1/2/3"), ("a/b", nil, [:], "--shard a/b"), ("1/2000000", nil, [:], "1000000"),
            (nil, nil, ["SLURM_ARRAY_TASK_ID": "5", "SLURM_ARRAY_TASK_COUNT": "3"], "SLURM_ARRAY_TASK_ID 5"),
            (nil, nil, ["SLURM_ARRAY_TASK_ID": "-9223372036854775807", "SLURM_ARRAY_TASK_COUNT": "3", "SLURM_ARRAY_TASK_MIN": "9223372036854775807"],
             "SLURM_ARRAY_TASK_ID"),
            (nil, nil, ["SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_COUNT": "2", "SLURM_ARRAY_TASK_MIN": "9223372036854775807"],
             "SLURM_ARRAY_TASK_MIN 9223372036854775807"),
            (nil, nil, ["JOB_COMPLETION_INDEX": "1"], "--shard-count"), (nil, 2, ["JOB_COMPLETION_INDEX": "2"], "--shard-count"),
            (nil, 4, [:], "JOB_COMPLETION_INDEX"),
            // Set by the cluster but unusable: an error, never an unsharded run of everything.
            (nil, nil, ["SLURM_ARRAY_TASK_ID": "abc", "SLURM_ARRAY_TASK_COUNT": "2"], "SLURM_ARRAY_TASK_ID is \"abc\": expected an integer"),
            (nil, nil, ["SLURM_ARRAY_TASK_ID": "1"], "SLURM_ARRAY_TASK_COUNT is not set"),
            (nil, nil, ["SLURM_ARRAY_TASK_COUNT": "4"], "SLURM_ARRAY_TASK_ID is not set"),
            (nil, nil, ["SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "2", "SLURM_ARRAY_TASK_MIN": "x"], "SLURM_ARRAY_TASK_MIN is \"x\""),
            (nil, 2, ["JOB_COMPLETION_INDEX": "abc"], "JOB_COMPLETION_INDEX is \"abc\": expected an integer"),
            ("0/2", 3, [:], "--shard 0/2 and --shard-count 3 disagree"),
        ]
        for (option, count, environment, message) in bad {
            do {
                let shard = try Shard.resolve(option: option, shardCount: count, environment: environment)
                Issue.record("\(option ?? "-") \(environment) gave \(shard)")
            } catch {
                #expect(error.localizedDescription.contains(message), "\(error.localizedDescription)")
            }
        }
    }
}
