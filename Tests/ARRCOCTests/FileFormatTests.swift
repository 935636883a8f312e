import Foundation
import Testing
@testable import ARRCOC
import TestSupport

@Suite struct FileFormatTests {
    /// A path for a test's file in the test process's scratch folder (`TestClips.scratch`), which
    /// is removed when the process exits.
    static func temp(_ name: String) -> String {
        TestClips.scratch("file").appendingPathComponent(name).path
    }

    @Test func sha256MatchesKnownDigests() throws {
        var h = SHA256()
        h.update(Data("abc".utf8))
        #expect(h.finalize() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        var e = SHA256()
        #expect(e.finalize() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        let path = Self.temp("bytes")
        try Data((0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }).write(to: URL(fileURLWithPath: path))
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        p.arguments = [path]
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        p.waitUntilExit()
        let expected = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: " ")[0]
        #expect(try SHA256.hexDigest(ofFile: path) == String(expected))
    }

    @Test func safetensorsRoundTripAndLayout() throws {
        let file = Safetensors(tensors: ["b": .init([Float(1), 2, 3, 4], shape: [2, 2]), "a": .init([Int64(7)], shape: [1])],
                               metadata: ["k": "v"])
        let data = file.serialized()
        let headerLength = Int(data.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
        #expect(headerLength % 8 == 0)
        let header = String(decoding: data[8..<(8 + headerLength)], as: UTF8.self)
        #expect(header.contains("\"a\":{\"data_offsets\":[0,8],\"dtype\":\"I64\",\"shape\":[1]}"))
        #expect(header.contains("\"b\":{\"data_offsets\":[8,24],\"dtype\":\"F32\",\"shape\":[2,2]}"))
        let back = try Safetensors(data: data, path: "x")
        #expect(back.tensors == file.tensors && back.metadata == file.metadata)
        #expect(file.serialized() == data)  // deterministic
    }

    @Test func safetensorsFileReadsEachFloatTypeAsEither() throws {
        // Values that F32 holds exactly, plus one F64 that narrowing must round.
        let f32: [Float] = [1, -2.5, 0.125, 3e-8]
        let f64: [Double] = [0.1, -7, 1e300, 2.5]
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("arrcoc-stfile-\(getpid()).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Safetensors(tensors: ["f": .init(f32, shape: [2, 2]), "d": .init(f64, shape: [4]), "i": .init([Int64(7)], shape: [1])])
            .serialized().write(to: URL(fileURLWithPath: path))
        let file = try SafetensorsFile(path: path)
        #expect(try file.floats("f") == f32)
        #expect(try file.doubles("f") == f32.map(Double.init))
        #expect(try file.doubles("d") == f64)
        #expect(try file.floats("d") == f64.map { Float($0) })
        #expect(try file.floats("i") == nil && file.doubles("i") == nil)
        #expect(try file.floats("missing") == nil)
        #expect(file.tensorInfo("f")?.shape == [2, 2])
    }

    @Test func malformedSafetensorsAreNamed() {
        #expect(throws: FormatError.self) { try Safetensors(data: Data([1, 2, 3]), path: "short") }
        var bad = Data()
        withUnsafeBytes(of: UInt64(1_000).littleEndian) { bad.append(contentsOf: $0) }
        bad.append(Data("{}".utf8))
        #expect(throws: FormatError.self) { try Safetensors(data: bad, path: "long-header") }
        let error = #expect(throws: FormatError.self) { try Safetensors(contentsOf: "/nonexistent.safetensors") }
        #expect(error?.localizedDescription.contains("/nonexistent.safetensors") == true)
    }

    @Test func npyFloat32AndErrors() throws {
        let data = NPY.encode([1, 2, 3, 4, 5, 6], shape: [2, 3])
        let (shape, values) = try NPY.parse(data, path: "q.npy")
        #expect(shape == [2, 3] && values == [1, 2, 3, 4, 5, 6])
        let vector = try NPY.parse(NPY.encode([0.5, 0.25], shape: [2]), path: "v.npy")
        #expect(vector.shape == [2])
        #expect(throws: FormatError.nonFinite(path: "nan.npy", name: "array", index: 1)) {
            try NPY.parse(NPY.encode([1, .nan], shape: [2]), path: "nan.npy")
        }
        #expect(throws: FormatError.self) { try NPY.parse(Data("not numpy".utf8), path: "text.npy") }
    }

    @Test func featuresFileRoundTrip() throws {
        let f = ScorerTests.features(frames: 5, cells: 6, needle: 1..<2)
        var withEmbedder = f
        withEmbedder.embedder = try DescriptorEmbedder(mean: [Float](repeating: 0.5, count: 28), projection: [Float](repeating: 0.1, count: 28 * 4),
                                                       inputDimension: 28, dimension: 4)
        let path = Self.temp("f.safetensors")
        try f.write(to: path)
        try withEmbedder.write(to: path)  // replaces the existing file
        let back = try FeatureSet(contentsOf: path)
        #expect(back.info == f.info && back.times == f.times)
        #expect(zip(back.embeddings, f.embeddings).allSatisfy { abs($0 - $1) < 1e-6 })
        #expect(back.information == f.information && back.change == f.change)
        #expect(back.embedder == withEmbedder.embedder)
    }

    @Test func featuresWithWrongShapesAreRejectedNamingTheTensor() throws {
        let f = ScorerTests.features(frames: 5, cells: 6, needle: 1..<2)
        var file = try f.safetensors()
        file.tensors["embeddings"] = .init([Float](repeating: 1, count: 5 * 6 * 3), shape: [5, 1, 6, 3])
        let path = Self.temp("bad.safetensors")
        try file.serialized().write(to: URL(fileURLWithPath: path))
        do {
            _ = try FeatureSet(contentsOf: path)
            Issue.record("accepted wrong shape")
        } catch let error as FormatError {
            #expect(error.localizedDescription.contains("embeddings") && error.localizedDescription.contains("[5, 1, 6, 4]"))
        }
    }

    /// Features of the built-in embedder's earlier versions (1: pixels from the bicubic RGB24
    /// conversion; 2: the descriptor in floating point) are refused with a message that says to
    /// analyse again; another embedder's are not judged.
    @Test(arguments: [1, 2])
    func builtInFeaturesOfAnotherVersionAreRefused(_ version: Int) throws {
        var f = ScorerTests.features(frames: 5, cells: 6, needle: 1..<2)
        f.info.embedder = .init(name: DescriptorEmbedder.name, version: version, dimension: f.info.embedder.dimension)
        let path = Self.temp("v\(version).safetensors")
        try f.write(to: path)
        #expect(throws: FeatureError.embedderVersion(path: path, found: version, expected: 3)) { try FeatureSet(contentsOf: path) }
        let message = FeatureError.embedderVersion(path: path, found: version, expected: 3).localizedDescription
        #expect(message.contains("version \(version)") && message.contains("re-run `arrcoc analyze`"), "\(message)")
        f.info.embedder = .init(name: DescriptorEmbedder.name, version: DescriptorEmbedder.version, dimension: f.info.embedder.dimension)
        try f.write(to: path)
        #expect(try FeatureSet(contentsOf: path).info.embedder.version == 3)
        f.info.embedder = .init(name: "siglip-patch", version: 1, dimension: f.info.embedder.dimension)
        try f.write(to: path)
        #expect(try FeatureSet(contentsOf: path).info.embedder.version == 1)
    }

    @Test func embedderWhitensAndNormalises() throws {
        var g = AllocatorInvariantTests.Rng(state: 3)
        let n = 500
        var x: [Float] = []
        for _ in 0..<n {
            let a = Float.random(in: -1...1, using: &g)
            x += (0..<28).map { j in a * Float(j % 3 + 1) + Float.random(in: -0.1...0.1, using: &g) }
        }
        let e = try DescriptorEmbedder.fit(descriptors: x, inputDimension: 28, dimension: 8)
        #expect(e.dimension == 8)
        let y = try e.embed(x)
        for r in 0..<n {
            let norm = (0..<8).reduce(Float(0)) { $0 + y[r * 8 + $1] * y[r * 8 + $1] }.squareRoot()
            #expect(abs(norm - 1) < 1e-4)
        }
        // Deterministic: fitting twice gives the same state.
        #expect(try DescriptorEmbedder.fit(descriptors: x, inputDimension: 28, dimension: 8) == e)
    }
}
