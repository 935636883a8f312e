import Foundation

/// One clip of `--suite analysis`: medians of paired runs, ratios taken per run (each against
/// the reference measured in the same round) and then their median.
struct AnalysisRow: Sendable, Equatable, Codable {
    var kind: String
    var minutes: Int
    var candidates: Int
    var floorSeconds: Double
    var arrcocSeconds: Double
    var peerSeconds: Double?
    /// arrcoc / ffmpeg floor, median over rounds.
    var ratioToFloor: Double
    /// The floor with RGB24 output (`scale=W:H,format=rgb24`, features version 1's conversion) / the floor.
    var rgbFloorRatio: Double
    /// The floor scaled in YUV, then converted to RGB24 unscaled (arrcoc's conversion since version 2) / the floor.
    var twoStepFloorRatio: Double
    /// peer / ffmpeg floor, median over rounds.
    var peerRatioToFloor: Double?
    /// peer / arrcoc (how many times faster arrcoc is), median over rounds.
    var speedupOverPeer: Double?
    /// Peak resident memory in MB (largest over rounds).
    var arrcocPeakMB: Double
    var peerPeakMB: Double?
    var floorPeakMB: Double
    /// CPU time / wall time of arrcoc (1.0 = one core busy).
    var arrcocCores: Double
    var floorCores: Double
    var rounds: Int
    /// When the row was measured (UTC) and the 1-minute load average just before.
    var measured: String
    var load: Double
    /// With `--baseline`: the older binary's median wall time, arrcoc / baseline (median of the
    /// rounds' ratios), the rounds in which arrcoc was faster, and whether both wrote the same bytes.
    var baselineSeconds: Double? = nil
    var ratioToBaseline: Double? = nil
    var baselineWins: Int? = nil
    var baselineSameFeatures: Bool? = nil
    /// What the peer decoded with ("PyAV 11.0.0, libavcodec 59.37.100"); nil in rows written
    /// before it was recorded (the project venv's PyAV wheel then).
    var peerLibraries: String? = nil
}

/// The markdown table and the SVG plot of `--suite analysis`.
struct AnalysisReport: Sendable {
    var rows: [AnalysisRow]
    var cores: Int
    var date: String
    var load: String
    var targets = (floor: 1.15, peer: 1.3)

