import Foundation

/// The arrcoc allocator: Lagrangian relaxation with bisection on the token price.
///
/// The candidate frames are grouped in consecutive pairs ("units": one Qwen3-VL temporal patch
/// each), paired from each moment's first candidate so that no pair straddles a moment's edge
/// (`align_pairs`, `units(times:moments:maxGap:)`; the candidate left over beside it is a unit
/// alone). A unit can be skipped, shown *dense* (both frames, real motion, block time = their
/// mean) at any grid level, or — if it carries a sparse-floor time — shown *sparse* (one frame
/// repeated). Each option has a cost c (vision tokens + timestamp text + vision_start/end) and a
/// utility u: dense `(½·coverage + v^p) · g(n)`, sparse `(coverage + ½·v^p) · g(n)` (so a floor
/// unit turns dense once v^p exceeds the coverage weight, and with no relevance at all spare
/// tokens still buy coverage), with v the unit's relevance above the typical background frame
/// ((r − b)/(max − b), b the lower class's mean of a two-class split; the part of a candidate's
/// value its neighbours do not share counts half, `halfSustained`) spread over `dense_window_s`
/// around peaks, p = `relevance_power`, and `g(n) = presence + ln(1 + n/n₀)`: showing a moment at all is worth `presence_weight`, and detail adds a concave amount
/// (diminishing returns), so a second relevant moment is seen before the first gets sharper.
///
/// For a price λ every unit independently takes its option maximising `u − λ·c` (floor units may
/// not skip). Total cost falls as λ rises, so bisection finds the smallest λ whose choices fit
/// the budget: by the Lagrangian sufficiency theorem those choices are optimal for the budget
/// they use (Everett 1963), and with concave utilities the gap to the true optimum is at most one
/// unit's step. A greedy pass then spends what is left on the upgrades with the best utility per
/// token. Forced first: one block of every distinct relevant moment (a run of candidate frames
/// whose v, before the spread, is ≥ `moment_threshold`), strongest first while the budget holds them — the
/// utilities are per unit, blind to two units showing the same moment, and recall needs every
/// moment seen before any gets a second look (the strongest always, the others within
/// `moment_budget_share` of the budget, so a query that resembles many moments does not crowd out
/// the best); then the sparse floor (a block every `sparse_interval_s`), thinned evenly to
/// `floor_budget_share` of the budget. The rest is the Lagrangian's. A peaked query (the scorer's
/// exploit e, `AllocationInput.peaked`) moves the floor's share to its moments as far as
/// `focus`·e says, narrows the dense window and sharpens the relevance power (see `problem`).
///
/// Zoom blocks (`allocation.zoom`, resize mode): a moment's unit also offers regions of its
/// frames around the relevant cells, priced by the tokens they land on those cells and the
/// context they keep (`zoomOptions`, `ZoomPlanner`); they are ordinary options of the same
/// knapsack, so the solver and its optimality argument are unchanged.
public struct LagrangianAllocator: BudgetAllocator {
    public let name = Strategy.arrcoc.rawValue
    public var parameters: [String: String] { [:] }

    public init() {}

    struct Option {
        var density: Density
        var frames: [Int]
        /// The whole-frame block's grid; nil when the option is a zoom alone (`zoom: replace`).
        var grid: THW?
        /// The zoom block, shown instead of the whole frame or after it (same timestamp).
        var zoom: ZoomView? = nil
        var cost: Int
        var utility: Double
    }

    /// The multiple-choice knapsack the allocator solves: per unit, its options (cheapest first),
    /// and the units that may not be skipped (moments and the sparse floor).
    struct Problem {
        var options: [[Option]]
        var forced: Set<Int>
    }

    public func allocate(_ input: AllocationInput) throws -> Allocation {
        try input.validate()
        let problem = Self.problem(input)
        let choice = Self.solve(problem, budget: input.budget)
        var blocks: [Block] = []
        for (u, i) in choice.enumerated() {
            guard let i else { continue }
            let o = problem.options[u][i]
            let time = o.density == .dense ? input.time(of: o.frames) : input.times[o.frames[0]]
            let relevance = o.frames.map { input.relevance[$0] }.max() ?? 0
            if let grid = o.grid {
                blocks.append(Block(frames: o.frames, time: time, grid: grid, tokens: grid.product, density: o.density, relevance: relevance))
            }
            if let z = o.zoom {
                blocks.append(Block(frames: o.frames, time: time, grid: z.grid, tokens: z.grid.product, density: o.density,
                                    relevance: relevance, region: z.region))
            }
        }
        return Allocation(blocks: blocks, format: input.format)
    }

