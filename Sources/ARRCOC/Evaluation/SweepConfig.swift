import Foundation
import Yams

/// A sweep file (YAML): which videos, which budgets, strategies with parameter grids, formats,
/// modes and tolerances. Parsed by hand so that every error names its key; see
/// `Configs/quick.yaml` and Docs/evaluation.md.
public struct SweepConfig: Sendable, Equatable {
    /// A recipe for generated needle-in-a-haystack clips.
    public struct HaystackSpec: Sendable, Equatable {
        public var background: String
        /// An image or video path, or `builtin`.
        public var needle: String
        public var clips: Int
        public var events: Int
        public var eventDuration: ClosedRange<Double>
        public var scale: ClosedRange<Double>
        public var moving: Bool
    }

    /// A video with its truth file.
    public struct VideoSpec: Sendable, Equatable {
        public var video: String
        public var truth: String
    }

    public struct StrategySpec: Sendable, Equatable {
        public var name: String
        /// Parameter grids: every combination is a variant.
        public var grid: [String: [Double]]

        /// Every combination of the grid, keys sorted.
        public var variants: [[String: Double]] {
            var result: [[String: Double]] = [[:]]
            for key in grid.keys.sorted() {
                result = result.flatMap { partial in grid[key]!.map { partial.merging([key: $0]) { $1 } } }
            }
            return result
        }
    }

    public var name: String
    public var seed: UInt64
    public var haystacks: [HaystackSpec]
    public var videos: [VideoSpec]
    public var budgets: [Int]
    public var strategies: [StrategySpec]
    public var formats: [SequenceFormat]
    public var modes: [SpendMode]
    public var deltas: [Double]
    public var minBoxTokens: Double
    /// The compression settings every run starts from (analysis, scoring, allocation).
    public var base: CompressionConfig

    static let topKeys = ["name", "seed", "dataset", "budgets", "strategies", "formats", "modes", "deltas", "min_box_tokens", "compression"]
    static let haystackKeys = ["background", "needle", "clips", "events", "event_duration_s", "scale", "moving"]

