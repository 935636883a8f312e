import Foundation

/// Upper bounds on what arrcoc accepts from files and flags, so that no value read from a file
/// can make it allocate, loop or wait without bound. Each has a default and an environment
/// variable that raises it (`ARRCOC_MAX_…`); see Docs/limits.md.
public enum Limit: String, CaseIterable, Sendable {
    /// Seconds of video (features metadata, truth events, manifests).
    case durationSeconds
    /// Candidate frames in a features file.
    case candidateFrames
    /// Cells per frame in a features file (rows × cols).
    case cellsPerFrame
    /// Embedding dimension of features and queries.
    case embeddingDimension
    /// Query vectors in a query embedding.
    case queryVectors
    /// Width or height of a video, in pixels.
    case frameSide
    /// Pixels of one frame or image (width × height), checked before decoding; the same variable
    /// as VideoDecoding's `FramePixelLimit`.
    case framePixels
    /// Frames per second of a source video.
    case sourceFPS
    /// Token budget.
    case budgetTokens
    /// Events in a truth file or a haystack recipe.
    case events
    /// Blocks in a manifest.
    case blocks
    /// Bytes of a side file (safetensors, npy, features).
    case sideFileBytes
    /// Bytes of a JSON file (a manifest read by `eval`).
    case jsonBytes
    /// Bytes of a YAML file (config, sweep, truth).
    case yamlBytes
    /// Nodes of a YAML document after expanding its aliases (refuses alias bombs).
    case yamlNodes
    /// Event × block comparisons `eval` makes (kept cells counted in select mode).
    case evaluationWork

    /// The value used when the environment does not raise it.
    public var defaultValue: Double {
        switch self {
        case .durationSeconds: 7 * 86_400
        case .candidateFrames: 1_000_000
        case .cellsPerFrame: 16_384
        case .embeddingDimension: 16_384
        case .queryVectors: 65_536
        case .frameSide: 32_768
        case .framePixels: 100_000_000
        case .sourceFPS: 1_000
        case .budgetTokens: 16_777_216
        case .events: 10_000
        case .blocks: 262_144
        case .sideFileBytes: 16 * 1_073_741_824
        case .jsonBytes: 128 * 1_048_576
        case .yamlBytes: 4 * 1_048_576
        case .yamlNodes: 100_000
        case .evaluationWork: 200_000_000
        }
    }

    /// The environment variable that sets this limit, e.g. `ARRCOC_MAX_DURATION_S`.
    public var environmentVariable: String {
        switch self {
        case .durationSeconds: "ARRCOC_MAX_DURATION_S"
        case .candidateFrames: "ARRCOC_MAX_CANDIDATE_FRAMES"
        case .cellsPerFrame: "ARRCOC_MAX_CELLS_PER_FRAME"
        case .embeddingDimension: "ARRCOC_MAX_EMBEDDING_DIM"
        case .queryVectors: "ARRCOC_MAX_QUERY_VECTORS"
        case .frameSide: "ARRCOC_MAX_FRAME_SIDE"
        case .framePixels: "ARRCOC_MAX_FRAME_PIXELS"
        case .sourceFPS: "ARRCOC_MAX_SOURCE_FPS"
        case .budgetTokens: "ARRCOC_MAX_BUDGET"
        case .events: "ARRCOC_MAX_EVENTS"
        case .blocks: "ARRCOC_MAX_BLOCKS"
        case .sideFileBytes: "ARRCOC_MAX_SIDE_FILE_BYTES"
        case .jsonBytes: "ARRCOC_MAX_JSON_BYTES"
        case .yamlBytes: "ARRCOC_MAX_YAML_BYTES"
        case .yamlNodes: "ARRCOC_MAX_YAML_NODES"
        case .evaluationWork: "ARRCOC_MAX_EVAL_WORK"
        }
    }

    /// What the limit counts, for messages.
    public var unit: String {
        switch self {
        case .durationSeconds: "seconds"
        case .candidateFrames: "candidate frames"
        case .cellsPerFrame: "cells per frame"
        case .embeddingDimension: "dimensions"
        case .queryVectors: "query vectors"
        case .frameSide, .framePixels: "pixels"
        case .sourceFPS: "frames per second"
        case .budgetTokens: "tokens"
        case .events: "events"
        case .blocks: "blocks"
        case .sideFileBytes, .yamlBytes, .jsonBytes: "bytes"
        case .yamlNodes: "YAML nodes (aliases expanded)"
        case .evaluationWork: "comparisons"
        }
    }

