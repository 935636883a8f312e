import ARRCOC
import Foundation

/// One task of a batch (a job at one budget) as `results.jsonl` and the journal record it: what
/// was made and where, or why it failed. Nothing in it depends on the shard that ran it, so
/// merged shards give the bytes of an unsharded run.
public struct BatchRecord: Codable, Sendable, Equatable {
    public var id: String
    public var budget: Int
    /// `ok` or `error`.
    public var status: String
    /// What went wrong, when `status` is `error`.
    public var error: String?
    /// The output directory, relative to the batch directory (`outputs/ID/BUDGET`).
    public var output: String?
    public var video: String
    public var strategy: String
    public var format: String
    public var mode: String
    public var blocks: Int?
    public var sequenceLength: Int?
    public var visionTokens: Int?
    public var qwen3vlDefaultTokens: Int?
    public var compressionRatio: Double?

    enum CodingKeys: String, CodingKey {
        case id, budget, status, error, output, video, strategy, format, mode, blocks
        case sequenceLength = "sequence_length", visionTokens = "vision_tokens"
        case qwen3vlDefaultTokens = "qwen3vl_default_tokens", compressionRatio = "compression_ratio"
    }

    /// The task's identity in journals and merges.
    public var key: String { BatchRecord.key(id: id, budget: budget) }
    static func key(id: String, budget: Int) -> String { "\(id)/\(budget)" }

    public var succeeded: Bool { status == "ok" }

    /// A finished task.
    init(job: BatchJob, budget: Int, config: CompressionConfig, output: String, manifest: Manifest) {
        self.init(job: job, budget: budget, config: config)
        status = "ok"
        self.output = output
        let t = manifest.totals
        blocks = t.blocks
        sequenceLength = t.sequenceLength
        visionTokens = t.visionTokens
        qwen3vlDefaultTokens = t.qwen3vlDefaultTokens
        compressionRatio = t.compressionRatio
    }

    /// A failed task.
    init(job: BatchJob, budget: Int, config: CompressionConfig, error: String) {
        self.init(job: job, budget: budget, config: config)
        self.error = error
    }

    private init(job: BatchJob, budget: Int, config: CompressionConfig) {
        id = job.id
        self.budget = budget
        status = "error"
        video = job.video
        strategy = config.strategy
        format = config.emission.format.rawValue
        mode = config.emission.mode.rawValue
    }

    /// One line of JSON, keys sorted (no newline inside: messages are one line).
    public var line: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(self)) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// Parses a line written by `line`; nil for a damaged (partial) line.
    public init?(line: Substring) {
        guard let record = try? JSONDecoder().decode(BatchRecord.self, from: Data(line.utf8)) else { return nil }
        self = record
    }
}
