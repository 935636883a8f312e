import Foundation

/// Writes a safetensors file whose tensors' shapes are known before their values: the header
/// first, then the values appended piece by piece, tensor after tensor in name order (the layout
/// of `Safetensors.serialized()`, so the bytes are the same). A features file or a
/// `pixel_values_videos` of any length is written without ever being held whole.
///
/// Appends are buffered (4 MiB); `finish()` checks that every tensor got exactly its bytes.
public final class SafetensorsStream {
    /// One tensor of the file: name, element type and shape.
    public struct Entry: Sendable, Equatable {
        public var name: String
        public var dtype: Safetensors.DType
        public var shape: [Int]

        public init(name: String, dtype: Safetensors.DType, shape: [Int]) {
            self.name = name
            self.dtype = dtype
            self.shape = shape
        }

        var byteCount: Int { (CheckedMath.product(shape) ?? 0) * dtype.size }
    }

    public let path: String
    /// The tensors in file order (by name).
    public let entries: [Entry]
    private let file: FileHandle
    private var buffer: [UInt8] = []
    private static let bufferSize = 4 << 20
    /// Tensor being written and the bytes it still needs.
    private var current = 0
    private var remaining: Int

    /// Creates the file at `path` (a new file; the caller stages it) and writes the header.
    /// - Throws: `FormatError.unwritable` naming the path.
    public init(path: String, entries: [Entry], metadata: [String: String] = [:]) throws {
        self.path = path
        self.entries = entries.sorted { $0.name < $1.name }
        remaining = self.entries.first?.byteCount ?? 0
        guard FileManager.default.createFile(atPath: path, contents: nil), let file = FileHandle(forWritingAtPath: path) else {
            throw FormatError.unwritable(path: path, reason: "cannot create the file")
        }
        self.file = file
        buffer.reserveCapacity(Self.bufferSize)
        let header = Safetensors.header(self.entries.map { (name: $0.name, dtype: $0.dtype, shape: $0.shape, bytes: $0.byteCount) },
                                        metadata: metadata)
        try put(header)
        skipEmpty()
    }

    deinit { try? file.close() }

    /// The tensor the next values belong to (nil when all are complete).
    public var currentTensor: String? { current < entries.count ? entries[current].name : nil }

    /// Appends values of the current tensor (F32).
    public func append(_ values: UnsafeBufferPointer<Float>) throws {
        try append(UnsafeRawBufferPointer(values), dtype: .f32)
    }

    /// Appends values of the current tensor (F32).
    public func append(_ values: [Float]) throws {
        try values.withUnsafeBufferPointer { v in try append(v) }
    }

    /// Appends values of the current tensor (F64).
    public func append(_ values: [Double]) throws {
        try values.withUnsafeBytes { v in try append(v, dtype: .f64) }
    }

    /// Appends values of the current tensor (I64).
    public func append(_ values: [Int64]) throws {
        try values.withUnsafeBytes { v in try append(v, dtype: .i64) }
    }

    /// Writes what is buffered and checks that every tensor is complete.
    public func finish() throws {
        guard current == entries.count else {
            let e = entries[current]
            throw FormatError.unwritable(path: path, reason: "tensor '\(e.name)' \(e.shape) is \(remaining) bytes short of its \(e.byteCount)")
        }
        try flush()
        do { try file.synchronize() } catch { throw FormatError.unwritable(path: path, reason: error.localizedDescription) }
    }

    private func append(_ bytes: UnsafeRawBufferPointer, dtype: Safetensors.DType) throws {
        var offset = 0
        while offset < bytes.count {
            guard current < entries.count else {
                throw FormatError.unwritable(path: path, reason: "\(bytes.count - offset) bytes beyond the last tensor")
            }
            let e = entries[current]
            guard e.dtype == dtype else {
                throw FormatError.unwritable(path: path, reason: "tensor '\(e.name)' is \(e.dtype.rawValue), given \(dtype.rawValue) values")
            }
            let n = min(remaining, bytes.count - offset)
            try put(UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + n)]))
            offset += n
            remaining -= n
            if remaining == 0 { skipEmpty() }
        }
    }

    /// Moves past the completed tensor and any tensors with no elements.
    private func skipEmpty() {
        while current < entries.count, remaining == 0 {
            current += 1
            remaining = current < entries.count ? entries[current].byteCount : 0
        }
    }

    private func put(_ data: Data) throws {
        try data.withUnsafeBytes { b in try put(b) }
    }

    private func put(_ bytes: UnsafeRawBufferPointer) throws {
        if buffer.count + bytes.count > Self.bufferSize { try flush() }
        if bytes.count >= Self.bufferSize {
            do { try file.write(contentsOf: bytes) } catch { throw FormatError.unwritable(path: path, reason: error.localizedDescription) }
        } else {
            buffer.append(contentsOf: bytes)
        }
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        do { try buffer.withUnsafeBytes { try file.write(contentsOf: $0) } } catch {
            throw FormatError.unwritable(path: path, reason: error.localizedDescription)
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
