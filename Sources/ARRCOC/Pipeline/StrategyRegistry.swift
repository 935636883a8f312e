/// Every allocation strategy by name, with its parameters (YAML `strategy_params`, sweep
/// parameter grids). Unknown names and parameters are errors naming them.
public enum StrategyRegistry {
    /// Names and their parameters with defaults.
    public static let strategies: [(name: String, parameters: [String: Double])] = [
        ("arrcoc", [:]),
        ("uniform", [:]),
        ("random", ["seed": 1, "tokens_per_frame": 150]),
        ("topk", ["tokens_per_frame": 150]),
        ("bolt", ["alpha": 2, "tokens_per_frame": 150]),
        ("aks", ["depth": 4, "threshold": 0.3, "tokens_per_frame": 150]),
    ]

    public static var names: [String] { strategies.map(\.name) }

    /// The allocator `name` with `parameters` (missing ones take their defaults).
    public static func allocator(named name: String, parameters: [String: Double] = [:]) throws(ConfigError) -> any BudgetAllocator {
        guard let spec = strategies.first(where: { $0.name == name }) else {
            throw .invalidValue(key: "strategy", value: name, expected: "one of \(names.joined(separator: ", "))")
        }
        for key in parameters.keys.sorted() where spec.parameters[key] == nil {
            throw .unknownKey(key: "strategy_params.\(key) (for \(name))", allowed: spec.parameters.keys.sorted())
        }
        let p = spec.parameters.merging(parameters) { $1 }
        func value(_ key: String, in range: ClosedRange<Double>) throws(ConfigError) -> Double {
            let v = p[key] ?? 0
            try ConfigError.check("strategy_params.\(key)", v, in: range)
            return v
        }
        switch name {
        case "arrcoc": return LagrangianAllocator()
        case "uniform": return UniformAllocator()
        case "random": return RandomAllocator(seed: UInt64(try value("seed", in: 0...1e15)), tokensPerFrame: try value("tokens_per_frame", in: 1...16384))
        case "topk": return TopKAllocator(tokensPerFrame: try value("tokens_per_frame", in: 1...16384))
        case "bolt": return BOLTAllocator(alpha: try value("alpha", in: 0...20), tokensPerFrame: try value("tokens_per_frame", in: 1...16384))
        default:
            return AKSAllocator(depth: Int(try value("depth", in: 0...16)), threshold: try value("threshold", in: 0...1),
                                tokensPerFrame: try value("tokens_per_frame", in: 1...16384))
        }
    }
}