    /// Options, utilities and forced units for `input` (validated).
    ///
    /// Explore vs exploit: the relevance above the background is trusted as far as the scorer's
    /// `exploit` says (v ← exploit² · v), so a query found nowhere or everywhere forces no moment on
    /// its noise maximum; and the share of the budget given to the evenly spaced floor grows from
    /// `floor_budget_share` (trust 1) to all that moments leave (trust 0), the floor growing from a
    /// block every `sparse_interval_s` to as many evenly spaced blocks as that share pays for — uniform coverage,
    /// which is what a global question needs (DIG, 2025: uniform sampling for global queries,
    /// query-aware selection for local ones).
    static func problem(_ input: AllocationInput) -> Problem {
        let config = input.config
        // Relevance is trusted as exploit²: a noise-level query (exploit ≈ 0.2) follows nothing,
        // a clean one (exploit ≥ 0.9) nearly all of it. `explore` distrusts the relevance,
        // `floorExplore` grows the floor towards every unit.
        let (explore, floorExplore) = Self.exploration(input)
        let trust = 1 - explore
        let n0 = Double(input.levels[0].product)
        // Seeing a moment at all is worth `presence`; detail adds ln(1 + n/n₀), concave.
        func g(_ tokens: Int) -> Double { config.presenceWeight + log(1 + Double(tokens) / n0) }

        // Relevance above the video's typical frame (background → 0, best → 1), trusted as far as
        // the query is peaked, spread around peaks (dense windows), then per unit.
        let focus = config.focus * input.peaked
        let contrast = Self.halfSustained(Self.contrast(input.relevance, weights: input.timeWeights)).map { $0 * trust }
        // Focused, the dense window narrows (to half at full focus): a peaked query's own frames
        // say where it is, and the tokens the window's edges would take stay on the moment.
        let spread = Self.spread(contrast, times: input.times, window: config.denseWindowSeconds * (1 - 0.5 * focus))
        // The units: consecutive candidates in pairs, none straddling a moment's edge
        // (`align_pairs`, `Self.units`); `unit[f]` is candidate f's. Not where the floor explores
        // more than it follows (a flat query at a budget that shows every second, or with
        // `follow_exploit` a query whose exploit is under 0.71): that coverage is counted in the
        // stock pairs (as `exploration` prices it), and its "moments" are the noise's.
        let moments = Self.momentRuns(contrast, threshold: config.momentThreshold)
        let pairs = config.alignPairs && floorExplore < 0.5 ? Self.alignedUnits(input, moments: moments.map(\.run))
                                                            : (0..<input.unitCount).map(input.unitFrames)
        let units = pairs.count
        var unit = [Int](repeating: 0, count: input.times.count)
        for (u, frames) in pairs.enumerated() { for f in frames { unit[f] = u } }
        // A unit is worth the mean of its frames: a Qwen3-VL block shows its two candidates
        // through one temporal patch, every token mixing both, so a moment in one frame of the
        // pair is half seen (the pair straddling an event's edge is worth less than one inside).
        let value = pairs.map { f in f.map { spread[$0] }.reduce(0, +) / Double(max(f.count, 1)) }

        // Every distinct relevant moment (a run of candidate frames whose contrast, lone
        // candidates halved, is at least `moment_threshold`, found before the dense-window spread and the pairing, either of
        // which would join nearby moments) is seen at least once: its best unit is forced,
        // strongest moments first, while `moment_budget_share` of the budget holds them at the
        // smallest grid.
        let pairCost = { (u: Int) -> Int in Self.denseCost(input, frames: pairs[u], grid: input.levels[0]) }
        var anchors: [Int] = []
        var committed = 0
        // Focus: a peaked query moves the floor's share of the budget to its moments.
        let floorShare = config.floorBudgetShare * (1 - focus)
        let momentBudget = Int(Double(input.budget) * min(1, config.momentBudgetShare + config.floorBudgetShare * focus))
        for u in moments.map({ unit[$0.best] }) where !anchors.contains(u) {
            // The strongest moment may use the whole budget; the others share `moment_budget_share`.
            if committed + pairCost(u) <= (anchors.isEmpty ? input.budget : momentBudget) {
                anchors.append(u)
                committed += pairCost(u)
            }
        }

        // Sparse floor: the candidate nearest each multiple of the interval, thinned evenly to its
        // share of the budget (at least one block when the budget still holds one), so that
        // context never crowds out the moments the query is about. Exploring, the share grows and
        // the floor with it, towards even coverage of the whole video.
        let cheapest = { (frame: Int) in input.levels[0].product + TimestampCost.overhead(seconds: input.times[frame], format: input.format) }
        let perBlock = cheapest(input.times.count - 1)
        let share = floorShare + floorExplore * (1 - floorShare)
        // The floor keeps at least one block, unless focus left it less than half a block.
        let floorTokens = Int(Double(input.budget) * share)
        let keepOne = focus == 0 || 2 * floorTokens >= perBlock
        let room = min(input.budget - committed, keepOne ? max(floorTokens, perBlock) : floorTokens)
        let fit = max(0, room) / perBlock
        var floor = Self.floorFrames(input).filter { !anchors.contains(unit[$0]) }
        if floorExplore > 0 {
            // Exploring: as many evenly spaced blocks as the floor's share holds, blended with the
            // sparse floor's count.
            let free = pairs.indices.filter { !anchors.contains($0) }.map { pairs[$0][0] }
            // `fit` prices every block at the dearest timestamp text; when the room holds every
            // free unit at its own price, all of them fit (not one fewer).
            let fitting = free.map(cheapest).reduce(0, +) <= room ? free.count : fit
            let count = min(free.count, Int(((1 - floorExplore) * Double(floor.count) + floorExplore * Double(fitting)).rounded()))
            if count > floor.count { floor = Self.evenlySpaced(free, count: count) }
        }
        if floor.map(cheapest).reduce(0, +) > room {
            floor = fit > 0 ? Self.evenlySpaced(floor, count: fit) : (anchors.isEmpty ? Array(floor.prefix(1)) : [])
        }
        let floorByUnit = Dictionary(floor.map { (unit[$0], $0) }, uniquingKeysWith: { a, _ in a })

        // Focused, the relevance power grows to p · (1 + focus · e): a peaked query's moments
        // stand clear of the background, so frames that only half resemble it (v ≈ 0.5: a
        // background that shares a colour or texture with the query) are worth less against
        // detail on the moments. A flat query keeps p.
        let power = config.relevancePower * (1 + focus)

        // Options per unit, cheapest first.
        var options: [[Option]] = []
        options.reserveCapacity(units)
        for u in 0..<units {
            var list: [Option] = []
            let frames = pairs[u]
            let pairFrames = frames.count == 2 ? frames : [frames[0], frames[0]]
            let vp = pow(value[u], power)
            for grid in input.levels {
                let n = grid.product
                list.append(Option(density: .dense, frames: pairFrames, grid: grid,
                                   cost: n + TimestampCost.overhead(seconds: input.time(of: pairFrames), format: input.format),
                                   utility: (0.5 * config.coverageWeight + vp) * g(n)))
                if let f = floorByUnit[u] {
                    list.append(Option(density: .sparse, frames: [f, f], grid: grid,
                                       cost: n + TimestampCost.overhead(seconds: input.times[f], format: input.format),
                                       utility: (config.coverageWeight + 0.5 * vp) * g(n)))
                }
            }
            // Zoom only on moments: a region of a frame the query is not clearly in is a guess
            // that costs the frame's context.
            if vp > 0, frames.contains(where: { contrast[$0] >= config.momentThreshold }) {
                list += Self.zoomOptions(input, frames: pairFrames, relevance: vp, g: g)
            }
            options.append(list.sorted { ($0.cost, $0.utility) < ($1.cost, $1.utility) })
        }
        return Problem(options: options, forced: Set(floorByUnit.keys).union(anchors))
    }

