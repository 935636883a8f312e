import ARRCOC
import Foundation

/// The demo as a library call: one haystack, arrcoc against uniform sampling at several budgets,
/// each compression written with its previews and scored against the truth.
public struct DemoStory: Sendable {
    /// One compression of the demo and what it kept of the needle.
    public struct Row: Sendable {
        public var strategy: String
        public var budgetFraction: Double
        public var budget: Int
        public var tokensUsed: Int
        public var blocks: Int
        /// Temporal recall at δ = 1 s.
        public var temporalRecall: Double
        /// Events seen by a block with at least 16 tokens on the needle's box.
        public var detailRecall: Double
        /// Vision tokens that land on the needle's box, summed over the blocks inside its events.
        public var tokensOnNeedle: Double
        /// The output directory's name inside the demo's output.
        public var directory: String
    }

    public var budgetFractions: [Double]
    public var strategies: [String]

    public init(budgetFractions: [Double] = [0.03, 0.1, 0.25], strategies: [String] = ["arrcoc", "uniform"]) {
        self.budgetFractions = budgetFractions
        self.strategies = strategies
    }

    /// Analyses the haystack once, then compresses it with every strategy at every budget into
    /// `directory/<strategy>-<percent>pct/` (manifest, prompt, tensors, preview.png, timeline.svg).
    /// - Returns: the rows in budget order, and Qwen3-VL's default token count for the clip.
    public func run(haystack: DemoClip.Haystack, into directory: URL, progress: @escaping ProgressHandler = { _ in }) throws -> (rows: [Row], defaultTokens: Int) {
        let engine = try Engine(progress: progress)
        let features = try engine.analyze(video: haystack.clip)
        let query = try engine.query(image: haystack.needle, features: features)
        let s = features.info.source
        let reference = QwenVideoDefaults.plan(totalFrames: max(2, Int((s.durationSeconds * s.fps).rounded())), videoFPS: s.fps,
                                               width: s.width, height: s.height).totalTokens
        var rows: [Row] = []
        for fraction in budgetFractions {
            let budget = max(1, Int(Double(reference) * fraction))
            for strategy in strategies {
                var config = CompressionConfig()
                config.strategy = strategy
                let result = try Engine(config: config).compress(video: haystack.clip, features: features, query: query, budget: budget)
                let name = "\(strategy)-\(Self.percent(fraction))pct"
                let out = directory.appendingPathComponent(name)
                try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
                try OutputWriter.write(result, to: out)
                try Preview.write(result, features: features, heat: true, to: out)
                let m = try Evaluation.evaluate(manifest: result.manifest, truth: haystack.truth, delta: 1, minBoxTokens: 16)
                let onNeedle = result.manifest.blocks.reduce(0.0) { sum, b in
                    let block = EvaluatedBlock(time: b.timeSeconds, tokens: b.tokens, grid: b.grid, keptCells: b.keptCells,
                                               region: b.region.flatMap(Region.init(array:)))
                    let event = haystack.truth.events.first { b.timeSeconds >= $0.startSeconds && b.timeSeconds <= $0.endSeconds }
                    return sum + (event.map { Evaluation.tokensOnBox(block, box: $0.box ?? [0, 0, 1, 1]) } ?? 0)
                }
                rows.append(Row(strategy: strategy, budgetFraction: fraction, budget: budget, tokensUsed: result.manifest.totals.sequenceLength,
                                blocks: result.manifest.blocks.count, temporalRecall: m.temporalRecall, detailRecall: m.detailRecall,
                                tokensOnNeedle: onNeedle, directory: name))
            }
        }
        return (rows, reference)
    }

    static func percent(_ fraction: Double) -> String {
        let p = fraction * 100
        return p == p.rounded() ? String(Int(p)) : String(format: "%.1f", p)
    }
}
