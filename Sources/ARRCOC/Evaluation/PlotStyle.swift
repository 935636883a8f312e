/// How a strategy looks in the sweep plot: a colour from the Okabe–Ito palette (safe for the
/// common colour-vision deficiencies; Okabe & Ito, "Color Universal Design", 2002) and a marker
/// of its own, so that two strategies differ in two ways. arrcoc is drawn thicker, with filled
/// markers, on top of the baselines; baselines have hollow markers so that coinciding points
/// stay visible.
struct PlotStyle: Sendable, Equatable {
    enum Marker: String, Sendable {
        case circle, square, triangleUp, diamond, triangleDown, cross, plus
    }

    var colour: String
    var marker: Marker
    var lineWidth: Double
    /// Filled markers (arrcoc) or hollow ones (baselines).
    var filled: Bool

    /// The style of `strategy`; a grey plus for a name this build does not know (rows read from
    /// another version's results).
    init(_ strategy: Strategy?) {
        guard let strategy else {
            self.init(colour: "#999999", marker: .plus, lineWidth: 1.5, filled: false)
            return
        }
        switch strategy {
        case .arrcoc: self.init(colour: "#D55E00", marker: .circle, lineWidth: 3.5, filled: true)  // vermillion
        case .uniform: self.init(colour: "#000000", marker: .square, lineWidth: 1.5, filled: false)  // black
        case .random: self.init(colour: "#56B4E9", marker: .triangleUp, lineWidth: 1.5, filled: false)  // sky blue
        case .topk: self.init(colour: "#009E73", marker: .diamond, lineWidth: 1.5, filled: false)  // bluish green
        case .bolt: self.init(colour: "#0072B2", marker: .triangleDown, lineWidth: 1.5, filled: false)  // blue
        case .aks: self.init(colour: "#CC79A7", marker: .cross, lineWidth: 1.5, filled: false)  // reddish purple
        }
    }

    init(colour: String, marker: Marker, lineWidth: Double, filled: Bool) {
        self.colour = colour
        self.marker = marker
        self.lineWidth = lineWidth
        self.filled = filled
    }

    /// The marker centred on (x, y) as one SVG element; `attributes` are added to it.
    func markerSVG(x: Double, y: Double, attributes: String = "") -> String {
        let r = filled ? 5.0 : 4.5
        let fill = filled ? colour : "white"
        let paint = "fill=\"\(fill)\" stroke=\"\(colour)\" stroke-width=\"1.6\"\(attributes)"
        func path(_ points: [(Double, Double)]) -> String {
            "<path d=\"M" + points.map { "\(SweepReport.fmt(x + $0.0)),\(SweepReport.fmt(y + $0.1))" }.joined(separator: " L") + " Z\" \(paint)/>"
        }
        switch marker {
        case .circle:
            return "<circle cx=\"\(SweepReport.fmt(x))\" cy=\"\(SweepReport.fmt(y))\" r=\"\(SweepReport.fmt(r))\" \(paint)/>"
        case .square:
            return "<rect x=\"\(SweepReport.fmt(x - r + 0.5))\" y=\"\(SweepReport.fmt(y - r + 0.5))\" width=\"\(SweepReport.fmt(2 * r - 1))\" height=\"\(SweepReport.fmt(2 * r - 1))\" \(paint)/>"
        case .triangleUp:
            return path([(0, -r - 0.5), (r, r - 1), (-r, r - 1)])
        case .triangleDown:
            return path([(0, r + 0.5), (r, 1 - r), (-r, 1 - r)])
        case .diamond:
            return path([(0, -r - 1), (r, 0), (0, r + 1), (-r, 0)])
        case .cross, .plus:
            let d = marker == .cross ? r * 0.8 : r
            let segments = marker == .cross ? [(-d, -d, d, d), (-d, d, d, -d)] : [(-d, 0, d, 0), (0, -d, 0, d)]
            let p = segments.map { "M\(SweepReport.fmt(x + $0.0)),\(SweepReport.fmt(y + $0.1)) L\(SweepReport.fmt(x + $0.2)),\(SweepReport.fmt(y + $0.3))" }
            return "<path d=\"\(p.joined(separator: " "))\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2.2\"\(attributes)/>"
        }
    }
}
