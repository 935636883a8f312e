import Foundation

/// Writes a safetensors file tensor by tensor, straight from the arrays that hold the values,
/// so that a large `pixel_values_videos` is never copied into one more buffer. The bytes are
/// exactly those of `Safetensors.serialized()` for the same tensors.
public struct SafetensorsWriter {
    /// A tensor's values, borrowed (arrays are copy-on-write: no copy is made).
    public enum Values: Sendable {
        case float32([Float])
        case int64([Int64])

        var dtype: Safetensors.DType {
            switch self {
            case .float32: .f32
            case .int64: .i64
            }
        }

        var byteCount: Int {
            switch self {
            case let .float32(v): v.count * 4
            case let .int64(v): v.count * 8
            }
        }
    }

    public var tensors: [String: (shape: [Int], values: Values)] = [:]
    public var metadata: [String: String] = [:]

    public init(metadata: [String: String] = [:]) {
        self.metadata = metadata
    }

    /// Writes the file to `path` (a new file; the caller stages it).
    /// - Throws: `FormatError.unwritable` naming the path.
    public func write(to path: String) throws {
        let stream = try SafetensorsStream(
            path: path, entries: tensors.map { .init(name: $0.key, dtype: $0.value.values.dtype, shape: $0.value.shape) }, metadata: metadata)
        for name in stream.entries.map(\.name) {
            guard let tensor = tensors[name] else { continue }
            switch tensor.values {
            case let .float32(v): try stream.append(v)
            case let .int64(v): try stream.append(v)
            }
        }
        try stream.finish()
    }
}

extension Safetensors {
    /// The 8-byte length and the JSON header (sorted keys, padded to 8 bytes with spaces) for
    /// tensors laid out one after another in the order given.
    static func header(_ entries: [(name: String, dtype: DType, shape: [Int], bytes: Int)], metadata: [String: String]) -> Data {
        var header: [String: Any] = [:]
        var offset = 0
        for e in entries {
            header[e.name] = ["dtype": e.dtype.rawValue, "shape": e.shape, "data_offsets": [offset, offset + e.bytes]]
            offset += e.bytes
        }
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var json = (try? JSONSerialization.data(withJSONObject: header, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        while json.count % 8 != 0 { json.append(0x20) }
        var out = Data()
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(json)
        return out
    }
}
