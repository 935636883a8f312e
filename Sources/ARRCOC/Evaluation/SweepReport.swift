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
        for r in rows where r.status == "ok" && r.metrics.delta == delta {
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
        let bad = rows.filter { $0.status != "ok" }
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

    /// Two panels — temporal recall and detail recall against tokens (log axis) — one curve per
    /// variant, for the first delta.
    public static func svg(_ rows: [SweepRow], name: String) -> String {
        let delta = rows.map(\.metrics.delta).min() ?? 1
        let panels: [(String, (Metrics) -> Double)] = [("temporal recall@\(SweepRow.number(delta))s", { $0.temporalRecall }),
                                                       ("detail recall", { $0.detailRecall })]
        let colours = ["#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]
        let legendRows = (Set(rows.map { label($0, rows) }).count + 2) / 3
        let width = 1000.0, pw = 400.0, ph = 320.0, top = 60.0
        let height = top + ph + 60 + Double(legendRows) * 18 + 10
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"sans-serif\" font-size=\"12\">\n"
        s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        s += "<text x=\"\(Int(width / 2))\" y=\"24\" text-anchor=\"middle\" font-size=\"16\">Sweep \(escape(name)): recall against tokens</text>\n"
        let first = table(rows, delta: delta, { $0.temporalRecall })
        let budgets = first.budgets
        guard let lo = budgets.first, let hi = budgets.last else { return s + "</svg>\n" }
        let lx = log(Double(lo)), hx = log(Double(max(hi, lo + 1)))
        for (p, panel) in panels.enumerated() {
            let x0 = 70.0 + Double(p) * (pw + 90), y0 = top
            let t = table(rows, delta: delta, panel.1)
            func px(_ b: Int) -> Double { x0 + (hx == lx ? pw / 2 : (log(Double(b)) - lx) / (hx - lx) * pw) }
            func py(_ v: Double) -> Double { y0 + ph - v * ph }
            s += "<rect x=\"\(fmt(x0))\" y=\"\(fmt(y0))\" width=\"\(fmt(pw))\" height=\"\(fmt(ph))\" fill=\"none\" stroke=\"#333\"/>\n"
            s += "<text x=\"\(fmt(x0 + pw / 2))\" y=\"\(fmt(y0 - 10))\" text-anchor=\"middle\" font-size=\"14\">\(escape(panel.0))</text>\n"
            for k in 0...5 {
                let v = Double(k) / 5
                s += "<line x1=\"\(fmt(x0))\" x2=\"\(fmt(x0 + pw))\" y1=\"\(fmt(py(v)))\" y2=\"\(fmt(py(v)))\" stroke=\"#eee\"/>"
                s += "<text x=\"\(fmt(x0 - 6))\" y=\"\(fmt(py(v) + 4))\" text-anchor=\"end\">\(String(format: "%.1f", v))</text>\n"
            }
            for b in budgets {
                s += "<line x1=\"\(fmt(px(b)))\" x2=\"\(fmt(px(b)))\" y1=\"\(fmt(y0 + ph))\" y2=\"\(fmt(y0 + ph + 5))\" stroke=\"#333\"/>"
                s += "<text x=\"\(fmt(px(b)))\" y=\"\(fmt(y0 + ph + 18))\" text-anchor=\"middle\">\(b)</text>\n"
            }
            s += "<text x=\"\(fmt(x0 + pw / 2))\" y=\"\(fmt(y0 + ph + 36))\" text-anchor=\"middle\">tokens (budget, log scale)</text>\n"
            for (i, v) in t.variants.enumerated() {
                let colour = colours[i % colours.count]
                let points = budgets.compactMap { b in t.cells[v]?[b].map { "\(fmt(px(b))),\(fmt(py($0)))" } }
                s += "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\" points=\"\(points.joined(separator: " "))\"/>\n"
                for pnt in points { s += "<circle cx=\"\(pnt.split(separator: ",")[0])\" cy=\"\(pnt.split(separator: ",")[1])\" r=\"3\" fill=\"\(colour)\"/>" }
                s += "\n"
                if p == 0 {
                    let lx = 70 + Double(i % 3) * 300, ly = top + ph + 62 + Double(i / 3) * 18
                    s += "<line x1=\"\(fmt(lx))\" x2=\"\(fmt(lx + 18))\" y1=\"\(fmt(ly - 4))\" y2=\"\(fmt(ly - 4))\" stroke=\"\(colour)\" stroke-width=\"3\"/>"
                    s += "<text x=\"\(fmt(lx + 24))\" y=\"\(fmt(ly))\">\(escape(v))</text>\n"
                }
            }
        }
        return s + "</svg>\n"
    }

    static func fmt(_ x: Double) -> String { String(format: "%.1f", x) }
    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
