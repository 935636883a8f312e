import ARRCOC
import ARRCOCPipeline
import ArgumentParser
import Foundation

struct BatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "Compress a dataset: one job per line of a JSONL file, resumable, shardable across a cluster.",
        discussion: """
            Each line is a JSON object: video, query_image or query_embedding, budget or budgets \
            (a list), and optionally id, features (a file from `arrcoc analyze`), strategy, params, \
            format, mode. Relative paths are taken from the JSONL file's folder. Every line's keys \
            and values are checked before any work; a file that is missing or damaged fails its \
            own task only (a dataset may lack a few videos). Outputs go to DIR/outputs/ID/BUDGET/ (as `compress` writes \
            them); each finished task is appended to DIR/journal.jsonl, so an interrupted batch \
            resumes where it stopped. A task that fails is recorded and the batch goes on; at the \
            end DIR/results.jsonl lists every task and DIR/failures.txt the failed ones, and the \
            command exits 3 if any failed. See Docs/cluster.md.

            Examples:
              arrcoc batch jobs.jsonl --out runs/all
              arrcoc batch jobs.jsonl --out runs/part3 --shard 3/16
              arrcoc batch merge runs/part* --out runs/all
            """,
        subcommands: [BatchRunCommand.self, BatchMergeCommand.self],
        defaultSubcommand: BatchRunCommand.self
    )

    /// The exit status of a batch that ran to the end with failed tasks.
    static let failedTasksStatus: Int32 = 3
}

struct BatchRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run a batch (the default).")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The batch file: one JSON job per line.")
    var jobs: String

    @Option(help: "Output directory (created, or resumed if it holds this batch).")
    var out: String

    @OptionGroup var sharding: ShardOptions

    @Option(help: "A YAML config every job starts from (see Configs/default.yaml); a job's own keys override it.")
    var config: String?

    @Flag(name: .customLong("retry-failed"), help: "Run again the tasks the journal records as failed (they are kept as failed otherwise).")
    var retryFailed = false

    func run() throws {
        global.bootstrapLogging()
        let shard = try sharding.resolve()
        let configText = try config.map { try YAMLInput.read(path: $0) } ?? ""
        let settings = try config.map { try CompressionConfig.load(path: $0) } ?? CompressionConfig()
        let runner = try BatchRunner(jobsFile: jobs, config: settings, configText: configText, out: URL(fileURLWithPath: out), shard: shard,
                                     retryFailed: retryFailed, progress: TerminalProgress().handler)
        StagingRegistry.shared.installSignalHandlers(
            message: "interrupted: finished tasks are kept in \(out)/journal.jsonl; run the same command again to resume")
        let report = try runner.run()
        try finish(report)
    }
}

struct BatchMergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge", abstract: "Join the directories of batch shards into the directory of an unsharded run.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Shard output directories (each holds batch.jsonl and journal.jsonl).")
    var directories: [String]

    @Option(help: "Output directory for the merged batch (appears only when complete).")
    var out: String

    @Flag(help: "Replace the output directory if it exists and arrcoc wrote it.")
    var force = false

    func run() throws {
        global.bootstrapLogging()
        StagingRegistry.shared.installSignalHandlers(message: "interrupted: \(out) was not written")
        let report = try BatchRunner.merge(directories.map { URL(fileURLWithPath: $0) }, into: out, force: force,
                                           progress: TerminalProgress().handler)
        try finish(report)
    }
}

/// Prints a batch's closing report; exits 3 when tasks failed.
private func finish(_ report: BatchReport) throws {
    let failures = report.failures
    print("\(ConfigError.escaped(report.directory)): \(report.records.count) of \(report.tasks) tasks, \(report.succeeded) ok, \(failures.count) failed"
          + (report.alreadyDone > 0 ? " (\(report.alreadyDone) done before this run)" : ""))
    for record in failures { printErr("failed \(record.key): \(record.error ?? "")") }
    if !failures.isEmpty {
        printErr("\(failures.count) tasks failed (listed in \(ConfigError.escaped(report.directory))/failures.txt); the others are done")
        throw ExitCode(BatchCommand.failedTasksStatus)
    }
}
