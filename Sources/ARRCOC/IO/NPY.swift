import Foundation

/// Reads numpy `.npy` arrays of floats (`<f4` or `<f8`, C order), as `np.save` writes them.
public enum NPY {
    /// The array's shape and its values as `Float`.
    /// - Throws: `FormatError` naming the file when the bytes are not a little-endian float array.
    public static func readFloats(path: String) throws(FormatError) -> (shape: [Int], values: [Float]) {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .unreadable(path: path, reason: error.localizedDescription)
        }
        return try parse(data, path: path)
    }

    static func parse(_ data: Data, path: String) throws(FormatError) -> (shape: [Int], values: [Float]) {
        func bad(_ reason: String) -> FormatError { .malformed(path: path, format: "npy", reason: reason) }
        let bytes = [UInt8](data)
        guard bytes.count >= 10, bytes[0] == 0x93, Array(bytes[1...5]) == Array("NUMPY".utf8) else {
            throw bad("missing the \\x93NUMPY magic")
        }
        let major = bytes[6]
        let headerStart = major == 1 ? 10 : 12
        guard bytes.count >= headerStart else { throw bad("truncated header") }
        let headerLength = major == 1
            ? Int(bytes[8]) | Int(bytes[9]) << 8
            : Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
        guard headerStart + headerLength <= bytes.count else { throw bad("header runs past the end") }
        let header = String(decoding: bytes[headerStart..<(headerStart + headerLength)], as: UTF8.self)
        guard let descr = field(header, "descr") else { throw bad("no 'descr' in header") }
        let width: Int
        switch descr.trimmingCharacters(in: CharacterSet(charactersIn: "'\" ")) {
        case "<f4", "=f4", "f4": width = 4
        case "<f8", "=f8", "f8": width = 8
        case let other: throw bad("dtype \(other): expected float32 ('<f4') or float64 ('<f8')")
        }
        if let fortran = field(header, "fortran_order"), fortran.contains("True") {
            throw bad("Fortran order: save a C-ordered array (np.ascontiguousarray)")
        }
        guard let shapeText = header.range(of: "'shape':").map({ header[$0.upperBound...] }),
              let open = shapeText.firstIndex(of: "("), let close = shapeText.firstIndex(of: ")")
        else { throw bad("no 'shape' in header") }
        let shape = shapeText[shapeText.index(after: open)..<close].split(separator: ",")
            .compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        let count = shape.reduce(1, *)
        let start = headerStart + headerLength
        guard bytes.count - start == count * width else {
            throw bad("shape \(shape) needs \(count * width) data bytes, the file has \(bytes.count - start)")
        }
        let values: [Float] = data.subdata(in: start..<data.count).withUnsafeBytes { raw in
            width == 4 ? Array(raw.bindMemory(to: Float.self)) : raw.bindMemory(to: Double.self).map(Float.init)
        }
        if let bad = values.firstIndex(where: { !$0.isFinite }) { throw .nonFinite(path: path, name: "array", index: bad) }
        return (shape, values)
    }

    private static func field(_ header: String, _ key: String) -> String? {
        guard let r = header.range(of: "'\(key)':") else { return nil }
        let rest = header[r.upperBound...]
        let end = rest.firstIndex(of: ",") ?? rest.endIndex
        return String(rest[..<end])
    }

    /// Bytes of a C-ordered float32 `.npy` file (for tests and examples).
    public static func encode(_ values: [Float], shape: [Int]) -> Data {
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(shape.map(String.init).joined(separator: ", "))\(shape.count == 1 ? "," : "")), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        let n = UInt16(header.utf8.count)
        data.append(contentsOf: [UInt8(n & 0xFF), UInt8(n >> 8)])
        data.append(Data(header.utf8))
        values.withUnsafeBufferPointer { data.append(Data(buffer: $0)) }
        return data
    }
}
