import ARRCOC
import ARRCOCPipeline
import Foundation
import Testing
import TestSupport

/// The streamed paths (`arrcoc analyze` writing the features file as it embeds, `compress`
/// writing `pixel_values_videos` block by block) give byte for byte the files of the in-memory
/// paths on a real clip: cockatoo.mp4 with a Mandelbrot needle from 6 to 9 s.
@Suite(.serialized) struct StreamedOutputTests {
    @Test func streamedFeaturesAndOutputsMatchTheInMemoryOnes() throws {
        let dir = TestClips.scratch("streamed")
        defer { try? FileManager.default.removeItem(at: dir) }
        let (video, needle) = try TestClips.cockatooWithMandelbrot(in: dir)
        let engine = try Engine()

        let features = try engine.analyze(video: video)
        let held = dir.appendingPathComponent("held.features.safetensors").path
        try features.write(to: held)
        let streamed = dir.appendingPathComponent("streamed.features.safetensors").path
        let written = try engine.analyze(video: video, to: streamed, sha256: features.info.source.sha256)
        #expect(written.frameCount == features.frameCount && written.info == features.info)
        #expect(try Data(contentsOf: URL(fileURLWithPath: held)) == Data(contentsOf: URL(fileURLWithPath: streamed)))

        for budget in [1500, 6000] {
            let query = try engine.query(image: needle, features: features)
            let inMemory = try engine.compress(video: video, features: features, query: query, budget: budget)
            let a = dir.appendingPathComponent("a\(budget)"), b = dir.appendingPathComponent("b\(budget)")
            try FileManager.default.createDirectory(at: a, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(at: b, withIntermediateDirectories: true)
            try OutputWriter.write(inMemory, to: a)
            let result = try engine.compress(video: video, features: features, query: query, budget: budget, writingTo: b)
            #expect(result.sequence.pixelValues.isEmpty && result.manifest.blocks.count == inMemory.manifest.blocks.count)
            for name in ["tensors.safetensors", "manifest.json", "prompt.txt", "prompt-compact.txt"] {
                let same = try Data(contentsOf: a.appendingPathComponent(name)) == Data(contentsOf: b.appendingPathComponent(name))
                #expect(same, "\(name) at budget \(budget)")
            }
            // The pixel values read back are those the in-memory result holds.
            let back = try Preview.load(directory: b).pixelValues
            let equal = back == inMemory.sequence.pixelValues
            #expect(equal && !back.isEmpty)
        }
    }
}
