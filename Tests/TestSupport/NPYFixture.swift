import Foundation

/// `.npy` files as numpy writes them (version 1.0, little-endian float32, C order), for tests
/// that hand arrcoc query embeddings.
public enum NPYFixture {
    /// The bytes of a float32 array of `shape` holding `values`.
    public static func data(_ values: [Float], shape: [Int]) -> Data {
        // A 1-tuple keeps its trailing comma, as numpy writes `(3,)`.
        let dims = shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? "," : "")
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(dims)), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var d = Data([0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)])
        d.append(Data(header.utf8))
        values.withUnsafeBufferPointer { d.append(Data(buffer: $0)) }
        return d
    }

    public static func write(shape: [Int], values: [Float], to path: String) throws {
        try data(values, shape: shape).write(to: URL(fileURLWithPath: path))
    }
}
