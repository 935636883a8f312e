import Foundation

/// Reads numpy `.npy` arrays of floats (`<f4` or `<f8`, C order), as `np.save` writes them.
public enum NPY {
    /// The array's shape and its values as `Float`.
    /// - Throws: `FormatError` naming the file when the bytes are not a little-endian float array;
    ///   `LimitError` when the file is larger than `Limit.sideFileBytes`.
    public static func readFloats(path: String) throws -> (shape: [Int], values: [Float]) {
        try parse(try SideFile.read(path: path, limit: .sideFileBytes), path: path)
    }

    /// Parses a `.npy` file's bytes; `path` names it in errors.
    public static func parse(_ data: Data, path: String) throws(FormatError) -> (shape: [Int], values: [Float]) {
        func bad(_ reason: String) -> FormatError { .malformed(path: path, format: "npy", reason: reason) }
        let bytes = [UInt8](data)
        guard bytes.count >= 10, bytes[0] == 0x93, Array(bytes[1...5]) == Array("NUMPY".utf8) else {
            throw bad("missing the \\x93NUMPY magic")
        }
        let major = bytes[6]
        guard (1...3).contains(major) else { throw bad("format version \(major); expected 1, 2 or 3") }
        let headerStart = major == 1 ? 10 : 12
        guard bytes.count >= headerStart else { throw bad("truncated header") }
        let headerLength = major == 1
            ? Int(bytes[8]) | Int(bytes[9]) << 8
            : Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
        guard headerStart + headerLength <= bytes.count else { throw bad("header runs past the end") }
        let header = String(decoding: bytes[headerStart..<(headerStart + headerLength)], as: UTF8.self)
        // numpy reads the header as one Python dict literal with exactly these three keys
        // (`numpy.lib.format`), and refuses anything else; so does this reader.
        let dict = header.trimmingCharacters(in: .whitespacesAndNewlines)
        guard dict.hasPrefix("{"), dict.hasSuffix("}"), dict.filter({ $0 == "{" }).count == 1, dict.filter({ $0 == "}" }).count == 1 else {
            throw bad("the header is not one dict literal {'descr': …, 'fortran_order': …, 'shape': (…)}")
        }
        let keys = Self.headerKeys(dict)
        guard keys.sorted() == ["descr", "fortran_order", "shape"] else {
            throw bad("header keys \(keys.sorted().map { "'\($0)'" }.joined(separator: ", ")): expected exactly 'descr', 'fortran_order' and 'shape'")
        }
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
        guard open < close else { throw bad("no 'shape' tuple in header") }
        var shape: [Int] = []
        for item in shapeText[shapeText.index(after: open)..<close].split(separator: ",") {
            let text = item.trimmingCharacters(in: .whitespaces)
            if text.isEmpty { continue }
            guard let n = Int(text), n >= 0 else { throw bad("shape entry '\(text)' is not a non-negative integer") }
            shape.append(n)
        }
        let start = headerStart + headerLength
        guard let count = CheckedMath.product(shape), let needed = CheckedMath.product([count, width]) else {
            throw bad("shape \(shape) has more elements than memory can address")
        }
        guard bytes.count - start == needed else {
            throw bad("shape \(shape) needs \(needed) data bytes, the file has \(bytes.count - start)")
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

    /// The quoted names followed by a colon in a header dict (`'descr':` → `descr`).
    static func headerKeys(_ dict: String) -> [String] {
        var keys: [String] = []
        let chars = Array(dict)
        var i = 0
        while i < chars.count {
            guard chars[i] == "'" || chars[i] == "\"" else { i += 1; continue }
            let quote = chars[i]
            var j = i + 1
            while j < chars.count, chars[j] != quote { j += 1 }
            guard j < chars.count else { break }
            var k = j + 1
            while k < chars.count, chars[k] == " " { k += 1 }
            if k < chars.count, chars[k] == ":" { keys.append(String(chars[(i + 1)..<j])) }
            i = j + 1
        }
        return keys
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