    /// The most any limit may be raised to, 2⁴⁸: far beyond any real video, budget or file, and
    /// low enough that no sum or product of two limited values overflows `Int`.
    public static let ceiling: Double = 281_474_976_710_656

    /// Values read once from the environment: a positive number up to `ceiling` replaces the
    /// default (the CLI refuses any other value first, `checkEnvironment`).
    private static let configured: [Limit: Double] = {
        let environment = ProcessInfo.processInfo.environment
        var values: [Limit: Double] = [:]
        for limit in Limit.allCases {
            values[limit] = (try? limit.parse(environment[limit.environmentVariable])) ?? limit.defaultValue
        }
        return values
    }()

    /// The value an environment variable's text sets: nil when unset; a whole number from 1 to
    /// `ceiling` in decimal digits, else `LimitError.badEnvironment`.
    func parse(_ text: String?) throws(LimitError) -> Double? {
        guard let text else { return nil }
        // Decimal digits only: "0.5" truncated to 0 would switch a limit off, and Double() also
        // reads "0x10", "1e2" and "+5".
        guard !text.isEmpty, text.count <= 15, text.allSatisfy({ $0.isASCII && $0.isNumber }),
              let v = Double(text), v >= 1, v <= Self.ceiling else {
            throw .badEnvironment(variable: environmentVariable, value: text)
        }
        return v
    }

    /// Throws `LimitError.badEnvironment` for the first `ARRCOC_MAX_…` variable of `environment`
    /// that is set to anything but a positive number up to `ceiling` (the CLI checks before any
    /// work, so that a typo never silently leaves the default in force).
    public static func checkEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws(LimitError) {
        for limit in allCases { _ = try limit.parse(environment[limit.environmentVariable]) }
    }

    /// The limit in force.
    public var value: Double { Self.configured[self] ?? defaultValue }

    /// The limit as an integer (clamped to `Int.max`).
    public var intValue: Int { value >= Double(Int.max) ? Int.max : Int(value) }

    /// Throws `LimitError.exceeded` when `amount` is above the limit (or not finite).
    public func check(_ amount: Double, in source: String, what: String) throws(LimitError) {
        guard amount.isFinite, amount <= value else {
            throw .exceeded(source: source, what: what, value: "\(amount)", limit: self)
        }
    }

    /// Throws `LimitError.exceeded` when `amount` is above the limit.
    public func check(_ amount: Int, in source: String, what: String) throws(LimitError) {
        guard amount <= intValue else { throw .exceeded(source: source, what: what, value: "\(amount)", limit: self) }
    }
}

/// A value is beyond one of arrcoc's named limits (`Limit`); the message says how to raise it.
public enum LimitError: Error, Equatable, LocalizedError {
    /// `what` in `source` (a file or a flag) is `value`, above `limit`.
    case exceeded(source: String, what: String, value: String, limit: Limit)
    /// An `ARRCOC_MAX_…` environment variable holds `value`, not a limit.
    case badEnvironment(variable: String, value: String)

    public var errorDescription: String? {
        switch self {
        case let .exceeded(source, what, value, limit):
            let shown = limit.value == limit.value.rounded() && limit.value < 1e15 ? "\(Int(limit.value))" : "\(limit.value)"
            return "\(source): \(what) is \(value), beyond the limit of \(shown) \(limit.unit); "
                + "set \(limit.environmentVariable) to raise it if this is intended"
        case let .badEnvironment(variable, value):
            return "environment variable \(variable) is \"\(ConfigError.shown(value, limit: 40))\": "
                + "expected a whole number from 1 to \(Int(Limit.ceiling)) (2^48), or unset for the default"
        }
    }
}

/// Integer arithmetic that reports overflow instead of trapping.
public enum CheckedMath {
    /// The product of `factors`, or nil when it overflows `Int` or a factor is negative.
    public static func product(_ factors: [Int]) -> Int? {
        var result = 1
        for f in factors {
            guard f >= 0 else { return nil }
            let (p, overflow) = result.multipliedReportingOverflow(by: f)
            if overflow { return nil }
            result = p
        }
        return result
    }

    /// `value` as an `Int` when it is a finite whole number within `range`; nil otherwise.
    public static func integer(_ value: Double, in range: ClosedRange<Int>) -> Int? {
        guard value.isFinite, value == value.rounded(), value >= Double(range.lowerBound), value <= Double(range.upperBound) else {
            return nil
        }
        // Double(Int.max) rounds up to 2^63, which Int cannot hold.
        guard value < 9.223_372_036_854_775_807e18 else { return nil }
        return Int(value)
    }
}
