@testable import ARRCOC
import Foundation
import Testing

/// The built-in analysis keeps its exact bytes through performance work: the features of fixed
/// synthetic frames (no decoder involved, so the digest holds on any machine with IEEE floats)
/// are compared by SHA-256 with a recorded digest. The descriptor written out from its
/// definition (`ReferenceCellDescriptor`) gives the same bytes
/// (`theScalarReferenceGivesTheRecordedBytes`).
///
/// Re-record only for an intended change of the descriptor or the fit (and bump
/// `DescriptorEmbedder.version`): run the test, copy the digest it prints.
///
/// Version 3 (the descriptor defined on integer channel sums, computed by a faster kernel):
/// re-recorded. Version 2's digests were 0ca98923…fe80 (features) and bc0a682e…307c (query);
/// version 1's features digest was 8fdeac5c…60b7.
struct FeatureGoldenTests {
    /// `arrcoc-descriptor` v3 on `frames(count: 7)` at 10×6 cells, D = 24, fitted with the
    /// reference BLAS and LAPACK. Version 2's digest with OpenBLAS, 27cc605b…, was that of OpenBLAS's Haswell
    /// kernels: an AVX-512 machine whose CPU OpenBLAS did not know got its Prescott kernels and
    /// another digest (7e2661f4…), which is why arrcoc now links the reference libraries
    /// (Docs/features.md, "Determinism across machines"; `CLITests.theFeaturesDoNotDependOnTheBLASKernelTheCPUGets`).
    static let recorded = "41dd911fba449a2b688157486e219b012bd0073aaa5351e046a71755e04da1cf"

    /// Deterministic frames of 320×192 px: smooth gradients, hard edges, flat areas (a blank
    /// quadrant tests the flat-cell paths), saturated colours and LCG noise that moves per frame.
    static func frames(count: Int, width: Int = 320, height: Int = 192) -> [RGBImage] {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt8 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
        return (0..<count).map { f in
            var pixels = [UInt8](repeating: 0, count: width * height * 3)
            for y in 0..<height {
                for x in 0..<width {
                    let o = (y * width + x) * 3
                    if x < 64, y < 64 { continue }  // flat black block
                    let noise = next()
                    if (x / 16 + y / 16 + f) % 5 == 0 {
                        pixels[o] = 255; pixels[o + 1] = UInt8((x * 7) % 256); pixels[o + 2] = 0
                    } else if x > 200 {
                        pixels[o] = noise; pixels[o + 1] = noise / 2; pixels[o + 2] = 255 &- noise
                    } else {
                        pixels[o] = UInt8((x + f * 9) % 256)
                        pixels[o + 1] = UInt8((y * 3 + x / 2) % 256)
                        pixels[o + 2] = UInt8(((x ^ y) + f * 17) % 256)
                    }
                }
            }
            return RGBImage(width: width, height: height, pixels: pixels)
        }
    }

    static func features() throws -> Data {
        let analyzer = FeatureAnalyzer(rows: 6, cols: 10, dimension: 24)
        for (i, frame) in frames(count: 7).enumerated() { try analyzer.add(frame, time: Double(i) * 0.5) }
        let source = FeatureInfo.Source(path: "synthetic", sha256: String(repeating: "0", count: 64), durationSeconds: 3.5,
                                        fps: 2, width: 320, height: 192, codec: "rgb24")
        return try analyzer.finish(source: source, candidateFPS: 2).safetensors().serialized()
    }

    @Test func builtInFeaturesKeepTheirRecordedBytes() throws {
        var digest = SHA256()
        digest.update(try Self.features())
        let value = digest.finalize()
        print("FeatureGoldenTests digest: \(value)")
        #expect(value == Self.recorded)
    }

    /// The features file from the descriptor's plain definition, then the fit and embedding.
    @Test func theScalarReferenceGivesTheRecordedBytes() throws {
        var descriptors: [Float] = [], information: [Float] = [], edges: [Float] = [], change: [Float] = []
        var previous: RGBImage? = nil
        for frame in Self.frames(count: 7) {
            var d: [Float] = [], cues: [CellDescriptor.Cues] = []
            ReferenceCellDescriptor.describe(frame, previous: previous, descriptors: &d, cues: &cues)
            descriptors += d
            information += cues.map(\.information)
            edges += cues.map(\.edges)
            change += cues.map(\.change)
            previous = frame
        }
        let embedder = try DescriptorEmbedder.fit(descriptors: descriptors, inputDimension: CellDescriptor.length, dimension: 24)
        let source = FeatureInfo.Source(path: "synthetic", sha256: String(repeating: "0", count: 64), durationSeconds: 3.5,
                                        fps: 2, width: 320, height: 192, codec: "rgb24")
        let info = FeatureInfo(source: source, analysis: .init(candidateFPS: 2, rows: 6, cols: 10),
                               embedder: .init(name: DescriptorEmbedder.name, version: DescriptorEmbedder.version, dimension: embedder.dimension))
        let features = FeatureSet(info: info, times: (0..<7).map { Double($0) * 0.5 }, embeddings: try embedder.embed(descriptors),
                                  information: information, edges: edges, change: change, embedder: embedder)
        var digest = SHA256()
        digest.update(try features.safetensors().serialized())
        #expect(digest.finalize() == Self.recorded)
    }

    @Test func queryDescriptorsOfAnImageKeepTheirRecordedBytes() throws {
        let d = FeatureAnalyzer.describe(Self.frames(count: 2)[1])
        var digest = SHA256()
        d.withUnsafeBytes { digest.update($0) }
        let value = digest.finalize()
        print("FeatureGoldenTests query digest: \(value)")
        #expect(value == Self.recordedQuery)
    }

    static let recordedQuery = "99baffe7e5a9ab2f3d1a009a8b1f644ca92dc22f626b25126551ea70acf2b685"
}
