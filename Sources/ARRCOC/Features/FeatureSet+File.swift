import Foundation

extension FeatureSet {
    /// The safetensors container of these features.
    public func safetensors() throws -> Safetensors {
        let t = frameCount, r = rows, c = cols
        var tensors: [String: Safetensors.Tensor] = [
            "times_s": .init(times, shape: [t]),
            "embeddings": .init(embeddings, shape: [t, r, c, dimension]),
        ]
        if let information { tensors["cue_information"] = .init(information, shape: [t, r, c]) }
        if let edges { tensors["cue_edges"] = .init(edges, shape: [t, r, c]) }
        if let change { tensors["cue_change"] = .init(change, shape: [t, r, c]) }
        if let descriptors { tensors["descriptors"] = .init(descriptors, shape: [t, r, c, CellDescriptor.length]) }
        if let embedder {
            tensors["embedder_mean"] = .init(embedder.mean, shape: [embedder.inputDimension])
            tensors["embedder_projection"] = .init(embedder.projection, shape: [embedder.inputDimension, embedder.dimension])
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = String(decoding: try encoder.encode(info), as: UTF8.self)
        return Safetensors(tensors: tensors, metadata: ["arrcoc": json])
    }

    /// The tensors and metadata of a features file, in the layout `safetensors()` gives; the
    /// streaming writers (`write(to:)`, `FeatureAnalyzer.finish(…writingTo:)`) fill it in.
    static func fileLayout(info: FeatureInfo, frames t: Int, cues: Bool, embedder: DescriptorEmbedder?, descriptors: Bool = false) throws
        -> (entries: [SafetensorsStream.Entry], metadata: [String: String])
    {
        let r = info.analysis.rows, c = info.analysis.cols
        var entries: [SafetensorsStream.Entry] = [
            .init(name: "times_s", dtype: .f64, shape: [t]),
            .init(name: "embeddings", dtype: .f32, shape: [t, r, c, info.embedder.dimension]),
        ]
        if cues {
            for name in ["cue_information", "cue_edges", "cue_change"] { entries.append(.init(name: name, dtype: .f32, shape: [t, r, c])) }
        }
        if descriptors { entries.append(.init(name: "descriptors", dtype: .f32, shape: [t, r, c, CellDescriptor.length])) }
        if let embedder {
            entries.append(.init(name: "embedder_mean", dtype: .f32, shape: [embedder.inputDimension]))
            entries.append(.init(name: "embedder_projection", dtype: .f32, shape: [embedder.inputDimension, embedder.dimension]))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = String(decoding: try encoder.encode(info), as: UTF8.self)
        return (entries, ["arrcoc": json])
    }

    /// Reads a features file written by `arrcoc analyze` or by another tool (see Docs/features.md).
    /// Each tensor is read from disk straight into its array: the features are held once.
    /// - Throws: `FormatError` naming the file and the tensor or key at fault.
    public init(contentsOf path: String) throws {
        let file = try SafetensorsFile(path: path)
        try self.init(reader: .init(metadata: file.metadata, info: file.tensorInfo, floats: file.floats, doubles: file.doubles), path: path)
    }

    /// Parses a features file's bytes; `path` names it in errors.
    public init(data: Data, path: String) throws {
        try self.init(file: try Safetensors(data: data, path: path), path: path)
    }

    /// The features held by a parsed safetensors container (see `init(contentsOf:)`).
    public init(file: Safetensors, path: String) throws {
        try self.init(reader: .init(metadata: file.metadata, info: { file.tensors[$0].map { ($0.dtype, $0.shape) } },
                                    floats: { file.tensors[$0]?.floats }, doubles: { file.tensors[$0]?.doubles }),
                      path: path)
    }

    /// Tensors as a features file gives them, from memory or from disk.
    private struct Reader {
        var metadata: [String: String]
        var info: (String) -> (dtype: Safetensors.DType, shape: [Int])?
        var floats: (String) throws -> [Float]?
        var doubles: (String) throws -> [Double]?
    }

    private init(reader file: Reader, path: String) throws {
        guard let json = file.metadata["arrcoc"] else {
            throw FormatError.malformed(path: path, format: "features", reason: "__metadata__ has no 'arrcoc' entry")
        }
        let info: FeatureInfo
        do { info = try JSONDecoder().decode(FeatureInfo.self, from: Data(json.utf8)) } catch {
            throw FormatError.malformed(path: path, format: "features", reason: "the 'arrcoc' metadata: \(Self.describe(error))")
        }
        guard info.schema == FeatureInfo.schemaName else {
            throw FormatError.malformed(path: path, format: "features", reason: "schema '\(info.schema)', expected '\(FeatureInfo.schemaName)'")
        }
        try info.validate(path: path)
        func tensor(_ name: String) throws -> (dtype: Safetensors.DType, shape: [Int]) {
            guard let t = file.info(name) else { throw FormatError.missingTensor(path: path, name: name) }
            return t
        }
        func floats(_ name: String, shape: [Int]) throws -> [Float] {
            let t = try tensor(name)
            guard t.shape == shape, let values = try file.floats(name) else {
                throw FormatError.wrongTensor(path: path, name: name, expected: "F32/F64 \(shape)", found: "\(t.dtype.rawValue) \(t.shape)")
            }
            if let bad = values.firstIndex(where: { !$0.isFinite }) { throw FormatError.nonFinite(path: path, name: name, index: bad) }
            return values
        }
        let timesTensor = try tensor("times_s")
        guard timesTensor.shape.count == 1, let times = try file.doubles("times_s") else {
            throw FormatError.wrongTensor(path: path, name: "times_s", expected: "F32/F64 [T]", found: "\(timesTensor.dtype.rawValue) \(timesTensor.shape)")
        }
        let t = times.count
        guard t > 0 else { throw FormatError.wrongTensor(path: path, name: "times_s", expected: "at least one frame", found: "[0]") }
        try info.validate(times: times, path: path)
        let r = info.analysis.rows, c = info.analysis.cols, d = info.embedder.dimension
        let embeddingsTensor = try tensor("embeddings")
        guard embeddingsTensor.shape == [t, r, c, d] else {
            throw FormatError.wrongTensor(path: path, name: "embeddings", expected: "[\(t), \(r), \(c), \(d)] (times × rows × cols × dimension from the metadata)",
                                          found: "\(embeddingsTensor.shape)")
        }
        var embeddings = try floats("embeddings", shape: [t, r, c, d])
        DescriptorEmbedder.normalizeRows(&embeddings, dimension: d)
        let cueShape = [t, r, c]
        let information = try file.info("cue_information").map { _ in try floats("cue_information", shape: cueShape) }
        let edges = try file.info("cue_edges").map { _ in try floats("cue_edges", shape: cueShape) }
        let change = try file.info("cue_change").map { _ in try floats("cue_change", shape: cueShape) }
        var embedder: DescriptorEmbedder? = nil
        if file.info("embedder_mean") != nil, file.info("embedder_projection") != nil {
            // The built-in embedder's state: it embeds the 28-value cell descriptors.
            let d0 = CellDescriptor.length
            embedder = try DescriptorEmbedder(
                mean: try floats("embedder_mean", shape: [d0]), projection: try floats("embedder_projection", shape: [d0, d]),
                inputDimension: d0, dimension: d)
        }
        self.init(info: info, times: times, embeddings: embeddings, information: information, edges: edges,
                  change: change, embedder: embedder)
        // Raw descriptors: coarse files keep them for the fine pass's refit.
        if file.info("descriptors") != nil {
            descriptors = try floats("descriptors", shape: [t, r, c, CellDescriptor.length])
        }
    }

    /// Writes the features file atomically (temporary name, then rename), streamed from the
    /// arrays that hold the values: the bytes of `safetensors().serialized()`, with no copy.
    public func write(to path: String) throws {
        let cues = information != nil && edges != nil && change != nil
        guard cues || (information == nil && edges == nil && change == nil) else {
            // Some cues without the others: the general container handles any combination.
            return try AtomicWrite.write(try safetensors().serialized(), to: path)
        }
        let layout = try Self.fileLayout(info: info, frames: frameCount, cues: cues, embedder: embedder, descriptors: descriptors != nil)
        try AtomicWrite.write(to: path) { temporary in
            let stream = try SafetensorsStream(path: temporary, entries: layout.entries, metadata: layout.metadata)
            for entry in stream.entries {
                switch entry.name {
                case "times_s": try stream.append(times)
                case "embeddings": try stream.append(embeddings)
                case "cue_information": try stream.append(information ?? [])
                case "cue_edges": try stream.append(edges ?? [])
                case "cue_change": try stream.append(change ?? [])
                case "embedder_mean": try stream.append(embedder?.mean ?? [])
                case "embedder_projection": try stream.append(embedder?.projection ?? [])
                case "descriptors": try stream.append(descriptors ?? [])
                default: throw FormatError.unwritable(path: path, reason: "no values for tensor '\(entry.name)'")
                }
            }
            try stream.finish()
        }
    }

    /// A decoding error of a file's JSON or YAML in the file's words: the key path and what was
    /// expected there (`'events[0].end_s': expected a number`).
    static func describe(_ error: Error) -> String {
        guard let error = error as? DecodingError else { return error.localizedDescription }
        let path = error.keyPath.isEmpty ? "the top level" : "'\(error.keyPath)'"
        switch error {
        case .keyNotFound:
            return "missing key \(path)"
        case let .typeMismatch(type, _), let .valueNotFound(type, _):
            return "\(path): expected \(DecodingError.kind(type))"
        case let .dataCorrupted(context):
            return "\(path): \(ConfigError.shown(context.debugDescription))"
        @unknown default:
            return error.localizedDescription
        }
    }
}
