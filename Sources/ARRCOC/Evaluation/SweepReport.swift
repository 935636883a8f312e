import Foundation

/// The sweep's outputs from its rows: `results.csv`, `summary.md`, `recall-vs-budget.svg`.
/// Pure functions of the rows (in run order) and the config, so an unsharded run and merged
/// shards give the same bytes.
public enum SweepReport {
    public static func csv(_ rows: [SweepRow]) -> String {
        ([SweepRow.header] + rows.map(\.line)).joined(separator: "\n") + "\n"
    }

    /// Mean of `value` over ok rows, per variant label and budget, for one delta.
    static func table(_ rows: [SweepRow], delta: Double, _ value: (Metrics) -> Double) -> (variants: [String], budgets: [Int], cells: [String: [Int: Double]]) {
        var sums: [String: [Int: (Double, Int)]] = [:]
        var variants: [String] = []
        var budgets = Set<Int>()
        for r in rows where r.status.isOK && r.metrics.delta == delta {
            let label = label(r, rows)
            if !variants.contains(label) { variants.append(label) }
            budgets.insert(r.metrics.budget)
            let old = sums[label, default: [:]][r.metrics.budget] ?? (0, 0)
            sums[label, default: [:]][r.metrics.budget] = (old.0 + value(r.metrics), old.1 + 1)
        }
        return (variants, budgets.sorted(), sums.mapValues { $0.mapValues { $0.0 / Double($0.1) } })
    }

    /// A variant's label: strategy, its parameters, and format/mode when the sweep has several.
    static func label(_ r: SweepRow, _ rows: [SweepRow]) -> String {
        let f = r.fields
        let formats = Set(rows.map { $0.fields[3] }), modes = Set(rows.map { $0.fields[4] })
        var l = r.variant
        if formats.count > 1 { l += " \(f[3])" }
        if modes.count > 1 { l += " \(f[4])" }
        return l
    }

    public static func summary(_ rows: [SweepRow], name: String, failures: [String]) -> String {
        var out = "# Sweep `\(name)`\n\n"
        let videos = Set(rows.map(\.video))
        let bad = rows.filter { !$0.status.isOK }
        out += "\(rows.count) runs over \(videos.count) videos; means over videos. \(bad.count) runs could not allocate (budget below the smallest feasible sequence) and are left out of the means.\n"
        let deltas = Array(Set(rows.map(\.metrics.delta))).sorted()
        for delta in deltas {
            for (title, metric) in [("Temporal recall@\(SweepRow.number(delta))s", { (m: Metrics) in m.temporalRecall }),
                                    ("Detail recall (δ = \(SweepRow.number(delta)) s)", { (m: Metrics) in m.detailRecall }),
                                    ("Event hit rate (δ = \(SweepRow.number(delta)) s)", { (m: Metrics) in m.eventHit })] {
                let t = table(rows, delta: delta, metric)
                guard !t.variants.isEmpty else { continue }
                out += "\n## \(title)\n\n| budget | " + t.variants.joined(separator: " | ") + " | best |\n"
                out += "|---:|" + String(repeating: "---:|", count: t.variants.count) + "---|\n"
                for b in t.budgets {
                    let values = t.variants.map { t.cells[$0]?[b] }
                    let best = zip(t.variants, values).compactMap { v, x in x.map { (v, $0) } }.max { $0.1 < $1.1 }
                    let winners = zip(t.variants, values).filter { $0.1 != nil && abs($0.1! - (best?.1 ?? 0)) < 1e-9 }.map(\.0)
                    out += "| \(b) | " + values.map { $0.map { String(format: "%.3f", $0) } ?? "–" }.joined(separator: " | ")
                        + " | \(winners.joined(separator: ", ")) |\n"
                }
            }
        }
        if !failures.isEmpty {
            out += "\n## Failed videos\n\n" + failures.map { "- \($0)" }.joined(separator: "\n") + "\n"
        }
        return out
    }

    /// The plot: one panel per metric and mode, a colour and marker per strategy (see `SweepPlot`).
    public static func svg(_ rows: [SweepRow], name: String) -> String {
        SweepPlot.svg(rows, name: name)
    }

    static func fmt(_ x: Double) -> String { String(format: "%.1f", x) }
    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
