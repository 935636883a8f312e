import Foundation

/// One line of `results.csv`.
public struct SweepRow: Sendable, Equatable {
    public static let header = "video,strategy,params,format,mode,budget,delta,status,tokens_used,blocks,temporal_recall,precision,f1,event_hit,detail_recall,token_share_on_events,qwen3vl_default_tokens,compression_ratio"

    public var key: String
    /// Whether the run allocated, or what went wrong (e.g. the budget is below the smallest
    /// feasible sequence).
    public var status: Status
    public var blocks: Int
    public var metrics: Metrics

    public init(run: SweepRun, status: Status, blocks: Int, metrics: Metrics) {
        self.key = run.key
        self.status = status
        self.blocks = blocks
        self.metrics = metrics
    }

    /// Fixed notation, so that results are byte-identical wherever they are computed.
    public static func number(_ x: Double) -> String {
        var s = String(format: "%.6f", x)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s == "-0" ? "0" : s
    }

    public var line: String {
        let m = metrics
        return [key, status.field, "\(m.tokensUsed)", "\(blocks)", Self.number(m.temporalRecall), Self.number(m.precision), Self.number(m.f1),
                Self.number(m.eventHit), Self.number(m.detailRecall), Self.number(m.tokenShareOnEvents), "\(m.qwen3vlDefaultTokens)",
                Self.number(m.compressionRatio)].joined(separator: ",")
    }

    /// Parses a line written by `line`; nil for the header or a damaged (partial) line.
    public init?(line: String) {
        let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard f.count == 18, f[0] != "video", let budget = Int(f[5]), let delta = Double(f[6]), let used = Int(f[8]), let blocks = Int(f[9]),
              let recall = Double(f[10]), let precision = Double(f[11]), let f1 = Double(f[12]), let hit = Double(f[13]),
              let detail = Double(f[14]), let share = Double(f[15]), let reference = Int(f[16]), let ratio = Double(f[17])
        else { return nil }
        key = f[0..<7].joined(separator: ",")
        status = Status(field: f[7])
        self.blocks = blocks
        metrics = Metrics(delta: delta, temporalRecall: recall, precision: precision, f1: f1, eventHit: hit, detailRecall: detail,
                          tokenShareOnEvents: share, tokensUsed: used, budget: budget, qwen3vlDefaultTokens: reference, compressionRatio: ratio)
    }

    public var fields: [String] { key.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    public var video: String { fields[0] }
    public var strategy: String { fields[1] }
    public var params: String { fields[2] }
    public var variant: String { params.isEmpty ? strategy : "\(strategy)(\(params))" }
}
