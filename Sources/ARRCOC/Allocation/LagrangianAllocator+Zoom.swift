import Foundation

extension LagrangianAllocator {
    /// Zoom options of a dense unit showing `frames`, whose relevance term is `vp` (v^p) and
    /// whose detail worth is `g(n)` for n tokens.
    ///
    /// Utilities follow the whole-frame option `(½·coverage + v^p) · g(n)`, split into its two
    /// parts: context `½·coverage · area(R) · g(n)` (the share of the frame kept) and detail
    /// `v^p · g(n_eff)`, where n_eff counts the tokens landing on the relevant cells in
    /// whole-frame units, `n · Σ_c w(c)·[c ⊂ R] / area(R)` (= n for the whole frame). So a zoom
    /// pays only where the relevance is peaked inside the frame, and never for a flat map.
    /// - `replace`: the zoom alone, cost m + overhead.
    /// - `follow`: the whole frame at n and the zoom at m, same timestamp, cost n + m + 2·overhead,
    ///   detail `v^p · g(n + m·gain)`, context of the whole frame.
    static func zoomOptions(_ input: AllocationInput, frames: [Int], relevance vp: Double, g: (Int) -> Double) -> [Option] {
        let config = input.config
        guard config.zoom != .off, let map = input.cellMap else { return [] }
        let views = ZoomPlanner.views(map.maximum(over: Array(Set(frames)).sorted()), rows: map.rows, cols: map.cols,
                                      sourceWidth: map.sourceWidth, sourceHeight: map.sourceHeight, config: config)
        guard !views.isEmpty else { return [] }
        let overhead = TimestampCost.overhead(seconds: input.time(of: frames), format: input.format)
        let context = 0.5 * config.coverageWeight
        var out: [Option] = []
        for z in views {
            let m = z.grid.product
            let effective = Int((Double(m) * z.gain).rounded())
            if config.zoom == .replace || config.zoom == .both {
                out.append(Option(density: .dense, frames: frames, grid: nil, zoom: z, cost: m + overhead,
                                  utility: context * z.region.area * g(m) + vp * g(effective)))
            }
            if config.zoom == .follow || config.zoom == .both {
                for grid in input.levels {
                    let n = grid.product
                    out.append(Option(density: .dense, frames: frames, grid: grid, zoom: z, cost: n + m + 2 * overhead,
                                      utility: context * g(n) + vp * g(n + effective)))
                }
            }
        }
        return out
    }
}
