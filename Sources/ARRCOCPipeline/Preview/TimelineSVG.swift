import ARRCOC
import Foundation

/// `timeline.svg`: relevance over the whole video (every candidate frame), the chosen blocks as
/// bars whose height is their tokens (dense and sparse in their colours), dense windows shaded,
/// the query's thumbnail, and the budget and Qwen3-VL's default in the title.
public enum TimelineSVG {
    static let width = 1200.0
    static let height = 420.0
    static let left = 70.0, right = 150.0, top = 60.0
    /// The relevance band and the token band below it.
    static let relevanceHeight = 150.0, tokensHeight = 130.0, gap = 30.0

    /// - Parameter thumbnail: PNG bytes of the query image (drawn at the right), if any.
    public static func render(manifest: Manifest, thumbnail: Data? = nil) -> String {
        let duration = max(manifest.source.durationSeconds, manifest.blocks.last?.timeSeconds ?? 0, 1e-3)
        let plotW = width - left - right
        func x(_ t: Double) -> Double { left + plotW * min(max(t / duration, 0), 1) }
        let relTop = top, relBottom = top + relevanceHeight
        let tokTop = relBottom + gap, tokBottom = tokTop + tokensHeight
        let maxTokens = Double(max(400, manifest.blocks.map(\.tokens).max() ?? 1))
        let t = manifest.totals
        var s = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(n(width))" height="\(n(height))" viewBox="0 0 \(n(width)) \(n(height))" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">
            <rect width="100%" height="100%" fill="#ffffff"/>
            <text x="\(n(left))" y="24" font-size="17" font-weight="bold">\(escape(manifest.strategy.name)): \(t.blocks) blocks, \(t.sequenceLength) of \(manifest.budget.tokens) tokens (budget); Qwen3-VL default \(t.qwen3vlDefaultTokens) → \(Manifest.Totals.ratioPhrase(t.compressionRatio))</text>
            <text x="\(n(left))" y="44" font-size="12" fill="#555">\(escape(URL(fileURLWithPath: manifest.source.path).lastPathComponent)), \(String(format: "%.1f", manifest.source.durationSeconds)) s, \(manifest.source.width)×\(manifest.source.height); query: \(escape(manifest.query.kind)) \(escape(URL(fileURLWithPath: manifest.query.path).lastPathComponent))</text>

            """
        // Dense windows: runs of dense blocks no further apart than twice the sparse floor's step.
        var windows: [(Double, Double)] = []
        for b in manifest.blocks where b.density == .dense {
            let (a, e) = (b.frameTimes.min() ?? b.timeSeconds, b.frameTimes.max() ?? b.timeSeconds)
            if let last = windows.last, a - last.1 <= 1.0 { windows[windows.count - 1].1 = max(last.1, e) } else { windows.append((a, e)) }
        }
        for (a, e) in windows {
            s += "<rect class=\"dense-window\" x=\"\(n(x(a) - 2))\" y=\"\(n(relTop))\" width=\"\(n(max(4, x(e) - x(a) + 4)))\" height=\"\(n(tokBottom - relTop))\" fill=\"#f28a1a\" fill-opacity=\"0.12\"/>\n"
        }
        // Axes and bands.
        s += "<line x1=\"\(n(left))\" y1=\"\(n(relBottom))\" x2=\"\(n(left + plotW))\" y2=\"\(n(relBottom))\" stroke=\"#888\"/>\n"
        s += "<line x1=\"\(n(left))\" y1=\"\(n(tokBottom))\" x2=\"\(n(left + plotW))\" y2=\"\(n(tokBottom))\" stroke=\"#888\"/>\n"
        s += "<text x=\"\(n(left - 8))\" y=\"\(n(relTop + 10))\" font-size=\"11\" text-anchor=\"end\">1</text>\n"
        s += "<text x=\"\(n(left - 8))\" y=\"\(n(relBottom))\" font-size=\"11\" text-anchor=\"end\">0</text>\n"
        s += "<text x=\"14\" y=\"\(n((relTop + relBottom) / 2))\" font-size=\"12\" transform=\"rotate(-90 14 \(n((relTop + relBottom) / 2)))\" text-anchor=\"middle\">relevance</text>\n"
        s += "<text x=\"\(n(left - 8))\" y=\"\(n(tokTop + 10))\" font-size=\"11\" text-anchor=\"end\">\(Int(maxTokens))</text>\n"
        s += "<text x=\"\(n(left - 8))\" y=\"\(n(tokBottom))\" font-size=\"11\" text-anchor=\"end\">0</text>\n"
        s += "<text x=\"14\" y=\"\(n((tokTop + tokBottom) / 2))\" font-size=\"12\" transform=\"rotate(-90 14 \(n((tokTop + tokBottom) / 2)))\" text-anchor=\"middle\">tokens</text>\n"
        let step = niceStep(duration)
        var tick = 0.0
        while tick <= duration + 1e-9 {
            s += "<line x1=\"\(n(x(tick)))\" y1=\"\(n(tokBottom))\" x2=\"\(n(x(tick)))\" y2=\"\(n(tokBottom + 5))\" stroke=\"#888\"/>"
            s += "<text x=\"\(n(x(tick)))\" y=\"\(n(tokBottom + 18))\" font-size=\"11\" text-anchor=\"middle\">\(n(tick)) s</text>\n"
            tick += step
        }
        // Relevance of every candidate frame.
        if let candidates = manifest.scoring?.candidates, !candidates.isEmpty {
            let points = candidates.map { "\(n(x($0.timeSeconds))),\(n(relBottom - relevanceHeight * min(max($0.relevance, 0), 1)))" }
            s += "<polyline class=\"relevance\" points=\"\(points.joined(separator: " "))\" fill=\"none\" stroke=\"#333\" stroke-width=\"1.5\"/>\n"
        }
        // One bar per block.
        let barWidth = max(2.0, min(8.0, plotW / Double(max(manifest.blocks.count, 1)) * 0.6))
        for b in manifest.blocks {
            let h = tokensHeight * Double(b.tokens) / maxTokens
            let colour = b.density == .dense ? "#f28a1a" : "#4682e6"
            s += "<rect class=\"block\" data-time=\"\(n(b.timeSeconds))\" data-tokens=\"\(b.tokens)\" x=\"\(n(x(b.timeSeconds) - barWidth / 2))\" y=\"\(n(tokBottom - h))\" width=\"\(n(barWidth))\" height=\"\(n(max(h, 1)))\" fill=\"\(colour)\"><title>\(escape(b.timestamp)) \(b.tokens) tokens \(b.grid.h)×\(b.grid.w) \(b.density.rawValue)</title></rect>\n"
        }
        // Legend and the query.
        let lx = left + plotW + 20
        s += "<rect x=\"\(n(lx))\" y=\"\(n(tokTop))\" width=\"12\" height=\"12\" fill=\"#f28a1a\"/><text x=\"\(n(lx + 18))\" y=\"\(n(tokTop + 11))\" font-size=\"12\">dense</text>\n"
        s += "<rect x=\"\(n(lx))\" y=\"\(n(tokTop + 20))\" width=\"12\" height=\"12\" fill=\"#4682e6\"/><text x=\"\(n(lx + 18))\" y=\"\(n(tokTop + 31))\" font-size=\"12\">sparse</text>\n"
        s += "<rect x=\"\(n(lx))\" y=\"\(n(tokTop + 40))\" width=\"12\" height=\"12\" fill=\"#f28a1a\" fill-opacity=\"0.2\"/><text x=\"\(n(lx + 18))\" y=\"\(n(tokTop + 51))\" font-size=\"12\">dense window</text>\n"
        s += "<text x=\"\(n(lx))\" y=\"\(n(relTop + 10))\" font-size=\"12\" font-weight=\"bold\">query</text>\n"
        if let thumbnail {
            s += "<image class=\"query\" x=\"\(n(lx))\" y=\"\(n(relTop + 18))\" width=\"120\" height=\"120\" preserveAspectRatio=\"xMinYMin meet\" href=\"data:image/png;base64,\(thumbnail.base64EncodedString())\"/>\n"
        } else {
            s += "<text x=\"\(n(lx))\" y=\"\(n(relTop + 30))\" font-size=\"11\" fill=\"#555\">(embedding)</text>\n"
        }
        s += "</svg>\n"
        return s
    }

    /// A tick step giving about ten ticks: 1, 2 or 5 times a power of ten.
    static func niceStep(_ span: Double) -> Double {
        let raw = max(span / 10, 1e-3)
        let p = pow(10, floor(log10(raw)))
        for m in [1.0, 2.0, 5.0, 10.0] where m * p >= raw { return m * p }
        return 10 * p
    }

    static func n(_ v: Double) -> String {
        let r = (v * 10).rounded() / 10
        return r == r.rounded() ? String(Int(r)) : String(format: "%.1f", r)
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
