import ARRCOC
import Foundation
import VideoDecoding

/// Pictures of a compression a person looks at: `preview.png` (`ContactSheet`) and
/// `timeline.svg` (`TimelineSVG`), written into an output directory.
public enum Preview {
    public static let sheetName = "preview.png"
    public static let timelineName = "timeline.svg"

    /// Writes both pictures into an existing output `directory` of compress, where a picture
    /// already there is replaced only if arrcoc wrote it (its marker lists it), and the marker then
    /// lists both: what `arrcoc preview` does.
    public static func add(manifest: Manifest, pixelValues: [Float], heat: ContactSheet.Heat? = nil, to directory: URL) throws {
        let markerURL = directory.appendingPathComponent(StagedOutput.markerName)
        var marker = (FileManager.default.contents(atPath: markerURL.path)).flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] } ?? [:]
        var files = marker["files"] as? [String] ?? []
        for name in [sheetName, timelineName] {
            let path = directory.appendingPathComponent(name).path
            var status = stat()
            if lstat(path, &status) == 0, !files.contains(name) {
                throw PreviewError.foreignFile(path: path)
            }
        }
        try write(manifest: manifest, pixelValues: pixelValues, heat: heat, to: directory)
        guard marker["tool"] as? String == "arrcoc" else { return }  // no marker: nothing to list the pictures in
        files = Array(Set(files).union([sheetName, timelineName])).sorted()
        marker["files"] = files
        try AtomicWrite.write(try JSONSerialization.data(withJSONObject: marker, options: [.sortedKeys]) + Data("\n".utf8), to: markerURL.path)
    }

    /// Writes both pictures into `directory` (each atomically).
    public static func write(manifest: Manifest, pixelValues: [Float], heat: ContactSheet.Heat? = nil, to directory: URL) throws {
        let sheet = ContactSheet.render(manifest: manifest, pixelValues: pixelValues, heat: heat)
        try PNGWriter.write(VideoFrame(time: 0, target: 0, sourceIndex: 0, size: PixelSize(width: sheet.width, height: sheet.height), rgb: sheet.pixels),
                            to: directory.appendingPathComponent(sheetName).path)
        let svg = TimelineSVG.render(manifest: manifest, thumbnail: thumbnail(manifest.query))
        try AtomicWrite.write(Data(svg.utf8), to: directory.appendingPathComponent(timelineName).path)
    }

    /// Writes the pictures of `result` (heat from its scores when `heat` is set).
    public static func write(_ result: CompressionResult, features: FeatureSet, heat: Bool, to directory: URL) throws {
        let overlay = heat ? result.scores.map { Self.heat(features: features, scores: $0, manifest: result.manifest) } : nil
        try write(manifest: result.manifest, pixelValues: result.sequence.pixelValues, heat: overlay, to: directory)
    }

    /// Per block, the relevance of each analysis cell (the max over the block's two frames),
    /// relative to the most relevant cell of the whole video (1).
    public static func heat(features: FeatureSet, scores: RelevanceScores, manifest: Manifest) -> ContactSheet.Heat {
        let per = features.cellsPerFrame
        let top = scores.cells.filter(\.isFinite).max() ?? 1
        let scale: Float = top > 0 ? 1 / top : 1
        let blocks = manifest.blocks.map { block -> [Float] in
            let frames = block.frameTimes.map { nearest($0, in: features.times) }
            return (0..<per).map { c in (frames.map { scores.cells[$0 * per + c] }.max() ?? 0) * scale }
        }
        return ContactSheet.Heat(grid: THW(t: 1, h: features.rows, w: features.cols), blocks: blocks)
    }

    /// Scores the manifest's query again on the video's features (`featuresPath`, or the video
    /// analysed now) and returns the heat of its blocks: what `arrcoc preview --heat` draws.
    /// The video is `video`, else the manifest's source path (relative to the working directory,
    /// as compress was given it); either must be the video the manifest records (its SHA-256).
    public static func heat(for manifest: Manifest, video: String? = nil, featuresPath: String?,
                            progress: @escaping ProgressHandler = { _ in }) throws -> ContactSheet.Heat {
        var config = CompressionConfig()
        config.emission.mode = manifest.mode
        let engine = try Engine(config: config, progress: progress)
        let video = video ?? manifest.source.path
        guard FileManager.default.fileExists(atPath: video) else {
            throw PreviewError.videoNotFound(path: video, manifestVideo: manifest.source.path)
        }
        let features = try featuresPath.map { try engine.features(at: $0, for: video) } ?? engine.analyze(video: video)
        // The video's digest as the features hold it (the engine hashes the video once, while
        // analysing it or checking the features file against it; no second read here).
        let digest = features.info.source.sha256
        guard manifest.source.sha256.isEmpty || digest == manifest.source.sha256 else {
            throw PreviewError.anotherVideo(path: video, digest: digest, manifestVideo: manifest.source.path, manifestDigest: manifest.source.sha256)
        }
        let query = manifest.query.kind == "image"
            ? try engine.query(image: manifest.query.path, features: features, featuresPath: featuresPath)
            : try engine.query(embedding: manifest.query.path, features: features)
        let scores = try OpponentProcessingScorer(config: config.scoring).score(features, query: query.query)
        return heat(features: features, scores: scores, manifest: manifest)
    }

    /// Reads an output directory of `arrcoc compress`: its manifest and `pixel_values_videos`,
    /// checked against each other first (`CompressionOutput.check`), so that a manifest edited or
    /// paired with another run's tensors is refused, not drawn as garbage.
    public static func load(directory: URL) throws -> (manifest: Manifest, pixelValues: [Float]) {
        let (manifest, file) = try CompressionOutput.check(directory: directory)
        guard let pixels = try file.floats("pixel_values_videos") else {
            throw FormatError.missingTensor(path: file.path, name: "pixel_values_videos")
        }
        return (manifest, pixels)
    }

    /// A PNG of the query image at most 120 px on a side; nil for embeddings or unreadable images.
    static func thumbnail(_ query: Manifest.QueryInfo) -> Data? {
        guard query.kind == "image", let reader = try? VideoReader(path: query.path) else { return nil }
        let (w, h) = (reader.info.width, reader.info.height)
        guard w > 0, h > 0 else { return nil }
        let scale = min(1, 120 / Double(max(w, h)))
        let size = PixelSize(width: max(2, Int(Double(w) * scale) & ~1), height: max(2, Int(Double(h) * scale) & ~1))
        var png: Data? = nil
        _ = try? reader.fetch(times: [0], size: size) { png = try? PNGWriter.encode($0, path: query.path) }
        return png
    }

    static func nearest(_ t: Double, in times: [Double]) -> Int {
        var lo = 0, hi = times.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if times[mid] < t { lo = mid + 1 } else { hi = mid }
        }
        if lo > 0, abs(times[lo - 1] - t) <= abs(times[lo] - t) { return lo - 1 }
        return lo
    }
}
