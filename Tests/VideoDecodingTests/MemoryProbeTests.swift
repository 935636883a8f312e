import Foundation
import Testing
import TestSupport
@testable import VideoDecoding

/// The probe on bytes in memory (a custom AVIOContext, used by the fuzz target `fuzz-probe`)
/// reads what the probe of the file reads, and refuses garbage with an error.
@Suite struct MemoryProbeTests {
    @Test(arguments: ["cockatoo.mp4", "vtest.avi", "display-dual-monitors.webm"])
    func probeOfBytesInMemoryMatchesTheFile(_ sample: String) throws {
        let path = try Samples.path(sample)
        let file = try VideoProbe.probe(path: path)
        let memory = try VideoProbe.probe(data: try Data(contentsOf: URL(fileURLWithPath: path)), name: sample)
        #expect(memory.codec == file.codec && memory.container == file.container)
        #expect(memory.width == file.width && memory.height == file.height && memory.fps == file.fps)
        #expect(memory.durationSeconds == file.durationSeconds)
        #expect(memory.frameCountCounted == file.frameCountCounted && memory.frameCountHeader == file.frameCountHeader)
    }

    @Test func garbageInMemoryIsAnErrorNamingIt() {
        for bytes in [Data(), Data("not a video".utf8), Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) })] {
            let error = #expect(throws: VideoError.self) { try VideoProbe.probe(data: bytes, name: "garbage.mp4") }
            #expect(error?.localizedDescription.contains("garbage.mp4") == true)
        }
    }
}
