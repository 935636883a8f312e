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
            results.csv, summary.md and recall-vs-budget.svg. --cache DIR reuses another \
            sweep's analysis read-only (a config experiment then only allocates and scores). See \
            Docs/evaluation.md.

            Examples:
              arrcoc sweep Configs/quick.yaml --out sweeps/quick
              arrcoc sweep Configs/needle-sweep.yaml --out part --shard 2/8
              arrcoc sweep tweaked.yaml --out sweeps/tweaked --cache sweeps/real-needles
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

    @Option(help: ArgumentHelp("Reuse another sweep's analysis (its cache/ features and clips/ haystacks), read-only: only what it lacks is computed, into --out.", valueName: "dir"))
    var cache: String?

    @OptionGroup var sharding: ShardOptions

    /// Optional, so that the help text (and Docs/cli.md) does not depend on the machine's core count.
    @Option(help: "Parallel runs (default: all cores).")
    var jobs: Int?

    func validate() throws {
        if let jobs, !(1...1024).contains(jobs) { throw ValidationError("--jobs \(jobs): expected 1…1024 parallel runs") }
    }

    func run() throws {
        global.bootstrapLogging()
        let shard = try sharding.resolve()
        let text = try YAMLInput.read(path: config)
        let sweep: SweepConfig
        do { sweep = try SweepConfig.parse(yaml: text, path: config, resolve: CacheDirectory.resolveSample) } catch let error as ConfigError {
            throw error.located(in: config)
        }
        let runner = SweepRunner(config: sweep, configText: text, out: URL(fileURLWithPath: out), shard: shard,
                                 jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount,
                                 sharedCache: cache.map { URL(fileURLWithPath: $0) },
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

    @Flag(help: "Replace the merged results if the output directory exists and holds this sweep (other files in it are kept).")
    var force = false

    func run() throws {
        global.bootstrapLogging()
        try SweepRunner.merge(directories.map { URL(fileURLWithPath: $0) }, into: URL(fileURLWithPath: out), force: force,
                              progress: TerminalProgress().handler)
    }
}
