import Foundation

/// Where a features file came from and how it was made: the `arrcoc` JSON in its
/// `__metadata__` (schema `arrcoc.features/1`).
public struct FeatureInfo: Codable, Sendable, Equatable {
    public struct Source: Codable, Sendable, Equatable {
        public var path: String
        public var sha256: String
        public var durationSeconds: Double
        public var fps: Double
        public var width: Int
        public var height: Int
        public var codec: String

        public init(path: String, sha256: String, durationSeconds: Double, fps: Double, width: Int, height: Int, codec: String) {
            self.path = path
            self.sha256 = sha256
            self.durationSeconds = durationSeconds
            self.fps = fps
            self.width = width
            self.height = height
            self.codec = codec
        }

        enum CodingKeys: String, CodingKey {
            case path, sha256, fps, width, height, codec
            case durationSeconds = "duration_s"
        }
    }

    public struct Analysis: Codable, Sendable, Equatable {
        /// Candidate frames per second.
        public var candidateFPS: Double
        /// Grid of cells (rows × cols); each cell is `cellPixels` square in the analysed frame.
        public var rows: Int
        public var cols: Int
        public var cellPixels: Int
        /// Which pass made the frames (coarse-to-fine, Docs/coarse-to-fine.md); nil for a full
        /// analysis at `candidateFPS`, and then absent from the file.
        public var pass: Pass? = nil
        /// How the coarse frames were chosen (coarse and coarse-to-fine files).
        public var coarse: CoarsePass? = nil
        /// The windows analysed densely, `[start_s, end_s]` each (coarse-to-fine files).
        public var windows: [[Double]]? = nil

        public init(candidateFPS: Double, rows: Int, cols: Int, cellPixels: Int = 32) {
            self.candidateFPS = candidateFPS
            self.rows = rows
            self.cols = cols
            self.cellPixels = cellPixels
        }

        enum CodingKeys: String, CodingKey {
            case rows, cols, pass, coarse, windows
            case candidateFPS = "candidate_fps"
            case cellPixels = "cell_px"
        }
    }

    public struct Embedder: Codable, Sendable, Equatable {
        public var name: String
        public var version: Int
        public var dimension: Int
        public init(name: String, version: Int, dimension: Int) {
            self.name = name
            self.version = version
            self.dimension = dimension
        }
    }

    public var schema = FeatureInfo.schemaName
    public var source: Source
    public var analysis: Analysis
    public var embedder: Embedder

    public static let schemaName = "arrcoc.features/1"

    public init(source: Source, analysis: Analysis, embedder: Embedder) {
        self.source = source
        self.analysis = analysis
        self.embedder = embedder
    }
}

/// Everything the scorer needs about a video: per candidate frame, a grid of cell embeddings
/// and cues. Stored as a safetensors features file (see Docs/features.md).
public struct FeatureSet: Sendable {
    public var info: FeatureInfo
    /// Candidate frame times, seconds from the stream's start, increasing.
    public var times: [Double]
    /// `T × rows × cols × dimension`, each cell unit length.
    public var embeddings: [Float]
    /// Cue maps `T × rows × cols`; nil in external features that have none.
    public var information: [Float]?
    public var edges: [Float]?
    public var change: [Float]?
    /// Fitted state of the built-in embedder; nil for external features.
    public var embedder: DescriptorEmbedder?
    /// The raw cell descriptors the embeddings were made from, `T × rows × cols × 28`: kept by
    /// coarse passes only (tensor `descriptors`), so that the fine pass can refit the embedder
    /// on coarse and fine frames together (Docs/coarse-to-fine.md); nil otherwise.
    public var descriptors: [Float]? = nil

    public var frameCount: Int { times.count }
    public var rows: Int { info.analysis.rows }
    public var cols: Int { info.analysis.cols }
    public var cellsPerFrame: Int { rows * cols }
    public var dimension: Int { info.embedder.dimension }

    public init(info: FeatureInfo, times: [Double], embeddings: [Float], information: [Float]?, edges: [Float]?,
                change: [Float]?, embedder: DescriptorEmbedder?) {
        self.info = info
        self.times = times
        self.embeddings = embeddings
        self.information = information
        self.edges = edges
        self.change = change
        self.embedder = embedder
    }
}
