import Foundation
import Testing
import TestSupport
@testable import VideoDecoding

@Suite struct ProbeTests {
    @Test func cockatooMetadata() throws {
        let info = try VideoProbe.probe(path: try Samples.path("cockatoo.mp4"))
        #expect(info.codec == "h264")
        #expect(info.container.contains("mp4"))
        #expect(info.width == 1280 && info.height == 720)
        #expect(abs(info.fps - 20) < 1e-9)
        #expect(abs((info.durationSeconds ?? 0) - 14) < 1e-6)
        #expect(info.frameCountHeader == 280 && info.frameCountCounted == 280)
        #expect(info.startTimeSeconds == 0)
        #expect(info.hasSeekIndex)
    }

    @Test func webmWithoutFrameCountIsCounted() throws {
        let info = try VideoProbe.probe(path: try Samples.path("display-dual-monitors.webm"))
        #expect(info.codec == "vp8")
        #expect(info.width == 1024 && info.height == 768)
        #expect(info.frameCountHeader == nil)
        #expect(info.frameCountCounted == 557)
        #expect(abs((info.durationSeconds ?? 0) - 37.133) < 0.01)
        #expect(info.frameCount == 557)
    }

    @Test func aviAndPackedBFrames() throws {
        let vtest = try VideoProbe.probe(path: try Samples.path("vtest.avi"))
        #expect(vtest.codec == "msmpeg4v3" && vtest.width == 768 && vtest.height == 576)
        #expect(vtest.frameCountHeader == 795 && vtest.frameCountCounted == 795)
        let bugy = try VideoProbe.probe(path: try Samples.path("Megamind_bugy.avi"))
        #expect(bugy.codec == "mpeg4" && bugy.frameCountCounted == 270)
    }

    @Test func rawStreamWithoutDurationGetsOneFromCounting() throws {
        let recipe = try #require(TestClips.recipes.first { $0.name == "no-timestamps.h264" })
        let info = try VideoProbe.probe(path: try TestClips.path(recipe))
        #expect(info.codec == "h264")
        #expect(info.frameCountCounted == 75)
        #expect(info.durationSeconds != nil)
        let uncounted = try VideoProbe.probe(path: try TestClips.path(recipe), countFrames: false)
        #expect(uncounted.frameCountCounted == nil)
    }

    @Test func probeJSONUsesSnakeCaseKeys() throws {
        let info = try VideoProbe.probe(path: try Samples.path("bikes.mp4"))
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(info)) as? [String: Any]
        #expect(json?["duration_s"] as? Double == 10)
        #expect(json?["frame_count_counted"] as? Int == 250)
        #expect(json?["start_time_s"] as? Double == 0)
    }
}

@Suite struct LyingHeaderTests {
    /// vtest.avi with its AVI header and stream header claiming 2000 frames (it has 795).
    static func lyingAVI() throws -> String {
        var data = try Data(contentsOf: URL(fileURLWithPath: try Samples.path("vtest.avi")))
        func patch(_ tag: String, _ fieldOffset: Int) throws {
            let range = try #require(data.range(of: Data(tag.utf8)))
            let at = range.lowerBound + 8 + fieldOffset
            withUnsafeBytes(of: UInt32(2000).littleEndian) { data.replaceSubrange(at..<at + 4, with: $0) }
        }
        try patch("avih", 16)  // dwTotalFrames
        try patch("strh", 32)  // dwLength
        let url = TestClips.scratch("lying").appendingPathComponent("lying.avi")
        try data.write(to: url)
        return url.path
    }

    @Test func probeReportsBothCountsAndTheRealDuration() throws {
        let info = try VideoProbe.probe(path: try Self.lyingAVI())
        #expect(info.frameCountHeader == 2000)
        #expect(info.frameCountCounted == 795)
        #expect(info.durationSource == "counted")
        #expect(abs((info.durationSeconds ?? 0) - 79.5) < 0.01)
    }

    @Test func samplingStopsAtTheRealEnd() throws {
        var last = 0.0
        var count = 0
        let report = try VideoReader(path: try Self.lyingAVI()).sample(fps: 1) {
            last = $0.time
            count += 1
        }
        #expect(report.framesDecoded == 795)
        #expect(count == 80 && abs(last - 79.0) < 1e-9)
    }
}
