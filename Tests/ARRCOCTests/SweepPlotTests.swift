import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import ARRCOC

/// The sweep plot's structure, read back from the SVG: one panel per metric and mode, one series
/// per strategy with its own colour and marker, arrcoc emphasised and on top, means and ranges at
/// the right heights, a log budget axis and the Qwen3-VL default marked on it.
@Suite struct SweepPlotTests {
    static let budgets = [250, 500, 2000]
    /// Two videos: "a" (default 1500 tokens, on the axis) and "b" (20000, off the axis).
    static let defaults = ["a": 1500, "b": 20000]

    /// Temporal recall of `strategy` on `video` at `budget`: arrcoc 1.0 on "a" and 0.5 on "b"
    /// at every budget; baselines 0.2·(strategy index) on both.
    static func recall(_ strategy: Strategy, _ video: String) -> Double {
        guard strategy == .arrcoc else { return 0.2 * Double(Strategy.allCases.firstIndex(of: strategy) ?? 0) / 2 }
        return video == "a" ? 1 : 0.5
    }

    static var rows: [SweepRow] {
        var lines: [String] = []
        for video in ["a", "b"] {
            for strategy in Strategy.allCases {
                for mode in ["resize", "select"] {
                    for budget in budgets {
                        let r = SweepRow.number(recall(strategy, video)), d = defaults[video] ?? 0
                        lines.append("\(video),\(strategy.rawValue),,qwen3vl,\(mode),\(budget),1,ok,\(budget),3,\(r),0.5,0.5,\(r),\(r),0.2,\(d),1")
                    }
                }
            }
        }
        return lines.compactMap(SweepRow.init(line:))
    }

    static func document() throws -> XMLDocument {
        try XMLDocument(xmlString: SweepReport.svg(rows, name: "test"))
    }

    static func nodes(_ node: XMLNode, _ xpath: String) throws -> [XMLElement] {
        try node.nodes(forXPath: xpath).compactMap { $0 as? XMLElement }
    }

    /// An attribute's value (FoundationXML on Linux: `attribute(forName:)` misses hyphenated names).
    static func attribute(_ e: XMLElement, _ name: String) -> String? {
        e.attributes?.first { $0.name == name }?.stringValue
    }

    static func number(_ e: XMLElement, _ name: String) -> Double {
        Double(attribute(e, name) ?? "") ?? .nan
    }

    static func points(_ e: XMLElement) -> [(x: Double, y: Double)] {
        (Self.attribute(e, "points") ?? "").split(separator: " ").map { p in
            let xy = p.split(separator: ",").compactMap { Double($0) }
            return (xy[0], xy[1])
        }
    }

    /// A marker's shape independent of where it is: the element, and a path's points relative to its centre.
    static func shape(_ e: XMLElement, centre: (x: Double, y: Double)) -> String {
        guard let d = Self.attribute(e, "d") else { return e.name ?? "" }
        let numbers = d.split(whereSeparator: { !"0123456789.-".contains($0) }).compactMap { Double($0) }
        let relative = numbers.enumerated().map { i, v in String(format: "%.1f", v - (i % 2 == 0 ? centre.x : centre.y)) }
        return "path " + relative.joined(separator: " ")
    }

