import Foundation

/// `recall-vs-budget.svg`: one panel per metric and spending mode (and format, when the sweep
/// has several), recall against tokens on a log axis. One series per strategy variant: the mean
/// over videos as a line, the min–max over videos as a bar at each budget (a shaded band for
/// arrcoc), a colour and a marker per strategy (`PlotStyle`), arrcoc on top. Markers of one
/// budget are spread sideways a few pixels so that equal values stay visible side by side. Each
/// video's Qwen3-VL default token count (qwen-vl-utils' sampling, uncompressed) is marked on
/// the budget axis. A pure function of the rows: same rows, same bytes.
enum SweepPlot {
    /// A metric plotted in one column of panels.
    struct Metric {
        var title: String
        var key: String
        var delta: Double
        var value: @Sendable (Metrics) -> Double
    }

    /// One row of panels: a format and spending mode.
    struct Setting: Equatable {
        var format: String
        var mode: String
    }

    /// One line: a strategy variant (strategy and parameters).
    struct Series {
        var variant: String
        var strategy: Strategy?
        var style: PlotStyle
        var dash: String?
    }

    /// A default further than this factor from the nearest budget is marked at the axis end.
    static let reach = 2.5
    static let panelWidth = 400.0, panelHeight = 250.0, left = 80.0, gapX = 70.0, gapY = 95.0, right = 30.0

    /// Columns: temporal recall at every δ, event hit at the smallest δ, detail recall (which
    /// does not depend on δ).
    static func metrics(deltas: [Double]) -> [Metric] {
        let first = deltas.first ?? 1
        return deltas.map { d in Metric(title: "temporal recall @ δ = \(SweepRow.number(d)) s", key: "temporal_recall", delta: d, value: { $0.temporalRecall }) }
            + [Metric(title: "event hit rate @ δ = \(SweepRow.number(first)) s", key: "event_hit", delta: first, value: { $0.eventHit }),
               Metric(title: "detail recall", key: "detail_recall", delta: first, value: { $0.detailRecall })]
    }

    /// Variants in strategy order (arrcoc first), then in order of appearance; several variants
    /// of one strategy share its colour and marker and differ in dash pattern.
    static func series(_ rows: [SweepRow]) -> [Series] {
        var variants: [(variant: String, strategy: String)] = []
        for r in rows where !variants.contains(where: { $0.variant == r.variant }) { variants.append((r.variant, r.strategy)) }
        func rank(_ name: String) -> Int { Strategy.allCases.firstIndex { $0.rawValue == name } ?? Strategy.allCases.count }
        let ordered = variants.enumerated().sorted { (rank($0.element.strategy), $0.offset) < (rank($1.element.strategy), $1.offset) }.map(\.element)
        let dashes: [String?] = [nil, "7,4", "2,3", "9,3,2,3"]
        var seen: [String: Int] = [:]
        return ordered.map { v in
            let k = seen[v.strategy, default: 0]
            seen[v.strategy] = k + 1
            let strategy = Strategy(rawValue: v.strategy)
            return Series(variant: v.variant, strategy: strategy, style: PlotStyle(strategy), dash: dashes[k % dashes.count])
        }
    }