    func markdown() -> String {
        var lines = [
            "Written \(date) on \(cores) cores (load average then \(load)); each row carries the time it was measured and the",
            "1-minute load average just before. Medians of paired rounds; each ratio is taken within a round (same input, the",
            "tools run back to back in a rotating order) and then its median reported.",
            "",
            "| clip | length | candidates | ffmpeg floor | floor with RGB24 output (v1) / 2-step RGB (v2) | arrcoc analyze | × floor (≤ \(format(targets.floor))) | peer | peer × floor | arrcoc faster than peer (≥ \(format(targets.peer))) | peak RSS arrcoc / peer / ffmpeg | cores used arrcoc / ffmpeg | rounds | measured (load) |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for r in rows {
            let peer = r.peerSeconds.map { String(format: "%.2f s", $0) } ?? "–"
            let peerFloor = r.peerRatioToFloor.map { format($0) + "×" } ?? "–"
            let speedup = r.speedupOverPeer.map { format($0) + "×" + ($0 >= targets.peer ? "" : " (missed)") } ?? "–"
            let rss = String(format: "%.0f / %@ / %.0f MB", r.arrcocPeakMB, r.peerPeakMB.map { String(format: "%.0f", $0) } ?? "–", r.floorPeakMB)
            lines.append("| \(r.kind) | \(r.minutes) min | \(r.candidates) | \(String(format: "%.2f s", r.floorSeconds)) | \(format(r.rgbFloorRatio))× / \(format(r.twoStepFloorRatio))× | "
                + "\(String(format: "%.2f s", r.arrcocSeconds)) | \(format(r.ratioToFloor))×\(r.ratioToFloor <= targets.floor ? "" : " (missed)") | "
                + "\(peer) | \(peerFloor) | \(speedup) | \(rss) | \(String(format: "%.2f / %.2f", r.arrcocCores, r.floorCores)) | \(r.rounds) | \(r.measured) (\(String(format: "%.1f", r.load))) |")
        }
        let peers = Dictionary(grouping: rows.filter { $0.peerSeconds != nil }, by: { $0.peerLibraries ?? "not recorded (PyAV's wheel)" })
        if !peers.isEmpty {
            lines += ["", "The peer decoded with:"]
            for (libraries, measured) in peers.sorted(by: { $0.key < $1.key }) {
                lines.append("- \(libraries): " + measured.map { "\($0.kind) \($0.minutes) min" }.joined(separator: ", "))
            }
        }
        let paired = rows.filter { $0.ratioToBaseline != nil }
        if !paired.isEmpty {
            lines += [
                "",
                "Paired against a baseline binary (`--baseline`: an older `arrcoc analyze` in the same rounds, same rotation):",
                "",
                "| clip | length | arrcoc analyze | baseline | arrcoc / baseline | arrcoc faster in | same features file | measured (load) |",
                "|---|---|---|---|---|---|---|---|",
            ]
            for r in paired {
                let same = r.baselineSameFeatures.map { $0 ? "yes" : "**no**" } ?? "–"
                lines.append("| \(r.kind) | \(r.minutes) min | \(String(format: "%.2f s", r.arrcocSeconds)) | \(String(format: "%.2f s", r.baselineSeconds ?? 0)) | "
                    + "\(String(format: "%.3f", r.ratioToBaseline ?? 0))× | \(r.baselineWins ?? 0) of \(r.rounds) rounds | \(same) | \(r.measured) (\(String(format: "%.1f", r.load))) |")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Time (left) and peak memory (right) against video length for every kind measured at more
    /// than one length: arrcoc, the peer and the ffmpeg floor.
    func svg() -> String {
        let series = Dictionary(grouping: rows, by: \.kind).filter { $0.value.count > 1 }.sorted { $0.key < $1.key }
        let width = 860.0, height = 360.0, panel = 360.0, top = 40.0, plotHeight = 250.0
        var out = [#"<svg xmlns="http://www.w3.org/2000/svg" width="\#(Int(width))" height="\#(Int(height))" font-family="sans-serif" font-size="12">"#,
                   #"<rect width="100%" height="100%" fill="white"/>"#]
        let minutes = Set(series.flatMap { $0.value.map(\.minutes) }).sorted()
        guard let maxMinutes = minutes.last, maxMinutes > 0 else { return (out + ["</svg>"]).joined(separator: "\n") }
        let tools: [(name: String, colour: String, time: (AnalysisRow) -> Double?, memory: (AnalysisRow) -> Double?)] = [
            ("arrcoc analyze", "#1f77b4", { $0.arrcocSeconds }, { $0.arrcocPeakMB }),
            ("Python peer", "#d62728", { $0.peerSeconds }, { $0.peerPeakMB }),
            ("ffmpeg floor", "#7f7f7f", { $0.floorSeconds }, { $0.floorPeakMB }),
        ]
        for (p, title) in [(0, "time (s)"), (1, "peak RSS (MB)")] {
            let left = 60.0 + Double(p) * (panel + 70)
            let values = series.flatMap { $0.value }.flatMap { r in tools.compactMap { p == 0 ? $0.time(r) : $0.memory(r) } }
            let top_ = niceCeiling(values.max() ?? 1)
            func x(_ m: Int) -> Double { left + Double(m) / Double(maxMinutes) * panel }
            func y(_ v: Double) -> Double { top + plotHeight - v / top_ * plotHeight }
            out.append(#"<text x="\#(left)" y="\#(top - 12)" font-weight="bold">\#(title) against video length</text>"#)
            out.append(#"<line x1="\#(left)" y1="\#(top + plotHeight)" x2="\#(left + panel)" y2="\#(top + plotHeight)" stroke="black"/>"#)
            out.append(#"<line x1="\#(left)" y1="\#(top)" x2="\#(left)" y2="\#(top + plotHeight)" stroke="black"/>"#)
            for m in minutes {
                out.append(#"<text x="\#(x(m))" y="\#(top + plotHeight + 16)" text-anchor="middle">\#(m) min</text>"#)
            }
            for k in 0...4 {
                let v = top_ * Double(k) / 4
                out.append(#"<text x="\#(left - 6)" y="\#(y(v) + 4)" text-anchor="end">\#(String(format: "%.0f", v))</text>"#)
            }
            for (kind, rows) in series {
                let sorted = rows.sorted { $0.minutes < $1.minutes }
                for tool in tools {
                    let points = sorted.compactMap { r in (p == 0 ? tool.time(r) : tool.memory(r)).map { (x(r.minutes), y($0)) } }
                    guard points.count > 1 else { continue }
                    let path = points.map { String(format: "%.1f,%.1f", $0.0, $0.1) }.joined(separator: " ")
                    let dash = kind == series.first?.key ? "" : #" stroke-dasharray="5,3""#
                    out.append(#"<polyline points="\#(path)" fill="none" stroke="\#(tool.colour)" stroke-width="2"\#(dash)/>"#)
                    for point in points {
                        out.append(#"<circle cx="\#(String(format: "%.1f", point.0))" cy="\#(String(format: "%.1f", point.1))" r="3" fill="\#(tool.colour)"/>"#)
                    }
                }
            }
        }
        var legendX = 60.0
        for tool in tools {
            out.append(#"<rect x="\#(legendX)" y="\#(height - 30)" width="14" height="4" fill="\#(tool.colour)"/>"#)
            out.append(#"<text x="\#(legendX + 20)" y="\#(height - 24)">\#(tool.name)</text>"#)
            legendX += 150
        }
        let kinds = series.map(\.key)
        if let first = kinds.first {
            let rest = kinds.dropFirst().isEmpty ? "" : "; dashed: " + kinds.dropFirst().joined(separator: ", ")
            out.append(#"<text x="\#(legendX)" y="\#(height - 24)">solid: \#(first)\#(rest)</text>"#)
        }
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }

    private func format(_ x: Double) -> String { String(format: "%.2f", x) }

    /// 1, 2, 5 × 10ⁿ at or above `x`.
    private func niceCeiling(_ x: Double) -> Double {
        guard x > 0 else { return 1 }
        let p = pow(10, floor(log10(x)))
        return [1.0, 2, 5, 10].map { $0 * p }.first { $0 >= x } ?? 10 * p
    }
}
