import Foundation

/// A safetensors file read tensor by tensor from disk: the header is parsed (with the checks of
/// `Safetensors(data:path:)`), and each tensor's values are read straight into the array that
/// holds them, so that a large features file is in memory once (not as mapped pages, a body
/// copy, a tensor copy and an array).
public final class SafetensorsFile {
    public let path: String
    /// The header's `__metadata__`.
    public let metadata: [String: String]
    private let entries: [String: Safetensors.Located]
    private let bodyStart: Int
    private let handle: FileHandle

    /// Opens and checks the regular file at `path` (within `Limit.sideFileBytes`).
    /// - Throws: `FormatError` naming the file, or `LimitError` when it is too large.
    public init(path: String) throws {
        let size = try SideFile.regularFileSize(path: path)
        try Limit.sideFileBytes.check(size, in: path, what: "file size")
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw FormatError.unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        func bad(_ reason: String) -> FormatError { .malformed(path: path, format: "safetensors", reason: reason) }
        self.path = path
        self.handle = handle
        let prefix = try Self.read(handle, at: 0, count: min(8, size), path: path)
        guard prefix.count >= 8 else { throw bad("\(prefix.count) bytes is shorter than the 8-byte header length") }
        let headerLength = prefix.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard headerLength <= UInt64(size - 8), headerLength < 100_000_000 else {
            throw bad("header length \(headerLength) exceeds the file size \(size)")
        }
        bodyStart = 8 + Int(headerLength)
        let header = try Self.read(handle, at: 8, count: Int(headerLength), path: path)
        (entries, metadata) = try Safetensors.parseHeader(header, bodyCount: size - bodyStart, path: path)
    }

    deinit { try? handle.close() }

    /// Type and shape of the tensor `name`; nil when the file has none.
    public func tensorInfo(_ name: String) -> (dtype: Safetensors.DType, shape: [Int])? {
        entries[name].map { ($0.dtype, $0.shape) }
    }

    /// The tensor's elements as `Float` (F32 as is, F64 narrowed); nil for integer types or a
    /// missing tensor.
    public func floats(_ name: String) throws -> [Float]? {
        try elements(name, as: Float.self, stored: .f32)
    }

    /// The tensor's elements as `Int64` (I64 tensors only); nil for other types or a missing tensor.
    public func int64s(_ name: String) throws -> [Int64]? {
        guard let e = entries[name], e.dtype == .i64 else { return nil }
        var out = [Int64](repeating: 0, count: e.offsets.count / e.dtype.size)
        try out.withUnsafeMutableBytes { try readBody(e.offsets, into: $0) }
        return out.map { Int64(littleEndian: $0) }
    }

    /// The tensor's elements as `Double` (F32 widened); nil for integer types or a missing tensor.
    public func doubles(_ name: String) throws -> [Double]? {
        try elements(name, as: Double.self, stored: .f64)
    }

    /// The tensor's elements as `T`: read straight into the array when the file stores `native`
    /// (T's own type), converted chunk by chunk from the other float type.
    private func elements<T: BinaryFloatingPoint>(_ name: String, as _: T.Type, stored native: Safetensors.DType) throws -> [T]? {
        guard let e = entries[name] else { return nil }
        var out = [T](repeating: 0, count: e.offsets.count / e.dtype.size)
        switch e.dtype {
        case native:
            try out.withUnsafeMutableBytes { try readBody(e.offsets, into: $0) }
        case .f32:
            try convert(e) { (chunk: UnsafeBufferPointer<Float>, first) in
                for i in 0..<chunk.count { out[first + i] = T(chunk[i]) }
            }
        case .f64:
            try convert(e) { (chunk: UnsafeBufferPointer<Double>, first) in
                for i in 0..<chunk.count { out[first + i] = T(chunk[i]) }
            }
        default: return nil
        }
        return out
    }

    /// Reads a tensor of element type `T` in chunks of 1 Mi elements.
    private func convert<T>(_ e: Safetensors.Located, _ body: (UnsafeBufferPointer<T>, Int) -> Void) throws {
        let size = MemoryLayout<T>.size
        let count = e.offsets.count / size
        let step = 1 << 20
        var first = 0
        while first < count {
            let n = min(step, count - first)
            let data = try Self.read(handle, at: bodyStart + e.offsets.lowerBound + first * size, count: n * size, path: path)
            data.withUnsafeBytes { body($0.bindMemory(to: T.self), first) }
            first += n
        }
    }

    private func readBody(_ range: Range<Int>, into out: UnsafeMutableRawBufferPointer) throws {
        var done = 0
        while done < range.count {
            let n = pread(handle.fileDescriptor, out.baseAddress! + done, range.count - done, off_t(bodyStart + range.lowerBound + done))
            guard n > 0 else {
                throw FormatError.unreadable(path: path, reason: n < 0 ? String(cString: strerror(errno)) : "the file ended early (truncated while read?)")
            }
            done += n
        }
    }

    private static func read(_ handle: FileHandle, at offset: Int, count: Int, path: String) throws -> Data {
        var data = Data(count: count)
        var done = 0
        try data.withUnsafeMutableBytes { (raw: UnsafeMutableRawBufferPointer) in
            while done < count {
                let n = pread(handle.fileDescriptor, raw.baseAddress! + done, count - done, off_t(offset + done))
                guard n > 0 else {
                    throw FormatError.unreadable(path: path, reason: n < 0 ? String(cString: strerror(errno)) : "the file ended early (truncated while read?)")
                }
                done += n
            }
        }
        return data
    }
}
