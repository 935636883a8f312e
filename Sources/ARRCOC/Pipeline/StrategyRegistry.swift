/// Every allocation strategy with its parameters (YAML `strategy_params`, sweep parameter
/// grids). Unknown names and parameters are errors naming them.
public enum StrategyRegistry {
    /// The parameters `strategy` takes, with their defaults.
    public static func parameters(of strategy: Strategy) -> [String: Double] {
        switch strategy {
        case .arrcoc, .uniform: [:]
        case .random: ["seed": 1, "tokens_per_frame": 150]
        case .topk: ["tokens_per_frame": 150]
        case .bolt: ["alpha": 2, "tokens_per_frame": 150]
        case .aks: ["depth": 4, "threshold": 0.3, "tokens_per_frame": 150]
        }
    }

    /// Every strategy name, in declaration order.
    public static var names: [String] { Strategy.names }

    /// The allocator called `name` with `parameters` (missing ones take their defaults).
    /// - Throws: `ConfigError` naming an unknown strategy, an unknown parameter or a value out of range.
    public static func allocator(named name: String, parameters: [String: Double] = [:]) throws(ConfigError) -> any BudgetAllocator {
        try allocator(try Strategy(name: name), parameters: parameters)
    }

    /// The allocator of `strategy` with `parameters` (missing ones take their defaults).
    /// - Throws: `ConfigError` naming an unknown parameter or a value out of range.
    public static func allocator(_ strategy: Strategy, parameters: [String: Double] = [:]) throws(ConfigError) -> any BudgetAllocator {
        let defaults = Self.parameters(of: strategy)
        for key in parameters.keys.sorted() where defaults[key] == nil {
            throw .unknownKey(key: "strategy_params.\(key) (for \(strategy.rawValue))", allowed: defaults.keys.sorted())
        }
        let p = defaults.merging(parameters) { $1 }
        func value(_ key: String, in range: ClosedRange<Double>) throws(ConfigError) -> Double {
            let v = p[key] ?? 0
            try ConfigError.check("strategy_params.\(key)", v, in: range)
            return v
        }
        let tokensPerFrame: ClosedRange<Double> = 1...16384
        switch strategy {
        case .arrcoc:
            return LagrangianAllocator()
        case .uniform:
            return UniformAllocator()
        case .random:
            return RandomAllocator(seed: UInt64(try value("seed", in: 0...1e15)), tokensPerFrame: try value("tokens_per_frame", in: tokensPerFrame))
        case .topk:
            return TopKAllocator(tokensPerFrame: try value("tokens_per_frame", in: tokensPerFrame))
        case .bolt:
            return BOLTAllocator(alpha: try value("alpha", in: 0...20), tokensPerFrame: try value("tokens_per_frame", in: tokensPerFrame))
        case .aks:
            return AKSAllocator(depth: Int(try value("depth", in: 0...16)), threshold: try value("threshold", in: 0...1),
                                tokensPerFrame: try value("tokens_per_frame", in: tokensPerFrame))
        }
    }
}
