import ARRCOC
import ARRCOCPipeline
import ArgumentParser
import Foundation

struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Measure recall against budget for strategies over a dataset, from a YAML sweep file.",
        discussion: """
            Each video is analysed once (features cached in DIR/cache by SHA-256 and analysis \
            settings); every budget × strategy × parameters × format × mode × δ then only \
            allocates and scores, on all cores. Results are appended to DIR/results.partial.csv as \
            runs finish, so an interrupted sweep resumes where it stopped; at the end DIR gets \
            results.csv, summary.md and recall-vs-budget.svg. See Docs/evaluation.md.

            Examples:
              arrcoc sweep Configs/quick.yaml --out sweeps/quick
              arrcoc sweep Configs/needle-sweep.yaml --out part --shard 2/8
              arrcoc sweep merge part0 part1 part2 --out all
            """,
        subcommands: [SweepRunCommand.self, SweepMergeCommand.self],
        defaultSubcommand: SweepRunCommand.self
    )
}

struct SweepRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run a sweep (the default).")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The sweep file (YAML).")
    var config: String

    @Option(help: "Output directory (created, or resumed if it holds this sweep).")
    var out: String

    @Option(help: "Run only shard I of N (I/N, 0-based). Also read from SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT, or JOB_COMPLETION_INDEX with --shard-count.")
    var shard: String?

    @Option(name: .customLong("shard-count"), help: "Number of shards when the index comes from JOB_COMPLETION_INDEX (Kubernetes Indexed Jobs).")
    var shardCount: Int?

    /// Optional, so that the help text (and Docs/cli.md) does not depend on the machine's core count.
    @Option(help: "Parallel runs (default: all cores).")
    var jobs: Int?

    func validate() throws {
        if let jobs, !(1...1024).contains(jobs) { throw ValidationError("--jobs \(jobs): expected 1…1024 parallel runs") }
        _ = try resolveShard()
    }

    /// (index, count) from --shard, SLURM, or Kubernetes; (0, 1) when unsharded.
    func resolveShard() throws -> (Int, Int) {
        let env = ProcessInfo.processInfo.environment
        if let shard {
            let parts = shard.split(separator: "/").map { Int($0) }
            guard parts.count == 2, let i = parts[0], let n = parts[1], n >= 1, i >= 0, i < n else {
                throw ValidationError("--shard \(shard): expected I/N with 0 ≤ I < N")
            }
            return (i, n)
        }
        if let id = env["SLURM_ARRAY_TASK_ID"].flatMap(Int.init), let n = env["SLURM_ARRAY_TASK_COUNT"].flatMap(Int.init) {
            let minimum = env["SLURM_ARRAY_TASK_MIN"].flatMap(Int.init) ?? 0
            guard n >= 1, id - minimum >= 0, id - minimum < n else {
                throw ValidationError("SLURM_ARRAY_TASK_ID \(id) is not within \(minimum)…\(minimum + n - 1)")
            }
            return (id - minimum, n)
        }
        if let id = env["JOB_COMPLETION_INDEX"].flatMap(Int.init) {
            guard let n = shardCount, n >= 1, id >= 0, id < n else {
                throw ValidationError("JOB_COMPLETION_INDEX \(id) needs --shard-count N with \(id) < N")
            }
            return (id, n)
        }
        return (0, 1)
    }

    func run() throws {
        global.bootstrapLogging()
        let (index, count) = try resolveShard()
        let text = try YAMLInput.read(path: config)
        let sweep: SweepConfig
        do { sweep = try SweepConfig.parse(yaml: text, path: config, resolve: CacheDirectory.resolveSample) } catch let error as ConfigError {
            throw error.located(in: config)
        }
        let runner = SweepRunner(config: sweep, configText: text, out: URL(fileURLWithPath: out), shard: (index, count),
                                 jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount,
                                 progress: TerminalProgress().handler)
        // Interrupted: every finished run is already a whole line of the journal; say how to resume.
        StagingRegistry.shared.installSignalHandlers(
            message: "interrupted: finished runs are kept in results.partial.csv; run the same command again to resume")
        let ok = try runner.run()
        if !ok { throw ExitCode(1) }
    }
}

struct SweepMergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge", abstract: "Join the results of sweep shards into the outputs of an unsharded run.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Shard output directories (each holds sweep.yaml and results).")
    var directories: [String]

    @Option(help: "Output directory for the merged results.")
    var out: String

    func run() throws {
        global.bootstrapLogging()
        try SweepRunner.merge(directories.map { URL(fileURLWithPath: $0) }, into: URL(fileURLWithPath: out),
                              progress: TerminalProgress().handler)
    }
}