    @Test func onePanelPerMetricAndMode() throws {
        let panels = try Self.nodes(try Self.document(), "//*[@class='panel']")
        let keys = panels.map { "\(Self.attribute($0, "data-metric") ?? "") \(Self.attribute($0, "data-mode") ?? "")" }
        #expect(keys == ["temporal_recall resize", "event_hit resize", "detail_recall resize",
                         "temporal_recall select", "event_hit select", "detail_recall select"])
    }

    @Test func oneSeriesPerStrategyDistinctColoursArrcocEmphasisedOnTop() throws {
        for panel in try Self.nodes(try Self.document(), "//*[@class='panel']") {
            let series = try Self.nodes(panel, "*[@class='series']")
            let names = series.map { Self.attribute($0, "data-strategy") ?? "" }
            #expect(Set(names) == Set(Strategy.names) && names.count == Strategy.allCases.count)
            #expect(names.last == "arrcoc")  // drawn last: on top
            let colours = series.map { Self.attribute($0, "stroke") ?? "" }
            #expect(Set(colours).count == Strategy.allCases.count)
            let widths = Dictionary(uniqueKeysWithValues: zip(names, series.map { Self.number($0, "stroke-width") }))
            #expect(widths["arrcoc"] == 3.5 && widths.filter { $0.key != "arrcoc" }.values.allSatisfy { $0 == 1.5 })
            // A marker per budget; each strategy's marker shape its own; arrcoc's filled, the others hollow.
            var shapes: [String] = []
            for s in series {
                let markers = (s.children ?? []).compactMap { $0 as? XMLElement }.filter { Self.attribute($0, "class") == nil }
                #expect(markers.count == Self.budgets.count)
                let mean = try #require(try Self.nodes(s, "*[@class='mean']").first)
                let marker = try #require(markers.first), centre = try #require(Self.points(mean).first)
                shapes.append(Self.shape(marker, centre: centre))
                let filled = Self.attribute(marker, "fill") == Self.attribute(s, "stroke")
                #expect(filled == (Self.attribute(s, "data-strategy") == "arrcoc"))
            }
            #expect(Set(shapes).count == Strategy.allCases.count, "\(shapes)")
        }
        let legend = try Self.nodes(try Self.document(), "//*[@class='legend-entry']").map { Self.attribute($0, "data-strategy") ?? "" }
        #expect(legend == Strategy.names + ["qwen3vl-default"])
    }

    @Test func meansAndRangesAtTheirHeightsOnALogBudgetAxis() throws {
        let panel = try #require(try Self.nodes(try Self.document(), "//*[@class='panel'][@data-metric='temporal_recall'][@data-mode='resize']").first)
        let frame = try #require(try Self.nodes(panel, "*[local-name()='rect'][@fill='none']").first)
        let top = Self.number(frame, "y"), height = Self.number(frame, "height"), left = Self.number(frame, "x")
        func value(_ y: Double) -> Double { (top + height - y) / height }
        let arrcoc = try #require(try Self.nodes(panel, "*[@data-strategy='arrcoc']/*[@class='mean']").first)
        let p = Self.points(arrcoc)
        #expect(p.count == 3)
        for q in p { #expect(abs(value(q.y) - 0.75) < 0.002) }  // mean of 1.0 and 0.5
        // Log axis: 250 → 500 is half as far as 500 → 2000 (arrcoc sits on the budget).
        #expect(abs((p[1].x - p[0].x) / (p[2].x - p[1].x) - 0.5) < 0.01)
        let range = try #require(try Self.nodes(panel, "*[@data-strategy='arrcoc']/*[@class='range']").first)
        #expect(abs(value(Self.number(range, "y1")) - 0.5) < 0.002 && abs(value(Self.number(range, "y2")) - 1) < 0.002)
        #expect(try Self.nodes(panel, "*[@data-strategy='arrcoc']/*[@class='band']").count == 1)
        let topk = try #require(try Self.nodes(panel, "*[@data-strategy='topk']/*[@class='mean']").first)
        for q in Self.points(topk) { #expect(abs(value(q.y) - 0.3) < 0.002) }
        #expect(try Self.nodes(panel, "*[@data-strategy='topk']/*[@class='range']").isEmpty)  // equal on both videos

        // The default of "a" on the axis where 1500 falls; that of "b" off the axis, at its right end.
        let onAxis = try #require(try Self.nodes(panel, "*[@class='qwen-default'][@data-tokens='1500']").first)
        let x = Self.number(onAxis, "x1")
        #expect(abs((x - p[0].x) / (p[2].x - p[0].x) - log(1500.0 / 250) / log(2000.0 / 250)) < 0.01)
        #expect(Self.attribute(onAxis, "stroke-dasharray") != nil)
        let offAxis = try #require(try Self.nodes(panel, "*[@class='qwen-default-off-scale'][@data-tokens='20000']").first)
        let tip = (Self.attribute(offAxis, "d") ?? "").dropFirst().split(separator: ",").first.flatMap { Double($0) } ?? 0
        #expect(tip > left + Self.number(frame, "width"))
    }

    @Test func sameRowsSameBytes() {
        let rows = Self.rows
        #expect(SweepReport.svg(rows, name: "test") == SweepReport.svg(rows.compactMap { SweepRow(line: $0.line) }, name: "test"))
    }
}
