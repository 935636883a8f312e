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

/// The parts of a block the metrics read.
public struct EvaluatedBlock: Sendable, Equatable {
    public var time: Double
    public var tokens: Int
    public var grid: THW
    /// Select mode: kept cells (row-major on `grid`); nil in resize mode.
    public var keptCells: [Int]?

    public init(time: Double, tokens: Int, grid: THW, keptCells: [Int]?) {
        self.time = time
        self.tokens = tokens
        self.grid = grid
        self.keptCells = keptCells
    }
}

public enum Evaluation {
    /// Ground-truth times of an event: start, start + 1, … up to the end.
    public static func groundTruthTimes(_ e: Truth.Event) -> [Double] {
        var times: [Double] = []
        var t = e.startSeconds
        while t <= e.endSeconds + 1e-9 {
            times.append(t)
            t += 1
        }
        return times
    }

    /// Tokens of a block on a box: resize mode h·w·(box area); select mode the kept cells that
    /// meet the box.
    public static func tokensOnBox(_ b: EvaluatedBlock, box: [Double]) -> Double {
        if let kept = b.keptCells {
            let x0 = box[0] * Double(b.grid.w), x1 = (box[0] + box[2]) * Double(b.grid.w)
            let y0 = box[1] * Double(b.grid.h), y1 = (box[1] + box[3]) * Double(b.grid.h)
            return Double(kept.filter { c in
                let r = Double(c / b.grid.w), col = Double(c % b.grid.w)
                return col + 1 > x0 && col < x1 && r + 1 > y0 && r < y1
            }.count)
        }
        return Double(b.grid.h * b.grid.w) * box[2] * box[3]
    }

    /// All metrics of `blocks` against `truth` at tolerance `delta`.
    public static func evaluate(
        blocks: [EvaluatedBlock], truth: Truth, delta: Double, minBoxTokens: Double = 16,
        tokensUsed: Int, budget: Int, qwen3vlDefaultTokens: Int
    ) -> Metrics {
        let events = truth.events
        let gt = events.flatMap(groundTruthTimes)
        let hits = gt.filter { t in blocks.contains { abs($0.time - t) <= delta + 1e-9 } }.count
        let recall = gt.isEmpty ? 0 : Double(hits) / Double(gt.count)
        func distance(_ t: Double, _ e: Truth.Event) -> Double {
            t < e.startSeconds ? e.startSeconds - t : (t > e.endSeconds ? t - e.endSeconds : 0)
        }
        let near = blocks.filter { b in events.contains { distance(b.time, $0) <= delta + 1e-9 } }.count
        let precision = blocks.isEmpty ? 0 : Double(near) / Double(blocks.count)
        let f1 = recall + precision > 0 ? 2 * recall * precision / (recall + precision) : 0
        let eventHits = events.filter { e in blocks.contains { distance($0.time, e) <= delta + 1e-9 } }.count
        let detailed = events.filter { e in
            let box = e.box ?? [0, 0, 1, 1]
            return blocks.contains { $0.time >= e.startSeconds - 1e-9 && $0.time <= e.endSeconds + 1e-9 && tokensOnBox($0, box: box) >= minBoxTokens }
        }.count
        let inside = blocks.filter { b in events.contains { b.time >= $0.startSeconds - 1e-9 && b.time <= $0.endSeconds + 1e-9 } }
        let vision = blocks.reduce(0) { $0 + $1.tokens }
        let share = vision == 0 ? 0 : Double(inside.reduce(0) { $0 + $1.tokens }) / Double(vision)
        return Metrics(
            delta: delta, temporalRecall: recall, precision: precision, f1: f1,
            eventHit: events.isEmpty ? 0 : Double(eventHits) / Double(events.count),
            detailRecall: events.isEmpty ? 0 : Double(detailed) / Double(events.count),
            tokenShareOnEvents: share, tokensUsed: tokensUsed, budget: budget, qwen3vlDefaultTokens: qwen3vlDefaultTokens,
            compressionRatio: tokensUsed == 0 ? 0 : Double(qwen3vlDefaultTokens) / Double(tokensUsed))
    }

    /// Metrics of a manifest.
    public static func evaluate(manifest: Manifest, truth: Truth, delta: Double, minBoxTokens: Double = 16) -> Metrics {
        evaluate(blocks: manifest.blocks.map { EvaluatedBlock(time: $0.timeSeconds, tokens: $0.tokens, grid: $0.grid, keptCells: $0.keptCells) },
                 truth: truth, delta: delta, minBoxTokens: minBoxTokens, tokensUsed: manifest.totals.sequenceLength,
                 budget: manifest.budget.tokens, qwen3vlDefaultTokens: manifest.totals.qwen3vlDefaultTokens)
    }
}
