import Foundation

extension FeatureInfo {
    /// The pass of a coarse-to-fine analysis that made a features file (`analysis.pass`).
    public enum Pass: String, Codable, Sendable, Equatable {
        /// Keyframes (or a low rate): query-independent, cacheable like any features file.
        case coarse
        /// A coarse file with windows around a query's relevant places analysed at the
        /// candidate rate, merged (times increasing).
        case coarseToFine = "coarse-to-fine"
    }

    /// How a coarse pass chose its frames (`analysis.coarse`).
    public struct CoarsePass: Codable, Sendable, Equatable {
        public enum Method: String, Codable, Sendable, Equatable {
            /// Keyframes only, none decoded but them.
            case keyframes
            /// Every frame decoded (non-reference frames skipped), described at `low_rate_fps`:
            /// the fallback when keyframes are further apart than `max_keyframe_gap_s`.
            case lowRate = "low-rate"
        }

        public var method: Method
        /// Keyframes the container lists (nil when unknown).
        public var keyframes: Int?
        /// Longest stretch without a keyframe (s), as the container lists them (nil when unknown).
        public var largestKeyframeGapSeconds: Double?
        /// The limit it was checked against.
        public var maxKeyframeGapSeconds: Double
        /// Longest stretch between the coarse frames kept, start and end included (s).
        public var largestGapSeconds: Double

        public init(method: Method, keyframes: Int?, largestKeyframeGapSeconds: Double?, maxKeyframeGapSeconds: Double,
                    largestGapSeconds: Double) {
            self.method = method
            self.keyframes = keyframes
            self.largestKeyframeGapSeconds = largestKeyframeGapSeconds
            self.maxKeyframeGapSeconds = maxKeyframeGapSeconds
            self.largestGapSeconds = largestGapSeconds
        }

        enum CodingKeys: String, CodingKey {
            case method, keyframes
            case largestKeyframeGapSeconds = "largest_keyframe_gap_s"
            case maxKeyframeGapSeconds = "max_keyframe_gap_s"
            case largestGapSeconds = "largest_gap_s"
        }
    }
}
