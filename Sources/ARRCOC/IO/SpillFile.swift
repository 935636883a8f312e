import Foundation

/// An anonymous scratch file of `Float`s: appended to, then read back in ranges, so that values
/// of a whole video live on disk instead of in memory. The file is unlinked as soon as it is
/// created: it has no name, and disappears with its descriptor (also when the process is killed).
///
/// Not thread-safe: one owner at a time.
public final class SpillFile {
    private let descriptor: Int32
    /// Floats appended so far.
    public private(set) var count = 0
    private var buffer: [Float] = []
    private static let bufferFloats = 1 << 20
    private let directory: String

    /// Creates the file in `directory` (default: the temporary directory, `TMPDIR`).
    /// - Throws: `FormatError.unwritable` naming the directory.
    public init(directory: String? = nil) throws {
        let folder = directory ?? NSTemporaryDirectory()
        self.directory = folder
        var template = Array((URL(fileURLWithPath: folder).appendingPathComponent(".arrcoc-spill.XXXXXX").path).utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw FormatError.unwritable(path: folder, reason: "cannot create a scratch file: \(String(cString: strerror(errno)))") }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        descriptor = fd
        buffer.reserveCapacity(Self.bufferFloats)
    }

    deinit { close(descriptor) }

    /// Appends `values`.
    public func append(_ values: UnsafeBufferPointer<Float>) throws {
        if buffer.count + values.count > Self.bufferFloats { try flush() }
        buffer.append(contentsOf: values)
        count += values.count
    }

    /// Reads `range` (in floats) into `out`, which must hold `range.count` floats.
    public func read(_ range: Range<Int>, into out: UnsafeMutableBufferPointer<Float>) throws {
        precondition(range.upperBound <= count && out.count >= range.count, "spill read out of range")
        try flush()
        let bytes = range.count * MemoryLayout<Float>.size
        var done = 0
        while done < bytes {
            let n = pread(descriptor, UnsafeMutableRawPointer(out.baseAddress!) + done, bytes - done,
                          off_t(range.lowerBound * MemoryLayout<Float>.size + done))
            guard n > 0 else { throw FormatError.unreadable(path: directory, reason: "scratch file read: \(n < 0 ? String(cString: strerror(errno)) : "end of file")") }
            done += n
        }
    }

    /// Reads `range` (in floats) into a new array.
    public func read(_ range: Range<Int>) throws -> [Float] {
        var out = [Float](repeating: 0, count: range.count)
        try out.withUnsafeMutableBufferPointer { o in try read(range, into: o) }
        return out
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        let written = (count - buffer.count) * MemoryLayout<Float>.size
        try buffer.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = pwrite(descriptor, raw.baseAddress! + done, raw.count - done, off_t(written + done))
                guard n > 0 else { throw FormatError.unwritable(path: directory, reason: "scratch file write: \(String(cString: strerror(errno)))") }
                done += n
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
