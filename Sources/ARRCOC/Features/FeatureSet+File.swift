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
        if let embedder {
            tensors["embedder_mean"] = .init(embedder.mean, shape: [embedder.inputDimension])
            tensors["embedder_projection"] = .init(embedder.projection, shape: [embedder.inputDimension, embedder.dimension])
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = String(decoding: try encoder.encode(info), as: UTF8.self)
        return Safetensors(tensors: tensors, metadata: ["arrcoc": json])
    }

    /// Reads a features file written by `arrcoc analyze` or by another tool (see Docs/features.md).
    /// - Throws: `FormatError` naming the file and the tensor or key at fault.
    public init(contentsOf path: String) throws {
        try self.init(file: try Safetensors(contentsOf: path), path: path)
    }

    /// Parses a features file's bytes; `path` names it in errors.
    public init(data: Data, path: String) throws {
        try self.init(file: try Safetensors(data: data, path: path), path: path)
    }

    /// The features held by a parsed safetensors container (see `init(contentsOf:)`).
    public init(file: Safetensors, path: String) throws {
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
        func tensor(_ name: String) throws -> Safetensors.Tensor {
            guard let t = file.tensors[name] else { throw FormatError.missingTensor(path: path, name: name) }
            return t
        }
        func floats(_ name: String, shape: [Int]) throws -> [Float] {
            let t = try tensor(name)
            guard t.shape == shape, let values = t.floats else {
                throw FormatError.wrongTensor(path: path, name: name, expected: "F32/F64 \(shape)", found: "\(t.dtype.rawValue) \(t.shape)")
            }
            if let bad = values.firstIndex(where: { !$0.isFinite }) { throw FormatError.nonFinite(path: path, name: name, index: bad) }
            return values
        }
        let timesTensor = try tensor("times_s")
        guard timesTensor.shape.count == 1, let times = timesTensor.doubles else {
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
        let information = try file.tensors["cue_information"].map { _ in try floats("cue_information", shape: cueShape) }
        let edges = try file.tensors["cue_edges"].map { _ in try floats("cue_edges", shape: cueShape) }
        let change = try file.tensors["cue_change"].map { _ in try floats("cue_change", shape: cueShape) }
        var embedder: DescriptorEmbedder? = nil
        if file.tensors["embedder_mean"] != nil, file.tensors["embedder_projection"] != nil {
            // The built-in embedder's state: it embeds the 28-value cell descriptors.
            let d0 = CellDescriptor.length
            embedder = try DescriptorEmbedder(
                mean: try floats("embedder_mean", shape: [d0]), projection: try floats("embedder_projection", shape: [d0, d]),
                inputDimension: d0, dimension: d)
        }
        self.init(info: info, times: times, embeddings: embeddings, information: information, edges: edges,
                  change: change, embedder: embedder)
    }

    /// Writes the features file atomically (temporary name, then rename).
    public func write(to path: String) throws {
        try AtomicWrite.write(try safetensors().serialized(), to: path)
    }

    static func describe(_ error: Error) -> String {
        switch error {
        case let DecodingError.keyNotFound(key, context):
            return "missing key '\((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))'"
        case let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context),
             let DecodingError.dataCorrupted(context):
            return "key '\(context.codingPath.map(\.stringValue).joined(separator: "."))': \(context.debugDescription)"
        default:
            return error.localizedDescription
        }
    }
}
