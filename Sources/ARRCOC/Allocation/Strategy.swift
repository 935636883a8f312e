/// An allocation strategy: arrcoc's own solver or one of the baselines it is compared with.
///
/// The raw value is the name everywhere text carries a strategy: YAML (`strategy`, a sweep's
/// `strategies[].name`), the command line (`--strategy`), manifests (`strategy.name`) and sweep
/// results. Adding a case makes every `switch` over strategies fail to compile until it is
/// handled, so a new name can never silently become another strategy.
public enum Strategy: String, CaseIterable, Sendable, Codable {
    /// Lagrangian relaxation over relevance (`LagrangianAllocator`).
    case arrcoc
    /// What Qwen3-VL does by default, scaled to the budget (`UniformAllocator`).
    case uniform
    /// Units in a seeded random order (`RandomAllocator`).
    case random
    /// The most relevant units (`TopKAllocator`).
    case topk
    /// Inverse transform sampling of relevance (`BOLTAllocator`).
    case bolt
    /// Adaptive keyframe sampling's judge-and-split (`AKSAllocator`).
    case aks

    /// Every name, in declaration order (for help texts and error messages).
    public static var names: [String] { allCases.map(\.rawValue) }

    /// The strategy called `name`.
    /// - Throws: `ConfigError.invalidValue` naming `key`, the bad name and the known names.
    public init(name: String, key: String = "strategy") throws(ConfigError) {
        guard let strategy = Strategy(rawValue: name) else {
            throw .invalidValue(key: key, value: name, expected: "one of \(Self.names.joined(separator: ", "))")
        }
        self = strategy
    }
}