    static func svg(_ rows: [SweepRow], name: String) -> String {
        let fmt = SweepReport.fmt, esc = SweepReport.escape
        let ok = rows.filter { $0.status.isOK }
        let deltas = Array(Set(rows.map(\.metrics.delta))).sorted()
        let metrics = metrics(deltas: deltas)
        var settings: [Setting] = []
        for r in rows {
            let s = Setting(format: r.fields[3], mode: r.fields[4])
            if !settings.contains(s) { settings.append(s) }
        }
        let severalFormats = Set(settings.map(\.format)).count > 1
        let series = series(rows)
        var videos: [String] = []
        var defaults: [String: Int] = [:]
        for r in rows where defaults[r.video] == nil {
            videos.append(r.video)
            defaults[r.video] = r.metrics.qwen3vlDefaultTokens
        }
        let budgets = Array(Set(rows.map(\.metrics.budget))).sorted()

        let columns = max(1, metrics.count)
        let width = left + Double(columns) * panelWidth + Double(columns - 1) * gapX + right
        // Legend entries flow left to right, wrapping before the right edge (text ≈ 7 px a character).
        let defaultLabel = "Qwen3-VL default tokens (one per video)"
        let legendTop = 96.0
        var legendAt: [(x: Double, y: Double)] = []
        var cursor = (x: left, y: legendTop)
        for label in series.map(\.variant) + [defaultLabel] {
            let w = max(150, 62 + 7 * Double(label.count))
            if cursor.x > left, cursor.x + w - 20 > width - right { cursor = (left, cursor.y + 22) }
            legendAt.append(cursor)
            cursor.x += w
        }
        let panelsTop = (legendAt.last?.y ?? legendTop) + 22 + 36
        let height = panelsTop + Double(max(1, settings.count)) * (panelHeight + gapY) - gapY + 70
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"sans-serif\" font-size=\"12\">\n"
        s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        s += "<text x=\"\(fmt(left))\" y=\"28\" font-size=\"18\" font-weight=\"bold\">Sweep \(esc(name)): recall against tokens</text>\n"
        let videoText = videos.count == 1 ? "1 video" : "\(videos.count) videos"
        let spread = videos.count > 1 ? "; bars: min–max over videos (shaded band for arrcoc)" : ""
        s += "<text x=\"\(fmt(left))\" y=\"50\" fill=\"#444\">\(videoText); lines: mean over videos\(spread); markers of one budget spread sideways so equal values stay visible.</text>\n"

        s += "<text x=\"\(fmt(left))\" y=\"68\" fill=\"#444\">\(esc(defaultsText(videos: videos, defaults: defaults, budgets: budgets)))</text>\n"

        // Legend: strategies, then the default marker.
        s += "<g class=\"legend\">\n"
        for (i, sr) in series.enumerated() {
            let (x, y) = legendAt[i]
            s += "<g class=\"legend-entry\" data-strategy=\"\(esc(sr.strategy?.rawValue ?? sr.variant))\" data-variant=\"\(esc(sr.variant))\">"
            s += "<line x1=\"\(fmt(x))\" x2=\"\(fmt(x + 34))\" y1=\"\(fmt(y - 4))\" y2=\"\(fmt(y - 4))\" stroke=\"\(sr.style.colour)\" stroke-width=\"\(fmt(sr.style.lineWidth))\"\(dashAttribute(sr.dash))/>"
            s += sr.style.markerSVG(x: x + 17, y: y - 4)
            let weight = sr.strategy == .arrcoc ? " font-weight=\"bold\"" : ""
            s += "<text x=\"\(fmt(x + 42))\" y=\"\(fmt(y))\"\(weight)>\(esc(sr.variant))</text></g>\n"
        }
        let (dx, dy) = legendAt[series.count]
        s += "<g class=\"legend-entry\" data-strategy=\"qwen3vl-default\"><line x1=\"\(fmt(dx + 17))\" x2=\"\(fmt(dx + 17))\" y1=\"\(fmt(dy - 14))\" y2=\"\(fmt(dy + 4))\" stroke=\"#555\" stroke-dasharray=\"4,3\"/>"
        s += defaultMarker(x: dx + 17, y: dy + 4)
        s += "<text x=\"\(fmt(dx + 42))\" y=\"\(fmt(dy))\">\(defaultLabel)</text></g>\n</g>\n"

        // The axis spans the budgets and the defaults near them; a default far outside (more than
        // `reach` times the nearest budget) is marked at the axis end instead of squeezing the data.
        guard let minBudget = budgets.first, let maxBudget = budgets.last, minBudget > 0 else { return s + "</svg>\n" }
        let onAxis = defaults.values.filter { Double($0) <= reach * Double(maxBudget) && Double($0) * reach >= Double(minBudget) }
        let lo = log(Double(min(minBudget, onAxis.min() ?? minBudget))), hi = log(Double(max(maxBudget, onAxis.max() ?? maxBudget)))
        // Sideways spread: a fraction of the narrowest gap between budgets, at most 7 px apart.
        let inner = panelWidth - 2 * 34
        let gaps = zip(budgets, budgets.dropFirst()).map { (log(Double($1)) - log(Double($0))) / max(hi - lo, 1e-9) * inner }
        let step = min(7, max(2.5, 0.8 * (gaps.min() ?? 80) / Double(max(1, series.count))))
        let margin = step * Double(series.count) / 2 + 12
        func unitX(_ t: Int) -> Double {
            hi > lo ? margin + (min(max(log(Double(t)), lo), hi) - lo) / (hi - lo) * (panelWidth - 2 * margin) : panelWidth / 2
        }
        // arrcoc on the budget, the baselines alternately left and right of it.
        let offsets: [Double] = series.indices.map { i in
            let k = Double((i + 1) / 2)
            return (i % 2 == 1 ? -k : k) * step
        }

        // Values per (setting, variant, delta, budget): one per video, in row order.
        var values: [String: [Metrics]] = [:]
        for r in ok { values["\(r.fields[3])|\(r.fields[4])|\(r.variant)|\(SweepRow.number(r.metrics.delta))|\(r.metrics.budget)", default: []].append(r.metrics) }

        for (row, setting) in settings.enumerated() {
            for (column, metric) in metrics.enumerated() {
                let x0 = left + Double(column) * (panelWidth + gapX), y0 = panelsTop + Double(row) * (panelHeight + gapY)
                func px(_ t: Int) -> Double { x0 + unitX(t) }
                func py(_ v: Double) -> Double { y0 + panelHeight - min(max(v, 0), 1) * panelHeight }
                let mode = severalFormats ? "\(setting.format) \(setting.mode)" : setting.mode
                s += "<g class=\"panel\" data-metric=\"\(metric.key)\" data-delta=\"\(SweepRow.number(metric.delta))\" data-format=\"\(esc(setting.format))\" data-mode=\"\(esc(setting.mode))\">\n"
                s += "<text x=\"\(fmt(x0))\" y=\"\(fmt(y0 - 14))\" font-size=\"14\" font-weight=\"bold\">\(esc(metric.title)) · \(esc(mode))</text>\n"
                for k in 0...5 {
                    let v = Double(k) / 5
                    s += "<line x1=\"\(fmt(x0))\" x2=\"\(fmt(x0 + panelWidth))\" y1=\"\(fmt(py(v)))\" y2=\"\(fmt(py(v)))\" stroke=\"#e4e4e4\"/>"
                    s += "<text x=\"\(fmt(x0 - 6))\" y=\"\(fmt(py(v) + 4))\" text-anchor=\"end\">\(String(format: "%.1f", v))</text>\n"
                }
                for b in budgets {
                    s += "<line x1=\"\(fmt(px(b)))\" x2=\"\(fmt(px(b)))\" y1=\"\(fmt(y0))\" y2=\"\(fmt(y0 + panelHeight))\" stroke=\"#f0f0f0\"/>"
                    s += "<line x1=\"\(fmt(px(b)))\" x2=\"\(fmt(px(b)))\" y1=\"\(fmt(y0 + panelHeight))\" y2=\"\(fmt(y0 + panelHeight + 5))\" stroke=\"#333\"/>"
                    s += "<text x=\"\(fmt(px(b)))\" y=\"\(fmt(y0 + panelHeight + 18))\" text-anchor=\"middle\">\(b)</text>\n"
                }
                // The Qwen3-VL default of each video (equal ones drawn once); off-scale ones at the axis end.
                var drawn: [Double] = []
                var offScale: [(tokens: Int, above: Bool)] = []
                for t in Array(Set(defaults.values)).sorted() where t > 0 {
                    let names = videos.filter { defaults[$0] == t }.joined(separator: ", ")
                    let title = "<title>Qwen3-VL default for \(esc(names)): \(t) tokens</title>"
                    guard onAxis.contains(t) else {
                        offScale.append((t, Double(t) > Double(maxBudget)))
                        s += "<g class=\"qwen-default\" data-tokens=\"\(t)\" data-off-scale=\"true\">\(title)</g>"
                        continue
                    }
                    let x = px(t)
                    s += "<line class=\"qwen-default\" data-tokens=\"\(t)\" x1=\"\(fmt(x))\" x2=\"\(fmt(x))\" y1=\"\(fmt(y0))\" y2=\"\(fmt(y0 + panelHeight))\" stroke=\"#555\" stroke-dasharray=\"4,3\">\(title)</line>"
                    s += defaultMarker(x: x, y: y0 + panelHeight)
                    if drawn.allSatisfy({ abs($0 - x) > 34 }) {
                        s += "<text x=\"\(fmt(x))\" y=\"\(fmt(y0 + panelHeight + 32))\" text-anchor=\"middle\" fill=\"#555\" font-style=\"italic\">\(t)</text>"
                        drawn.append(x)
                    }
                    s += "\n"
                }
                for (t, above) in offScale {
                    let x = above ? x0 + panelWidth : x0, d = above ? 1.0 : -1.0
                    s += "<path class=\"qwen-default-off-scale\" data-tokens=\"\(t)\" d=\"M\(fmt(x + 9 * d)),\(fmt(y0 + panelHeight)) L\(fmt(x + d)),\(fmt(y0 + panelHeight - 5)) L\(fmt(x + d)),\(fmt(y0 + panelHeight + 5)) Z\" fill=\"#555\"><title>Qwen3-VL default: \(t) tokens, off the axis</title></path>\n"
                }
                s += "<text x=\"\(fmt(x0 + panelWidth / 2))\" y=\"\(fmt(y0 + panelHeight + 50))\" text-anchor=\"middle\">tokens (budget, log scale); dashed: Qwen3-VL default</text>\n"
                s += "<rect x=\"\(fmt(x0))\" y=\"\(fmt(y0))\" width=\"\(fmt(panelWidth))\" height=\"\(fmt(panelHeight))\" fill=\"none\" stroke=\"#333\"/>\n"

                // Baselines first, arrcoc last (on top).
                let order = series.indices.filter { series[$0].strategy != .arrcoc } + series.indices.filter { series[$0].strategy == .arrcoc }
                for i in order {
                    let sr = series[i]
                    let offset = offsets[i]
                    var points: [(x: Double, mean: Double, lo: Double, hi: Double)] = []
                    for b in budgets {
                        let vs = (values["\(setting.format)|\(setting.mode)|\(sr.variant)|\(SweepRow.number(metric.delta))|\(b)"] ?? []).map(metric.value)
                        guard !vs.isEmpty, let mn = vs.min(), let mx = vs.max() else { continue }
                        points.append((px(b) + offset, vs.reduce(0, +) / Double(vs.count), mn, mx))
                    }
                    s += "<g class=\"series\" data-strategy=\"\(esc(sr.strategy?.rawValue ?? sr.variant))\" data-variant=\"\(esc(sr.variant))\" stroke=\"\(sr.style.colour)\" stroke-width=\"\(fmt(sr.style.lineWidth))\">\n"
                    if sr.strategy == .arrcoc, points.count > 1, points.contains(where: { $0.hi > $0.lo }) {
                        let band = points.map { "\(fmt($0.x)),\(fmt(py($0.hi)))" } + points.reversed().map { "\(fmt($0.x)),\(fmt(py($0.lo)))" }
                        s += "<polygon class=\"band\" points=\"\(band.joined(separator: " "))\" fill=\"\(sr.style.colour)\" fill-opacity=\"0.13\" stroke=\"none\"/>\n"
                    }
                    for p in points where p.hi > p.lo {
                        s += "<line class=\"range\" x1=\"\(fmt(p.x))\" x2=\"\(fmt(p.x))\" y1=\"\(fmt(py(p.lo)))\" y2=\"\(fmt(py(p.hi)))\" stroke-width=\"1.2\" stroke-opacity=\"0.7\"/>"
                    }
                    let line = points.map { "\(fmt($0.x)),\(fmt(py($0.mean)))" }.joined(separator: " ")
                    s += "<polyline class=\"mean\" fill=\"none\" points=\"\(line)\"\(dashAttribute(sr.dash))/>\n"
                    for p in points { s += sr.style.markerSVG(x: p.x, y: py(p.mean)) }
                    s += "\n</g>\n"
                }
                s += "</g>\n"
            }
        }
        return s + "</svg>\n"
    }

