import Foundation
import Yams

/// Every knob of `arrcoc compress`, loadable from YAML (`--config FILE.yaml`, snake_case keys as
/// in `Configs/default.yaml`); command-line flags override it. Defaults live here only.
public struct CompressionConfig: Codable, Sendable, Equatable {
    public struct Analysis: Codable, Sendable, Equatable {
        /// Candidate frames per second (the sampling grid of the analysis).
        public var candidateFPS = 2.0
        /// Embedding size after PCA whitening (at most 28, the raw descriptor length).
        public var embeddingDim = 24

        public init() {}
        enum CodingKeys: String, CodingKey, CaseIterable {
            case candidateFPS = "candidate_fps", embeddingDim = "embedding_dim"
        }
        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            candidateFPS = try c.decodeIfPresent(Double.self, forKey: .candidateFPS) ?? 2
            embeddingDim = try c.decodeIfPresent(Int.self, forKey: .embeddingDim) ?? 24
        }
    }

    public struct QuerySettings: Codable, Sendable, Equatable {
        /// About how many cells a query image's largest scale is divided into (its own grid, aspect
        /// kept); the scales are 1, 4, 9, … cells up to this. 100 (a 10×10 grid, 320 px at the
        /// analysis scale) reaches a 200-px crop shown at 1.5× its size.
        public var imageCells = QuerySettings.defaultImageCells
        public static let defaultImageCells = 100
        /// Whether each scale is also matched on its grid shifted by multiples of `gridShift`
        /// across, down and both (`QueryInput.shiftedTemplates`), so that a needle off the video's
        /// 32-px grid is found.
        public var shiftedGrids = QuerySettings.defaultShiftedGrids
        public static let defaultShiftedGrids = true
        /// The step of those shifts in pixels of the analysis grid (8, a quarter cell: 15 shifted
        /// grids, about 12 times the query vectors of the grids alone; 16, half a cell: 3 shifted
        /// grids, about 3 times; 4: 63 shifted grids).
        public var gridShift = QuerySettings.defaultGridShift
        public static let defaultGridShift = 8
        public static let allowedGridShifts = [4, 8, 16]

        public init() {}
        enum CodingKeys: String, CodingKey, CaseIterable {
            case imageCells = "image_cells", shiftedGrids = "shifted_grids", gridShift = "grid_shift"
        }
        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            imageCells = try c.decodeIfPresent(Int.self, forKey: .imageCells) ?? Self.defaultImageCells
            shiftedGrids = try c.decodeIfPresent(Bool.self, forKey: .shiftedGrids) ?? Self.defaultShiftedGrids
            gridShift = try c.decodeIfPresent(Int.self, forKey: .gridShift) ?? Self.defaultGridShift
        }
    }

    public struct Emission: Codable, Sendable, Equatable {
        public var format = SequenceFormat.qwen3vl
        public var mode = SpendMode.resize

        public init() {}
        enum CodingKeys: String, CodingKey, CaseIterable { case format, mode }
        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            format = try c.decodeIfPresent(SequenceFormat.self, forKey: .format) ?? .qwen3vl
            mode = try c.decodeIfPresent(SpendMode.self, forKey: .mode) ?? .resize
        }
    }

    /// Allocation strategy: a `Strategy` name, `arrcoc` or a baseline (`uniform`, `random`, `topk`, `bolt`, `aks`);
    /// checked by `validate()`.
    public var strategy = "arrcoc"
    /// The strategy's parameters (see `StrategyRegistry`); missing ones take their defaults.
    public var strategyParams: [String: Double] = [:]
    /// Token budget for the video part of the sequence; nil until given (flag or YAML).
    public var budget: Int? = nil
    public var analysis = Analysis()
    public var query = QuerySettings()
    public var scoring = ScoringConfig()
    public var allocation = AllocationConfig()
    public var emission = Emission()
    /// Coarse-to-fine analysis (`analyze --coarse`, `compress --coarse-to-fine`; Docs/coarse-to-fine.md).
    public var coarseToFine = CoarseToFine.Options()

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case strategy, budget, analysis, query, scoring, allocation, emission
        case coarseToFine = "coarse_to_fine"
        case strategyParams = "strategy_params"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        strategy = try c.decodeIfPresent(String.self, forKey: .strategy) ?? "arrcoc"
        strategyParams = try c.decodeIfPresent([String: Double].self, forKey: .strategyParams) ?? [:]
        budget = try c.decodeIfPresent(Int.self, forKey: .budget)
        analysis = try c.decodeIfPresent(Analysis.self, forKey: .analysis) ?? Analysis()
        query = try c.decodeIfPresent(QuerySettings.self, forKey: .query) ?? QuerySettings()
        scoring = try c.decodeIfPresent(ScoringConfig.self, forKey: .scoring) ?? ScoringConfig()
        allocation = try c.decodeIfPresent(AllocationConfig.self, forKey: .allocation) ?? AllocationConfig()
        emission = try c.decodeIfPresent(Emission.self, forKey: .emission) ?? Emission()
        coarseToFine = try c.decodeIfPresent(CoarseToFine.Options.self, forKey: .coarseToFine) ?? CoarseToFine.Options()
    }

    /// Allowed keys per section, for unknown-key errors.
    static let schema: [String: [String]] = [
        "": CodingKeys.allCases.map(\.rawValue),
        "analysis": Analysis.CodingKeys.allCases.map(\.rawValue),
        "query": QuerySettings.CodingKeys.allCases.map(\.rawValue),
        "scoring": ScoringConfig.CodingKeys.allCases.map(\.rawValue),
        "allocation": AllocationConfig.CodingKeys.allCases.map(\.rawValue),
        "emission": Emission.CodingKeys.allCases.map(\.rawValue),
        "coarse_to_fine": CoarseToFine.Options.CodingKeys.allCases.map(\.rawValue),
    ]

    /// Strategy names `compress` knows.
    public static var strategies: [String] { Strategy.names }

    /// Range checks after decoding and after flags; errors name the key.
    public func validate() throws(ConfigError) {
        _ = try StrategyRegistry.allocator(named: strategy, parameters: strategyParams)
        if let budget {
            guard budget > 0 else { throw .outOfRange(key: "budget", value: "\(budget)", expected: "a positive number of tokens") }
            guard budget <= Limit.budgetTokens.intValue else {
                throw .outOfRange(key: "budget", value: "\(budget)",
                                  expected: "at most \(Limit.budgetTokens.intValue) tokens (\(Limit.budgetTokens.environmentVariable) raises it)")
            }
        }
        try ConfigError.check("analysis.candidate_fps", analysis.candidateFPS, in: 0.01...60)
        try ConfigError.check("analysis.embedding_dim", analysis.embeddingDim, in: 2...CellDescriptor.length)
        try ConfigError.check("query.image_cells", query.imageCells, in: 1...400)
        guard QuerySettings.allowedGridShifts.contains(query.gridShift) else {
            throw .outOfRange(key: "query.grid_shift", value: ConfigError.number(query.gridShift),
                              expected: "one of \(QuerySettings.allowedGridShifts.map(String.init).joined(separator: ", ")) (pixels: an eighth, a quarter or half of a 32-px cell)")
        }
        let vectors = QueryInput.largestVectorCount(query)
        guard vectors <= Limit.queryVectors.intValue else {
            throw .outOfRange(key: "query.grid_shift", value: ConfigError.number(query.gridShift),
                              expected: "a larger step or fewer query.image_cells (\(ConfigError.number(query.imageCells))): a large query image would have \(ConfigError.number(vectors)) vectors, more than the \(ConfigError.number(Limit.queryVectors.intValue)) allowed (\(Limit.queryVectors.environmentVariable))")
        }
        try scoring.validate()
        try allocation.validate()
        try coarseToFine.validateConfig()
    }

    /// Parses YAML text: unknown keys, wrong types and out-of-range values are errors naming the key.
    public static func parse(yaml text: String, path: String) throws -> CompressionConfig {
        guard let root = try YAMLInput.check(text, path: path) else { return CompressionConfig() }
        return try parse(root, path: path)
    }

    /// Parses a checked YAML document (`YAMLInput.check`): a config file's, or a sweep file's
    /// `compression` section, so that errors show values as that file writes them.
    static func parse(_ root: Node, path: String) throws -> CompressionConfig {
        guard let mapping = root.any as? [String: Any] else {
            throw ConfigError.unreadable(path: path, reason: "the top level must be a mapping of keys")
        }
        try checkKeys(mapping, section: "", in: root)
        let config: CompressionConfig
        do { config = try YAMLInput.decode(CompressionConfig.self, from: root, choices: Self.choices) { try $0.validate() } } catch let error as DecodingError {
            throw ConfigError.unreadable(path: path, reason: FeatureSet.describe(error))
        }
        do { try config.validate() } catch { throw YAMLInput.asWritten(error, in: root) }
        return config
    }

    /// Loads a YAML file.
    public static func load(path: String) throws -> CompressionConfig {
        do { return try parse(yaml: try YAMLInput.read(path: path), path: path) } catch let error as ConfigError {
            throw error.located(in: path)
        }
    }

    private static func checkKeys(_ mapping: [String: Any], section: String, in root: Node) throws {
        let allowed = schema[section] ?? []
        for (key, value) in mapping.sorted(by: { $0.key < $1.key }) {
            let full = section.isEmpty ? key : "\(section).\(key)"
            guard allowed.contains(key) else { throw ConfigError.unknownKey(key: full, allowed: allowed) }
            if section.isEmpty, schema[key] != nil, key != "strategy_params" {
                guard let sub = value as? [String: Any] else {
                    throw ConfigError.invalidValue(key: full, value: YAMLInput.written(at: [key], in: root) ?? "\(value)", expected: "a mapping of keys")
                }
                try checkKeys(sub, section: key, in: root)
            }
        }
    }

    /// The allowed words of the keys whose values are names (Codable's own message names a Swift type).
    static let choices: [String: [String]] = [
        "emission.format": SequenceFormat.allCases.map(\.rawValue), "emission.mode": SpendMode.allCases.map(\.rawValue),
        "allocation.zoom": ZoomMode.allCases.map(\.rawValue),
    ]
}