    /// How far the allocator explores: `relevance` is the share of the relevance above the
    /// background it distrusts (v ← (1 − relevance) · v), `floor` how far the floor grows from
    /// its sparse share towards even coverage of every unit.
    ///
    /// With `follow_exploit` both are 1 − exploit². With `cover_when_affordable`, once the
    /// budget pays for every unit at the smallest grid, a flat query (the scorer's exploit e,
    /// `peaked`) explores too: the floor by 1 − e² (a flat query gets every unit, a peaked one
    /// keeps its budget for its moments), the relevance by (1 − e²) · ramp, ramp rising from 0 at
    /// that budget to 1 at every unit at the largest grid — near which a flat query's levels, no
    /// longer pulled by its noise, come out even (as uniform's at the Qwen3-VL default).
    /// Below that budget a flat ranking is kept: coverage with gaps finds a weak needle less
    /// often than its ranking does (the real-needles sweep, Docs/engine.md). Coverage is priced
    /// in the stock pairs: the units `problem` then uses depend on this result (pairs aligned on
    /// moments only where the floor explores less than half), and aligned ones are a few more
    /// (a candidate alone beside each moment edge).
    static func exploration(_ input: AllocationInput) -> (relevance: Double, floor: Double) {
        let followed = 1 - input.exploit * input.exploit
        guard input.config.coverWhenAffordable, input.unitCount > 0 else { return (followed, followed) }
        func cover(_ grid: THW) -> Int { (0..<input.unitCount).map { denseCost(input, unit: $0, grid: grid) }.reduce(0, +) }
        let smallest = cover(input.levels[0])
        guard input.budget >= smallest else { return (followed, followed) }
        let largest = cover(input.levels[input.levels.count - 1])
        let ramp = largest > smallest ? min(1, Double(input.budget - smallest) / Double(largest - smallest)) : 1
        let flat = 1 - input.peaked * input.peaked
        return (max(followed, flat * ramp), max(followed, flat))
    }