    /// Parses and validates a sweep file; `resolve` turns a video name into a path (sample names
    /// are looked up in the sample cache) or returns nil when it does not exist.
    public static func parse(yaml text: String, path: String, checkFiles: Bool = true, resolve: (String) -> String?) throws -> SweepConfig {
        guard let document = try YAMLInput.check(text, path: path), let top = document.any as? [String: Any] else {
            throw ConfigError.unreadable(path: path, reason: "the top level must be a mapping")
        }
        try keys(top, allowed: topKeys, at: "")
        // A value as the file writes it (`"300"`, `3e2`; parsed, both were 300; `[1] (a list)`),
        // found by its key as errors name it (`dataset.haystacks[0].clips`); as parsed where the
        // file's own tree has nothing there (a value a merge key brings in).
        func shown(_ v: Any?, _ key: String) -> String {
            YAMLInput.written(at: YAMLInput.path(of: key), in: document) ?? v.map { "\($0)" } ?? "nothing"
        }
        // The value `v` at `key` when it is a `T`, nil when there is none; any other value is an
        // error naming it (a scalar where a list belongs, or a list where a name does, was ignored).
        func given<T>(_ v: Any?, _ key: String, as _: T.Type, expected: String) throws -> T? {
            guard let v else { return nil }
            guard let value = v as? T else { throw ConfigError.invalidValue(key: key, value: shown(v, key), expected: expected) }
            return value
        }
        func double(_ v: Any?, _ key: String) throws -> Double {
            if let d = v as? Double { return d }
            if let i = v as? Int { return Double(i) }
            // An integer too large for `Int` is parsed as text; it is a number out of range.
            if let s = v as? String, YAMLInput.isPlainInteger(at: YAMLInput.path(of: key), in: document), let d = Double(s) { return d }
            throw ConfigError.invalidValue(key: key, value: shown(v, key), expected: "a number")
        }
        // A whole number in `bounds`, checked before any conversion (1e30 or -1 must not trap).
        func integer(_ v: Any?, _ key: String, in bounds: ClosedRange<Int>) throws -> Int {
            let d = try double(v, key)
            guard let i = CheckedMath.integer(d, in: bounds) else {
                throw ConfigError.outOfRange(key: key, value: shown(v, key), expected: "a whole number in \(ConfigError.number(bounds.lowerBound))…\(ConfigError.number(bounds.upperBound))")
            }
            return i
        }
        func range(_ v: Any?, _ key: String, default d: ClosedRange<Double>, maximum: Double, unit: String) throws -> ClosedRange<Double> {
            guard let v else { return d }
            guard let a = v as? [Any], a.count == 2 else { throw ConfigError.invalidValue(key: key, value: shown(v, key), expected: "[min, max]") }
            let lo = try double(a[0], "\(key)[0]"), hi = try double(a[1], "\(key)[1]")
            guard lo > 0, hi >= lo, hi <= maximum else {
                throw ConfigError.outOfRange(key: key, value: "[\(shown(a[0], "\(key)[0]")), \(shown(a[1], "\(key)[1]"))]",
                                             expected: "0 < min ≤ max ≤ \(SweepRow.number(maximum))\(unit)")
            }
            return lo...hi
        }

        let name = try given(top["name"], "name", as: String.self, expected: "text (quoted where it reads as a number)")
            ?? URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        let seed = UInt64(try integer(top["seed"] ?? 1, "seed", in: 0...Int.max))
        var base = CompressionConfig()
        if let c = top["compression"] {
            guard let mapping = c as? [String: Any] else {
                throw ConfigError.invalidValue(key: "compression", value: shown(c, "compression"), expected: "a mapping")
            }
            // The section as the file writes it; one brought in by a merge key (`<<`) is not in the
            // document's own tree, so it is read from its parsed value.
            base = try document["compression"].map { try CompressionConfig.parse($0, path: "\(path): compression") }
                ?? CompressionConfig.parse(yaml: try Yams.dump(object: mapping), path: "\(path): compression")
        }

        guard let dataset = top["dataset"] as? [String: Any] else {
            throw ConfigError.invalidValue(key: "dataset", value: top["dataset"].map { shown($0, "dataset") } ?? "missing", expected: "a mapping with haystacks and/or videos")
        }
        try keys(dataset, allowed: ["haystacks", "videos"], at: "dataset")
        var haystacks: [HaystackSpec] = []
        for (i, item) in try (given(dataset["haystacks"], "dataset.haystacks", as: [Any].self, expected: "a list of haystack recipes") ?? []).enumerated() {
            let key = "dataset.haystacks[\(i)]"
            guard let h = item as? [String: Any] else { throw ConfigError.invalidValue(key: key, value: shown(item, key), expected: "a mapping") }
            try keys(h, allowed: haystackKeys, at: key)
            guard let bg = try given(h["background"], "\(key).background", as: String.self, expected: "a video path or sample name") else {
                throw ConfigError.invalidValue(key: "\(key).background", value: "missing", expected: "a video path or sample name")
            }
            guard let background = resolve(bg) else { throw ConfigError.invalidValue(key: "\(key).background", value: bg, expected: "an existing video (path or sample name)") }
            let needle = try given(h["needle"], "\(key).needle", as: String.self, expected: "an image or video path, or builtin") ?? "builtin"
            var needlePath = needle
            if needle != "builtin" {
                guard let p = resolve(needle) else { throw ConfigError.invalidValue(key: "\(key).needle", value: needle, expected: "an existing image or video, or builtin") }
                needlePath = p
            }
            let clips = try integer(h["clips"] ?? 1, "\(key).clips", in: 1...1000)
            let events = try integer(h["events"] ?? 2, "\(key).events", in: 1...100)
            let scale = try range(h["scale"], "\(key).scale", default: 0.08...0.2, maximum: 0.9, unit: " (fractions of the frame width)")
            haystacks.append(HaystackSpec(
                background: background, needle: needlePath, clips: clips, events: events,
                eventDuration: try range(h["event_duration_s"], "\(key).event_duration_s", default: 1.5...4,
                                     maximum: Limit.durationSeconds.value, unit: " s"), scale: scale,
                moving: try given(h["moving"], "\(key).moving", as: Bool.self, expected: "true or false") ?? false))
        }
        var videos: [VideoSpec] = []
        for (i, item) in try (given(dataset["videos"], "dataset.videos", as: [Any].self, expected: "a list of {video, truth}") ?? []).enumerated() {
            let key = "dataset.videos[\(i)]"
            guard let v = item as? [String: Any] else { throw ConfigError.invalidValue(key: key, value: shown(item, key), expected: "a mapping") }
            try keys(v, allowed: ["video", "truth"], at: key)
            guard let video = v["video"] as? String, let vp = resolve(video) else {
                throw ConfigError.invalidValue(key: "\(key).video", value: v["video"].map { shown($0, "\(key).video") } ?? "missing", expected: "an existing video")
            }
            guard let truth = v["truth"] as? String, let tp = resolve(truth) else {
                throw ConfigError.invalidValue(key: "\(key).truth", value: v["truth"].map { shown($0, "\(key).truth") } ?? "missing", expected: "an existing truth file")
            }
            if checkFiles { _ = try Truth.load(path: tp) }
            videos.append(VideoSpec(video: vp, truth: tp))
        }
        guard !haystacks.isEmpty || !videos.isEmpty else {
            throw ConfigError.invalidValue(key: "dataset", value: "empty", expected: "at least one haystack recipe or video")
        }

        var budgets: [Int] = []
        let budgetsExpected = "a list of token budgets or {from, to, steps}"
        if let list = top["budgets"] as? [Any] {
            budgets = try list.enumerated().map { i, v in try integer(v, "budgets[\(i)]", in: 1...Limit.budgetTokens.intValue) }
        } else if let r = try given(top["budgets"], "budgets", as: [String: Any].self, expected: budgetsExpected) {
            try keys(r, allowed: ["from", "to", "steps"], at: "budgets")
            let from = try double(r["from"], "budgets.from"), to = try double(r["to"], "budgets.to")
            let steps = try integer(r["steps"] ?? 5, "budgets.steps", in: 1...100)
            guard from >= 1, to >= from, to <= Double(Limit.budgetTokens.intValue) else {
                throw ConfigError.outOfRange(key: "budgets",
                                             value: "from \(shown(r["from"], "budgets.from")) to \(shown(r["to"], "budgets.to")) in \(steps) steps",
                                             expected: "1 ≤ from ≤ to ≤ \(Limit.budgetTokens.intValue) (\(Limit.budgetTokens.environmentVariable) raises it)")
            }
            budgets = (0..<steps).map { k in Int((from * pow(to / from, steps == 1 ? 0 : Double(k) / Double(steps - 1))).rounded()) }
        }
        guard !budgets.isEmpty else {
            throw ConfigError.invalidValue(key: "budgets", value: top["budgets"] == nil ? "missing" : "empty", expected: budgetsExpected)
        }
        for (i, b) in budgets.enumerated() where b <= 0 {
            throw ConfigError.outOfRange(key: "budgets[\(i)]", value: "\(b)", expected: "a positive number of tokens")
        }
        // A budget twice would run and count every run twice (a range of few tokens rounds so).
        for (i, b) in budgets.enumerated() where budgets[..<i].contains(b) {
            let listed = (top["budgets"] as? [Any]).map { shown($0[i], "budgets[\(i)]") } ?? "\(b)"
            throw ConfigError.invalidValue(key: "budgets[\(i)]", value: listed, expected: "budgets listed once each (\(b) is listed twice)")
        }

        guard let strategyList = try given(top["strategies"], "strategies", as: [Any].self, expected: "a list of {name, params}"), !strategyList.isEmpty else {
            throw ConfigError.invalidValue(key: "strategies", value: top["strategies"] == nil ? "missing" : "empty", expected: "a list of {name, params}")
        }
        var strategies: [StrategySpec] = []
        var seenVariants: Set<String> = []
        for (i, item) in strategyList.enumerated() {
            let key = "strategies[\(i)]"
            let s: [String: Any]
            if let n = item as? String { s = ["name": n] } else if let m = item as? [String: Any] { s = m } else {
                throw ConfigError.invalidValue(key: key, value: shown(item, key), expected: "a name or {name, params}")
            }
            try keys(s, allowed: ["name", "params"], at: key)
            guard let name = try given(s["name"], "\(key).name", as: String.self, expected: "a strategy name") else {
                throw ConfigError.invalidValue(key: "\(key).name", value: "missing", expected: "a strategy name")
            }
            guard Strategy(rawValue: name) != nil else {
                throw ConfigError.invalidValue(key: "\(key).name", value: shown(name, "\(key).name"),
                                               expected: "one of \(StrategyRegistry.names.joined(separator: ", "))")
            }
            var grid: [String: [Double]] = [:]
            if let p = s["params"] {
                guard let params = p as? [String: Any] else { throw ConfigError.invalidValue(key: "\(key).params", value: shown(p, "\(key).params"), expected: "a mapping") }
                for (k, v) in params.sorted(by: { $0.key < $1.key }) {
                    let values = (v as? [Any]) ?? [v]
                    grid[k] = try values.enumerated().map { j, x in
                        let at = v is [Any] ? "\(key).params.\(k)[\(j)]" : "\(key).params.\(k)"
                        let value = try double(x, at)
                        // Each value checked alone, to be named as this file names it and shown as
                        // written: a variant's error named compress's key (`strategy_params.seed`).
                        do { _ = try StrategyRegistry.allocator(named: name, parameters: [k: value]) } catch let ConfigError.outOfRange(_, _, expected) {
                            throw ConfigError.outOfRange(key: at, value: shown(x, at), expected: expected)
                        }
                        return value
                    }
                    guard !grid[k]!.isEmpty else { throw ConfigError.invalidValue(key: "\(key).params.\(k)", value: "[]", expected: "at least one value") }
                }
            }
            let variantCount = CheckedMath.product(grid.values.map(\.count)) ?? Int.max
            guard variantCount <= 10_000 else {
                throw ConfigError.outOfRange(key: "\(key).params", value: "\(variantCount) combinations", expected: "at most 10000 parameter combinations")
            }
            let spec = StrategySpec(name: name, grid: grid)
            for variant in spec.variants {
                _ = try StrategyRegistry.allocator(named: name, parameters: variant)
                // A variant listed twice would put its rows twice into every mean.
                let label = variant.isEmpty ? "\(name) (no parameters)" : "\(name)(" + variant.keys.sorted().map { "\($0)=\(variant[$0]!)" }.joined(separator: ", ") + ")"
                guard seenVariants.insert(label).inserted else {
                    throw ConfigError.invalidValue(key: key, value: label, expected: "each strategy variant listed once (\(label) is listed twice)")
                }
            }
            strategies.append(spec)
        }

        let formats = try (given(top["formats"], "formats", as: [Any].self, expected: "a list of qwen3vl and/or seed") ?? ["qwen3vl"]).enumerated().map { i, v -> SequenceFormat in
            guard let s = v as? String, let f = SequenceFormat(rawValue: s) else {
                throw ConfigError.invalidValue(key: "formats[\(i)]", value: shown(v, "formats[\(i)]"), expected: "qwen3vl or seed")
            }
            return f
        }
        let modes = try (given(top["modes"], "modes", as: [Any].self, expected: "a list of resize and/or select") ?? ["resize"]).enumerated().map { i, v -> SpendMode in
            guard let s = v as? String, let m = SpendMode(rawValue: s) else {
                throw ConfigError.invalidValue(key: "modes[\(i)]", value: shown(v, "modes[\(i)]"), expected: "resize or select")
            }
            return m
        }
        let deltas = try (given(top["deltas"], "deltas", as: [Any].self, expected: "a list of tolerances in seconds") ?? [1.0]).enumerated().map { i, v in try double(v, "deltas[\(i)]") }
        guard !deltas.isEmpty, !formats.isEmpty, !modes.isEmpty else {
            throw ConfigError.invalidValue(key: deltas.isEmpty ? "deltas" : (formats.isEmpty ? "formats" : "modes"), value: "empty", expected: "at least one value")
        }
        for (i, d) in deltas.enumerated() where !(d >= 0 && d <= Limit.durationSeconds.value) {
            throw ConfigError.outOfRange(key: "deltas[\(i)]", value: shown(d, "deltas[\(i)]"),
                                         expected: "a tolerance of 0…\(Limit.durationSeconds.intValue) seconds")
        }
        let minBox = try double(top["min_box_tokens"] ?? 16, "min_box_tokens")
        guard minBox >= 0, minBox.isFinite else {
            throw ConfigError.outOfRange(key: "min_box_tokens", value: shown(minBox, "min_box_tokens"), expected: "a finite number ≥ 0")
        }
        return SweepConfig(name: name, seed: seed, haystacks: haystacks, videos: videos, budgets: budgets, strategies: strategies,
                           formats: formats, modes: modes, deltas: deltas, minBoxTokens: minBox, base: base)
    }

    private static func keys(_ mapping: [String: Any], allowed: [String], at section: String) throws {
        for key in mapping.keys.sorted() where !allowed.contains(key) {
            throw ConfigError.unknownKey(key: section.isEmpty ? key : "\(section).\(key)", allowed: allowed)
        }
    }
}
