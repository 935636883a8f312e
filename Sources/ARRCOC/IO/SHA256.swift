import Crypto
import Foundation

/// SHA-256 for the source fingerprint in features files and manifests: swift-crypto's
/// (BoringSSL's code, which uses the CPU's SHA extensions where it has them), streaming.
/// Checked against `sha256sum` in the tests.
public struct SHA256 {
    private var hasher = Crypto.SHA256()

    public init() {}

    public mutating func update(_ data: Data) {
        hasher.update(data: data)
    }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        hasher.update(bufferPointer: bytes)
    }

    /// The digest as lowercase hex.
    public mutating func finalize() -> String {
        Self.hex(hasher.finalize())
    }

    static func hex(_ digest: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(64)
        for byte in digest {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 15)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Bytes read per `read(2)`.
    static let chunkBytes = 8 << 20

    /// Hex digest of a regular file, read in 8 MiB chunks into one reused buffer.
    ///
    /// Only the bytes the file held when it was opened are read, and devices, FIFOs and
    /// directories are refused (`/dev/zero` would otherwise be hashed forever).
    /// - Throws: `FormatError.unreadable` naming the file.
    public static func hexDigest(ofFile path: String) throws(FormatError) -> String {
        let size = try SideFile.regularFileSize(path: path)
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .unreadable(path: path, reason: "cannot open for reading (\(String(cString: strerror(errno))))") }
        defer { close(fd) }
        var hasher = SHA256()
        var remaining = size
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: min(chunkBytes, max(size, 1)), alignment: 64)
        defer { buffer.deallocate() }
        while remaining > 0 {
            let n = read(fd, buffer.baseAddress, min(buffer.count, remaining))
            if n < 0 {
                if errno == EINTR { continue }
                throw .unreadable(path: path, reason: String(cString: strerror(errno)))
            }
            if n == 0 { break }  // the file shrank since stat(2)
            hasher.update(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            remaining -= n
        }
        return hasher.finalize()
    }
}