    /// Tokens of unit `u` shown dense at `grid`: its vision tokens and its timestamp text.
    static func denseCost(_ input: AllocationInput, unit u: Int, grid: THW) -> Int {
        denseCost(input, frames: input.unitFrames(u), grid: grid)
    }

    /// Tokens of a unit of `frames` (a pair, or one candidate repeated) shown dense at `grid`.
    static func denseCost(_ input: AllocationInput, frames f: [Int], grid: THW) -> Int {
        grid.product + TimestampCost.overhead(seconds: input.time(of: f.count == 2 ? f : [f[0], f[0]]), format: input.format)
    }

    /// One option per unit (nil: skipped), total cost within `budget`: the smallest price λ whose
    /// per-unit choices (`u − λ·c` maximal, forced units never skipped) fit, found by bisection,
    /// then a greedy pass spending what is left on the best utility-per-token upgrades.
    ///
    /// - Complexity: O(80 · Σ options) for the bisection, O(upgrades · Σ options) for the pass.
    static func solve(_ problem: Problem, budget: Int) -> [Int?] {
        let options = problem.options, forced = problem.forced
        let units = options.count
        func choose(_ lambda: Double) -> [Int?] {
            (0..<units).map { u in
                var best: Int? = nil
                var bestScore = forced.contains(u) ? -Double.infinity : 0.0
                for (i, o) in options[u].enumerated() {
                    let s = o.utility - lambda * Double(o.cost)
                    if s > bestScore + 1e-15 {
                        bestScore = s
                        best = i
                    }
                }
                if best == nil, forced.contains(u) { best = 0 }
                return best
            }
        }
        func cost(_ choice: [Int?]) -> Int {
            var total = 0
            for (u, i) in choice.enumerated() { if let i { total += options[u][i].cost } }
            return total
        }

        // Bisection on the price: smallest λ whose choices fit.
        let maxUtility = options.flatMap { $0 }.map(\.utility).max() ?? 1
        var lo = 0.0, hi = max(1e-9, maxUtility) * 4 + 1
        var choice = choose(lo)
        if cost(choice) > budget {
            for _ in 0..<80 {
                let mid = (lo + hi) / 2
                if cost(choose(mid)) <= budget { hi = mid } else { lo = mid }
            }
            choice = choose(hi)
        }
        var spent = cost(choice)
        if spent > budget {
            // Only forced units remain, each at its cheapest option (guaranteed to fit by `problem`).
            choice = (0..<units).map { forced.contains($0) ? 0 : nil }
            spent = cost(choice)
        }

        // Greedy: spend the rest on the best utility-per-token upgrades (including new units).
        while true {
            var best: (unit: Int, option: Int, ratio: Double)? = nil
            let left = budget - spent
            for u in 0..<units {
                let current = choice[u].map { options[u][$0] }
                for (i, o) in options[u].enumerated() {
                    let dc = o.cost - (current?.cost ?? 0)
                    let du = o.utility - (current?.utility ?? 0)
                    guard dc > 0, dc <= left, du > 1e-12 else { continue }
                    let ratio = du / Double(dc)
                    if best.map({ ratio > $0.ratio }) ?? true { best = (u, i, ratio) }
                }
            }
            guard let b = best else { break }
            spent += options[b.unit][b.option].cost - (choice[b.unit].map { options[b.unit][$0].cost } ?? 0)
            choice[b.unit] = b.option
        }
        return choice
    }

