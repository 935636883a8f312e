import Foundation

/// Reads and writes the safetensors format: an 8-byte little-endian header length, a JSON header
/// mapping tensor names to `{dtype, shape, data_offsets}` (plus `__metadata__`, string → string),
/// then the raw little-endian tensor bytes. The format numpy, PyTorch and JAX users load with
/// `safetensors`.
///
/// Writing is deterministic: tensors are laid out in name order and the header has sorted keys.
public struct Safetensors: Sendable {
    /// Element types arrcoc reads and writes.
    public enum DType: String, Sendable, Codable {
        case f32 = "F32", f64 = "F64", i64 = "I64", i32 = "I32", u8 = "U8"

        /// Bytes per element.
        public var size: Int {
            switch self {
            case .f32, .i32: 4
            case .f64, .i64: 8
            case .u8: 1
            }
        }
    }

    /// One tensor: type, shape and raw little-endian bytes.
    public struct Tensor: Sendable, Equatable {
        public var dtype: DType
        public var shape: [Int]
        public var data: Data

        public init(dtype: DType, shape: [Int], data: Data) {
            self.dtype = dtype
            self.shape = shape
            self.data = data
        }

        public init(_ values: [Float], shape: [Int]) {
            self.init(dtype: .f32, shape: shape, data: values.withUnsafeBufferPointer { Data(buffer: $0) })
        }

        public init(_ values: [Double], shape: [Int]) {
            self.init(dtype: .f64, shape: shape, data: values.withUnsafeBufferPointer { Data(buffer: $0) })
        }

        public init(_ values: [Int64], shape: [Int]) {
            self.init(dtype: .i64, shape: shape, data: values.withUnsafeBufferPointer { Data(buffer: $0) })
        }

        /// Number of elements, the product of the shape.
        public var count: Int { CheckedMath.product(shape) ?? 0 }

        /// The elements as `Float` (F32 as is, F64 narrowed); nil for integer types.
        public var floats: [Float]? {
            switch dtype {
            case .f32: return data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
            case .f64: return data.withUnsafeBytes { $0.bindMemory(to: Double.self).map(Float.init) }
            default: return nil
            }
        }

        /// The elements as `Double` (F32 widened); nil for integer types.
        public var doubles: [Double]? {
            switch dtype {
            case .f32: return data.withUnsafeBytes { $0.bindMemory(to: Float.self).map(Double.init) }
            case .f64: return data.withUnsafeBytes { Array($0.bindMemory(to: Double.self)) }
            default: return nil
            }
        }

        /// The elements as `Int64`; nil for other types.
        public var int64s: [Int64]? {
            dtype == .i64 ? data.withUnsafeBytes { Array($0.bindMemory(to: Int64.self)) } : nil
        }
    }

    /// Tensors by name.
    public var tensors: [String: Tensor]
    /// The header's `__metadata__` (string values only, as the format requires).
    public var metadata: [String: String]

    public init(tensors: [String: Tensor] = [:], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    private struct Entry: Codable {
        var dtype: DType
        var shape: [Int]
        var data_offsets: [Int]
    }

    /// The file's bytes.
    public func serialized() -> Data {
        let ordered = tensors.sorted { $0.key < $1.key }
        var out = Self.header(ordered.map { (name: $0.key, dtype: $0.value.dtype, shape: $0.value.shape, bytes: $0.value.data.count) },
                              metadata: metadata)
        for (_, tensor) in ordered { out.append(tensor.data) }
        return out
    }

    /// Parses a safetensors file's bytes; `path` names the file in errors.
    public init(data: Data, path: String) throws(FormatError) {
        func bad(_ reason: String) -> FormatError { .malformed(path: path, format: "safetensors", reason: reason) }
        guard data.count >= 8 else { throw bad("\(data.count) bytes is shorter than the 8-byte header length") }
        let headerLength = data.prefix(8).withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard headerLength <= UInt64(data.count - 8), headerLength < 100_000_000 else {
            throw bad("header length \(headerLength) exceeds the file size \(data.count)")
        }
        let headerData = data.subdata(in: 8..<(8 + Int(headerLength)))
        let bodyStart = 8 + Int(headerLength)
        let layout = try Self.parseHeader(headerData, bodyCount: data.count - bodyStart, path: path)
        var tensors: [String: Tensor] = [:]
        for (name, e) in layout.entries {
            tensors[name] = Tensor(dtype: e.dtype, shape: e.shape, data: data.subdata(in: (bodyStart + e.offsets.lowerBound)..<(bodyStart + e.offsets.upperBound)))
        }
        self.init(tensors: tensors, metadata: layout.metadata)
    }

    /// Where one tensor's bytes are: type, shape and byte range within the data after the header.
    struct Located: Sendable {
        var dtype: DType
        var shape: [Int]
        var offsets: Range<Int>
    }

    /// Checks and parses the JSON header; `bodyCount` is the number of bytes after it.
    static func parseHeader(_ headerData: Data, bodyCount: Int, path: String) throws(FormatError)
        -> (entries: [String: Located], metadata: [String: String])
    {
        func bad(_ reason: String) -> FormatError { .malformed(path: path, format: "safetensors", reason: reason) }
        guard let header = try? JSONSerialization.jsonObject(with: headerData) as? [String: Any] else {
            throw bad("the header is not a JSON object")
        }
        var entries: [String: Located] = [:]
        var metadata: [String: String] = [:]
        for (name, value) in header {
            if name == "__metadata__" {
                guard let m = value as? [String: Any] else { throw bad("__metadata__ is not an object") }
                for (k, v) in m {
                    guard let s = v as? String else { throw bad("__metadata__ value of '\(k)' is not a string") }
                    metadata[k] = s
                }
                continue
            }
            guard let entry = value as? [String: Any], let dtypeName = entry["dtype"] as? String,
                  let shape = entry["shape"] as? [Int], let offsets = entry["data_offsets"] as? [Int], offsets.count == 2
            else { throw bad("tensor '\(name)' lacks dtype, shape or data_offsets") }
            guard let dtype = DType(rawValue: dtypeName) else {
                throw bad("tensor '\(name)' has dtype \(dtypeName); arrcoc reads F32, F64, I64, I32, U8")
            }
            guard shape.allSatisfy({ $0 >= 0 }) else { throw bad("tensor '\(name)' has a negative dimension in shape \(shape)") }
            guard offsets[0] >= 0, offsets[0] <= offsets[1], offsets[1] <= bodyCount else {
                throw bad("tensor '\(name)' has offsets \(offsets) outside the \(bodyCount)-byte data")
            }
            guard let count = CheckedMath.product(shape), let expected = CheckedMath.product([count, dtype.size]) else {
                throw bad("tensor '\(name)' of shape \(shape) has more elements than memory can address")
            }
            guard offsets[1] - offsets[0] == expected else {
                throw bad("tensor '\(name)' of shape \(shape) \(dtypeName) needs \(expected) bytes, has \(offsets[1] - offsets[0])")
            }
            entries[name] = Located(dtype: dtype, shape: shape, offsets: offsets[0]..<offsets[1])
        }
        return (entries, metadata)
    }

    /// Reads and parses the file at `path` (a regular file within `Limit.sideFileBytes`).
    /// - Throws: `FormatError` naming the file, or `LimitError` when it is too large.
    public init(contentsOf path: String) throws {
        try self.init(data: try SideFile.read(path: path, limit: .sideFileBytes, mapped: true), path: path)
    }
}
