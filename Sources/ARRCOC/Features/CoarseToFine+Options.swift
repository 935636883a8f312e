import Foundation

extension CoarseToFine {
    /// The knobs (YAML section `coarse_to_fine`, snake_case keys as in `Configs/default.yaml`);
    /// defaults are the documented values (Docs/coarse-to-fine.md) and live here only.
    public struct Options: Codable, Sendable, Equatable {
        /// The longest stretch without a keyframe (seconds) the keyframe pass accepts. Beyond it
        /// an event shorter than the gap could fall between two keyframes unseen, so the coarse
        /// pass decodes every frame and describes a low rate instead (`lowRateFPS`).
        public var maxKeyframeGapSeconds = 6.0
        /// Keyframes closer than this (seconds) to the previous one kept are not decoded (a
        /// 0.5 s GOP would otherwise cost 2 intra decodes a second).
        public var keyframeSpacingSeconds = 1.0
        /// Rate of the low-rate fallback (frames per second).
        public var lowRateFPS = 0.5
        /// At most this many dense windows per query. 12: a 15-minute clip whose background
        /// loops a 10-s scene that resembles the needle (7 times) next to 4 needle events needs 11
        /// (with 8 one event got no window and recall@1 s fell to 0.71 / 0.77 / 0.86 at 1 / 3 /
        /// 10%); each window costs about 30 s of dense analysis (Docs/coarse-to-fine.md).
        public var maxWindows = 12
        /// Seconds of dense analysis added on each side of a relevant coarse frame's neighbours:
        /// the scorer reads a moment against each cell's background over ±15 s
        /// (`scoring.evidence_window_s`), so a window must hold some background too.
        public var contextSeconds = 10.0
        /// Half-width (seconds) of the background a coarse frame's query similarity is read
        /// against when the windows are picked.
        public var backgroundSeconds = 60.0
        /// A coarse frame opens a window only when its evidence exceeds this many robust standard
        /// deviations of all coarse frames' evidence (1.4826 × its median absolute deviation):
        /// the level background frames reach by chance; slots no frame earns stay unused. 0 (the
        /// default) takes every frame with positive evidence: on the bench clip 3 saved 4 of the
        /// 8 windows but cost recall at 1% (Docs/coarse-to-fine.md).
        public var minEvidence = 0.0

        public init() {}

        enum CodingKeys: String, CodingKey, CaseIterable {
            case maxKeyframeGapSeconds = "max_keyframe_gap_s"
            case keyframeSpacingSeconds = "keyframe_spacing_s"
            case lowRateFPS = "low_rate_fps"
            case maxWindows = "max_windows"
            case contextSeconds = "context_s"
            case backgroundSeconds = "background_s"
            case minEvidence = "min_evidence"
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let d = Options()
            maxKeyframeGapSeconds = try c.decodeIfPresent(Double.self, forKey: .maxKeyframeGapSeconds) ?? d.maxKeyframeGapSeconds
            keyframeSpacingSeconds = try c.decodeIfPresent(Double.self, forKey: .keyframeSpacingSeconds) ?? d.keyframeSpacingSeconds
            lowRateFPS = try c.decodeIfPresent(Double.self, forKey: .lowRateFPS) ?? d.lowRateFPS
            maxWindows = try c.decodeIfPresent(Int.self, forKey: .maxWindows) ?? d.maxWindows
            contextSeconds = try c.decodeIfPresent(Double.self, forKey: .contextSeconds) ?? d.contextSeconds
            backgroundSeconds = try c.decodeIfPresent(Double.self, forKey: .backgroundSeconds) ?? d.backgroundSeconds
            minEvidence = try c.decodeIfPresent(Double.self, forKey: .minEvidence) ?? d.minEvidence
        }

        /// The allowed range of each option, by its YAML key (one table for both checks below).
        static let ranges: [(key: CodingKeys, range: ClosedRange<Double>)] = [
            (.maxKeyframeGapSeconds, 0.1...600), (.keyframeSpacingSeconds, 0...600), (.lowRateFPS, 0.01...60),
            (.maxWindows, 0...1000), (.contextSeconds, 0...600), (.backgroundSeconds, 1...36000),
            (.minEvidence, 0...100),
        ]

        private func value(_ key: CodingKeys) -> Double {
            switch key {
            case .maxKeyframeGapSeconds: maxKeyframeGapSeconds
            case .keyframeSpacingSeconds: keyframeSpacingSeconds
            case .lowRateFPS: lowRateFPS
            case .maxWindows: Double(maxWindows)
            case .contextSeconds: contextSeconds
            case .backgroundSeconds: backgroundSeconds
            case .minEvidence: minEvidence
            }
        }

        /// Range checks; errors name the option.
        public func validate() throws(CoarseToFineError) {
            for (key, range) in Self.ranges {
                let x = value(key)
                guard x.isFinite, range.contains(x) else {
                    throw .invalidOption(name: key.rawValue, value: x, expected: "\(ConfigError.number(range.lowerBound))…\(ConfigError.number(range.upperBound))")
                }
            }
        }

        /// The same checks as a config file's (`coarse_to_fine.KEY`), for `CompressionConfig.validate()`.
        func validateConfig() throws(ConfigError) {
            for (key, range) in Self.ranges {
                if key == .maxWindows {
                    try ConfigError.check("coarse_to_fine.\(key.rawValue)", maxWindows, in: Int(range.lowerBound)...Int(range.upperBound))
                } else {
                    try ConfigError.check("coarse_to_fine.\(key.rawValue)", value(key), in: range)
                }
            }
        }
    }
}