    /// Each maximal run of elements with value ≥ `threshold` and its best element (the first of
    /// equals), strongest first (the earlier of equals).
    static func momentRuns(_ value: [Double], threshold: Double) -> [(run: ClosedRange<Int>, best: Int)] {
        var runs: [(run: ClosedRange<Int>, best: Int)] = []
        var u = 0
        while u < value.count {
            guard value[u] >= threshold else {
                u += 1
                continue
            }
            let first = u
            var best = u
            while u < value.count, value[u] >= threshold {
                if value[u] > value[best] { best = u }
                u += 1
            }
            runs.append((first...(u - 1), best))
        }
        return runs.sorted { (value[$0.best], -$0.best) > (value[$1.best], -$1.best) }
    }

    /// `units(times:moments:maxGap:)` at the candidates' rate: a moment's two candidates are
    /// paired when at most 1.5 candidate steps apart (the step: the smallest spacing of
    /// consecutive candidates). Above 5 candidates a second the stock pairs stay: a candidate
    /// alone could then share its one-decimal timestamp text with the next block's.
    static func alignedUnits(_ input: AllocationInput, moments: [ClosedRange<Int>]) -> [[Int]] {
        let step = zip(input.times, input.times.dropFirst()).map { $1 - $0 }.min() ?? .infinity
        guard step >= 0.2 else { return (0..<input.unitCount).map(input.unitFrames) }
        return units(times: input.times, moments: moments, maxGap: 1.5 * step)
    }

    /// The candidates at `times` in units of one or two consecutive candidates, pairs from the
    /// first candidate as Qwen3-VL's sampler pairs them, except that no pair straddles a moment's
    /// edge: a candidate whose partner lies across one stands alone (shown as one frame
    /// repeated), and pairing goes on from the next, so a moment's candidates are paired from its
    /// first (each of its blocks shows it in both frames of the temporal patch, its timestamp
    /// inside it) and an odd moment's last stands alone. Two candidates further apart than
    /// `maxGap` are paired only as the stock pairs (2k, 2k + 1) pair them: a coarse-to-fine
    /// merge's keyframes pair as they did, and a fine window, which the merge starts at an even
    /// position, is not paired with the keyframe beside it (the stock phase comes back there).
    /// With no moments, the stock pairs; the last candidate alone when `count` is odd.
    static func units(times: [Double], moments: [ClosedRange<Int>], maxGap: Double = .infinity) -> [[Int]] {
        let count = times.count
        var moment = [Int](repeating: -1, count: count)   // the run each candidate is in, or −1
        for (k, run) in moments.enumerated() { for f in run where f >= 0 && f < count { moment[f] = k } }
        var out: [[Int]] = []
        out.reserveCapacity((count + 1) / 2 + 2 * moments.count)
        var f = 0
        while f < count {
            let near = f + 1 < count && times[f + 1] - times[f] <= maxGap
            let pairs = f + 1 < count && moment[f + 1] == moment[f] && (near || (moment[f] < 0 && f % 2 == 0))
            out.append(pairs ? [f, f + 1] : [f])
            f += pairs ? 2 : 1
        }
        return out
    }

