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
