/// `manifest.json`, schema `arrcoc.manifest/1`: what was compressed, how, and every block.
/// Other tools read these names; change them only with a new schema version.
public struct Manifest: Codable, Sendable, Equatable {
    public struct Budget: Codable, Sendable, Equatable {
        public var tokens: Int
        public var used: Int
    }

    public struct Strategy: Codable, Sendable, Equatable {
        public var name: String
        public var parameters: [String: String]
    }

    public struct QueryInfo: Codable, Sendable, Equatable {
        /// `image` or `embedding`.
        public var kind: String
        public var path: String
        /// Query vectors used (an image gives its cells plus their mean).
        public var vectors: Int

        public init(kind: String, path: String, vectors: Int) {
            self.kind = kind
            self.path = path
            self.vectors = vectors
        }
    }

    public struct ManifestBlock: Codable, Sendable, Equatable {
        public var index: Int
        /// Block time in seconds (mean of its two frames' times).
        public var timeSeconds: Double
        /// The timestamp text written before the block.
        public var timestamp: String
        /// Tokens of the timestamp text.
        public var timestampTokens: Int
        /// Vision tokens of the block.
        public var tokens: Int
        /// LLM-token grid (t, h, w); h·w = tokens in resize mode. (`video_grid_thw` counts 16-px
        /// patches: 2h × 2w.)
        public var grid: THW
        public var relevance: Double
        public var density: Density
        /// Times (s) of the two source frames of the temporal patch (equal when repeated).
        public var frameTimes: [Double]
        /// Select mode: the kept cells, row-major indices on `grid`.
        public var keptCells: [Int]?
        /// A zoom block's region of the frame, `[x, y, w, h]` normalised to the source frame;
        /// absent for the whole frame.
        public var region: [Double]? = nil

        enum CodingKeys: String, CodingKey {
            case index, timestamp, tokens, grid, relevance, density, region
            case timeSeconds = "time_s", timestampTokens = "timestamp_tokens"
            case frameTimes = "frame_times_s", keptCells = "kept_cells"
        }
    }

    public struct Totals: Codable, Sendable, Equatable {
        public var blocks: Int
        public var visionTokens: Int
        public var textTokens: Int
        public var sequenceLength: Int
        /// Tokens Qwen3-VL's default preprocessing (qwen-vl-utils, 2 fps) gives the same video,
        /// vision plus per-block text.
        public var qwen3vlDefaultTokens: Int
        public var qwen3vlDefault: QwenVideoDefaults.Plan
        /// `qwen3vl_default_tokens / sequence_length`.
        public var compressionRatio: Double

        /// How a compression ratio (Qwen3-VL's default tokens ÷ tokens used) reads in a summary:
        /// "4.0× smaller", or "2.0× larger" for a budget above the default (never "0.5× smaller").
        public static func ratioPhrase(_ ratio: Double) -> String {
            guard ratio.isFinite, ratio > 0 else { return "no tokens used" }
            let shown = String(format: "%.1f", ratio >= 1 ? ratio : 1 / ratio)
            if shown == "1.0" { return "about the same size" }
            return ratio >= 1 ? "\(shown)× smaller" : "\(shown)× larger"
        }

        enum CodingKeys: String, CodingKey {
            case blocks
            case visionTokens = "vision_tokens", textTokens = "text_tokens", sequenceLength = "sequence_length"
            case qwen3vlDefaultTokens = "qwen3vl_default_tokens", qwen3vlDefault = "qwen3vl_default"
            case compressionRatio = "compression_ratio"
        }
    }

    public struct ScoringInfo: Codable, Sendable, Equatable {
        public var peakedness: Double
        public var exploit: Double
        public var weights: [String: Double]
        /// Every candidate frame: time, relevance (0…1) and raw query similarity.
        public var candidates: [Candidate]
    }

    public struct Candidate: Codable, Sendable, Equatable {
        public var timeSeconds: Double
        public var relevance: Double
        public var similarity: Double

        enum CodingKeys: String, CodingKey {
            case relevance, similarity
            case timeSeconds = "time_s"
        }
    }

    public var schema = "arrcoc.manifest/1"
    public var source: FeatureInfo.Source
    public var query: QueryInfo
    public var format: SequenceFormat
    public var mode: SpendMode
    public var strategy: Strategy
    public var budget: Budget
    public var blocks: [ManifestBlock]
    public var totals: Totals
    public var scoring: ScoringInfo?

    enum CodingKeys: String, CodingKey {
        case schema, source, query, format, mode, strategy, budget, blocks, totals, scoring
    }
}