    /// Each element's value as far as a neighbour shares it, and half of the rest:
    /// `(v[i] + max(min(v[i−1], v[i]), min(v[i], v[i+1]))) / 2` for values ≥ 0 (a missing
    /// neighbour shares nothing; a single element is its own).
    ///
    /// After `MomentEvidence`, which reads the peakedness on the shared part alone: an object in
    /// the video is there for more than one candidate (half a second apart at 2 fps), a look-alike
    /// passing through, a cut or a flash usually is not. A lone candidate that resembles the query
    /// keeps half its contrast (less in the utilities, which raise it to `relevance_power` and
    /// more), so it is still seen when nothing sustained competes (a needle shown for under a
    /// second, the tightest budgets), but it is no longer a moment below twice `moment_threshold`
    /// and no longer takes a zoom block ahead of detail on sustained ones. Neighbours are the
    /// adjacent candidates, however far apart: in a coarse-to-fine merge's unrefined stretches
    /// (keyframes seconds apart) a lone keyframe is halved too, as `MomentEvidence` reads it.
    /// Measured: Docs/engine.md, "A lone candidate counts half".
    static func halfSustained(_ value: [Double]) -> [Double] {
        zip(value, MomentEvidence.sustained(value)).map { ($0 + $1) / 2 }
    }

    /// `(r − b) / (max − b)` clipped to 0…1, b the mean of the lower class of a two-class (Otsu)
    /// split of the relevance: relevance above the typical *background* frame, however many
    /// frames the query is in. With `weights` (the time each candidate stands for) the split
    /// weighs candidates by them.
    static func contrast(_ r: [Double], weights: [Double]? = nil) -> [Double] {
        let baseline = (weights.map { TwoClassSplit(r, weights: $0) } ?? TwoClassSplit(r)).lowMean
        let span = (r.max() ?? 0) - baseline
        guard span > 1e-9 else { return r.map { _ in 0 } }
        return r.map { min(1, max(0, ($0 - baseline) / span)) }
    }

    /// `max_j r_j · max(0, 1 − |t_i − t_j| / window)`: each peak lifts its neighbourhood.
    static func spread(_ r: [Double], times: [Double], window: Double) -> [Double] {
        guard window > 0 else { return r }
        var out = r
        var lo = 0
        for i in times.indices {
            while times[lo] < times[i] - window { lo += 1 }
            var j = lo
            while j < times.count, times[j] <= times[i] + window {
                out[i] = max(out[i], r[j] * (1 - abs(times[i] - times[j]) / window))
                j += 1
            }
        }
        return out
    }

    /// Candidate frames nearest each multiple of the sparse interval, no duplicates.
    static func floorFrames(_ input: AllocationInput) -> [Int] {
        let interval = input.config.sparseIntervalSeconds
        guard let last = input.times.last else { return [] }
        var result: [Int] = []
        var j = 0
        var m = 0
        while Double(m) * interval <= last + 1e-9 {
            let target = Double(m) * interval
            while j + 1 < input.times.count, abs(input.times[j + 1] - target) < abs(input.times[j] - target) { j += 1 }
            if result.last != j { result.append(j) }
            m += 1
        }
        return result
    }

    /// `count` elements of `items` at evenly spaced positions (first and last included; the
    /// first alone when `count` is 1).
    static func evenlySpaced<T>(_ items: [T], count: Int) -> [T] {
        guard count < items.count else { return items }
        guard count > 1 else { return Array(items.prefix(1)) }  // the first: its timestamp is the cheapest
        var picked: [T] = []
        var lastIndex = -1
        for k in 0..<count {
            let i = Int((Double(k) * Double(items.count - 1) / Double(count - 1)).rounded())
            if i != lastIndex { picked.append(items[i]) }
            lastIndex = i
        }
        return picked
    }
}
