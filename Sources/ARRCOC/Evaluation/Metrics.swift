import Foundation

/// What a compressed sequence shows of the ground truth. Definitions adapted from LV-Haystack's
/// temporal search metrics (which use δ = 5 s); arrcoc defaults to δ = 1 s. See Docs/evaluation.md.
public struct Metrics: Codable, Sendable, Equatable {
    public var delta: Double
    /// Ground-truth times (every 1 s inside each event, start included) with a block within δ.
    public var temporalRecall: Double
    /// Blocks within δ of some event / all blocks.
    public var precision: Double
    public var f1: Double
    /// Events with a block inside [start − δ, end + δ].
    public var eventHit: Double
    /// Events with a block inside the event putting at least `min_box_tokens` tokens on its box.
    public var detailRecall: Double
    /// Vision tokens of blocks inside events / all vision tokens.
    public var tokenShareOnEvents: Double
    public var tokensUsed: Int
    public var budget: Int
    public var qwen3vlDefaultTokens: Int
    public var compressionRatio: Double

    public init(delta: Double, temporalRecall: Double, precision: Double, f1: Double, eventHit: Double, detailRecall: Double,
                tokenShareOnEvents: Double, tokensUsed: Int, budget: Int, qwen3vlDefaultTokens: Int, compressionRatio: Double) {
        self.delta = delta
        self.temporalRecall = temporalRecall
        self.precision = precision
        self.f1 = f1
        self.eventHit = eventHit
        self.detailRecall = detailRecall
        self.tokenShareOnEvents = tokenShareOnEvents
        self.tokensUsed = tokensUsed
        self.budget = budget
        self.qwen3vlDefaultTokens = qwen3vlDefaultTokens
        self.compressionRatio = compressionRatio
    }

    enum CodingKeys: String, CodingKey {
        case delta, precision, f1, budget
        case temporalRecall = "temporal_recall", eventHit = "event_hit", detailRecall = "detail_recall"
        case tokenShareOnEvents = "token_share_on_events", tokensUsed = "tokens_used"
        case qwen3vlDefaultTokens = "qwen3vl_default_tokens", compressionRatio = "compression_ratio"
    }
}