    /// The header line naming each video's Qwen3-VL default and whether it is off the axis.
    static func defaultsText(videos: [String], defaults: [String: Int], budgets: [Int]) -> String {
        let values = Array(Set(defaults.values)).sorted()
        guard let maxBudget = budgets.last, let minBudget = budgets.first, let lowest = values.first, let highest = values.last else { return "" }
        let lead = "Qwen3-VL default tokens (qwen-vl-utils sampling, uncompressed; dashed ▲ on the budget axis): "
        if values.count > 4 { return lead + "\(lowest)–\(highest) over \(videos.count) videos" }
        let parts = values.map { t -> String in
            let names = videos.filter { defaults[$0] == t }
            let who = names.count <= 3 ? names.joined(separator: ", ") : "\(names.count) videos"
            let far = Double(t) > reach * Double(maxBudget) ? ", off the axis →" : (Double(t) * reach < Double(minBudget) ? ", off the axis ←" : "")
            return "\(t) (\(who)\(far))"
        }
        return lead + parts.joined(separator: "; ")
    }

    static func dashAttribute(_ dash: String?) -> String {
        dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
    }

    /// A small grey triangle pointing up at the budget axis.
    static func defaultMarker(x: Double, y: Double) -> String {
        let f = SweepReport.fmt
        return "<path d=\"M\(f(x)),\(f(y - 1)) L\(f(x + 5)),\(f(y + 7)) L\(f(x - 5)),\(f(y + 7)) Z\" fill=\"#555\"/>"
    }
}
