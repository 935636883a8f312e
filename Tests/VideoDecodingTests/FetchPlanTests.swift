import Foundation
import Testing
import TestSupport
@testable import VideoDecoding

/// `FetchStrategy.cheapest`: seeking only where the index shows it decodes at most a third of
/// what streaming would (`FetchPlan`), and the same frames as streaming either way.
@Suite struct FetchPlanTests {
    /// Keyframes every 2 s.
    static func everyTwoSeconds(_ t: Double) -> Double? { (t / 2).rounded(.down) * 2 }

    @Test func onePlaceLateInTheVideoIsReachedBySeeking() {
        let plan = FetchPlan.estimate(times: [100.5, 100.6], frameSpacing: 0.04, keyframeBefore: Self.everyTwoSeconds)
        #expect(abs(plan.seekingSeconds - 0.6) < 1e-9 && plan.streamingSeconds == 100.6)
        #expect(plan.seeks)
    }

    @Test func requestsInEveryGroupOfPicturesAreStreamed() {
        // One request a second past every keyframe: seeking decodes half the video, on one thread.
        let times = stride(from: 1.0, through: 99, by: 2).map { $0 }
        let plan = FetchPlan.estimate(times: times, frameSpacing: 0.04, keyframeBefore: Self.everyTwoSeconds)
        #expect(abs(plan.seekingSeconds - 50) < 1e-9 && plan.streamingSeconds == 99)
        #expect(!plan.seeks)
        // The threshold: a third of the video.
        #expect(FetchPlan(seekingSeconds: 10, streamingSeconds: 30).seeks)
        #expect(!FetchPlan(seekingSeconds: 10.01, streamingSeconds: 30).seeks)
    }

    @Test func aKeyframeWithinTwoFramesOfThePositionIsDecodedThrough() {
        // The keyframe at 2 s lies 0.06 s past the position (1.94 s): within two spacings of
        // 0.04 s, so the pass decodes on, as `DecodePass` does.
        let plan = FetchPlan.estimate(times: [1.94, 2.5], frameSpacing: 0.04, keyframeBefore: Self.everyTwoSeconds)
        #expect(abs(plan.seekingSeconds - 2.5) < 1e-9)
    }

    @Test func withoutKeyframesNothingIsSaved() {
        let plan = FetchPlan.estimate(times: [3, 50, 90], frameSpacing: 0.04) { _ in nil }
        #expect(plan.seekingSeconds == 90 && plan.streamingSeconds == 90 && !plan.seeks)
        #expect(FetchPlan.estimate(times: [], frameSpacing: 0.04) { _ in nil } == FetchPlan(seekingSeconds: 0, streamingSeconds: 0))
        #expect(!FetchPlan(seekingSeconds: 0, streamingSeconds: 0).seeks)
    }

    /// bikes.mp4: keyframes shown at 0, 1.2, 3.04, 5.48, 7.48 and 9.68 s (a correct index).
    @Test func cheapestSeeksWhereThatDecodesLittleAndGivesTheStreamedFrames() throws {
        let path = try Samples.path("bikes.mp4")
        let size = PixelSize(width: 160, height: 68)
        let times = [9.9, 9.95]  // one stretch after the last keyframe
        #expect(try VideoReader(path: path).fetchPlan(times: times).seeks)
        let (cheapest, report) = try FetchTests.fetch(path, times, size: size, .cheapest)
        let (streamed, streamReport) = try FetchTests.fetch(path, times, size: size, .stream)
        #expect(report.seeks == 1 && report.seekFallbacks == 0, "\(report)")
        #expect(report.framesDecoded * 10 < streamReport.framesDecoded, "\(report) against \(streamReport)")
        #expect(cheapest.count == times.count)
        for (a, b) in zip(cheapest, streamed) {
            #expect(a.time == b.time && a.sourceIndex == b.sourceIndex && a.rgb == b.rgb)
        }
    }

    @Test func cheapestStreamsWhereMostOfTheVideoIsNeeded() throws {
        let path = try Samples.path("bikes.mp4")
        let times = [0.3, 1.0, 2.0, 3.0, 5.0, 7.0, 9.0]
        #expect(try !VideoReader(path: path).fetchPlan(times: times).seeks)
        let (_, report) = try FetchTests.fetch(path, times, size: PixelSize(width: 160, height: 68), .cheapest)
        #expect(report.seeks == 0, "\(report)")
        // `.automatic` would seek here (and decode less, on one thread).
        let (_, automatic) = try FetchTests.fetch(path, times, size: PixelSize(width: 160, height: 68), .automatic)
        #expect(automatic.seeks > 0, "\(automatic)")
    }

    /// A request one frame before a keyframe (3.0 s, the keyframe shown at 3.04 s has index time
    /// 2.96 s): the seek would land on the keyframe at 1.2 s, already read, so the pass decodes
    /// on instead of decoding that group of pictures again.
    @Test func noGroupOfPicturesIsDecodedTwice() throws {
        let path = try Samples.path("bikes.mp4")
        let times = [2.0, 3.0]
        let size = PixelSize(width: 160, height: 68)
        let (seeked, report) = try FetchTests.fetch(path, times, size: size, .automatic)
        let (streamed, streamReport) = try FetchTests.fetch(path, times, size: size, .stream)
        #expect(report.seeks == 1, "\(report)")  // to the keyframe at 1.2 s, for 2.0 s
        #expect(report.framesDecoded < streamReport.framesDecoded, "\(report) against \(streamReport)")
        for (a, b) in zip(seeked, streamed) { #expect(a.sourceIndex == b.sourceIndex && a.rgb == b.rgb) }
    }

    /// cockatoo.mp4's index misleads a seek (`FetchTests`): the plan seeks, the pass falls back
    /// to streaming, and the frames are the streamed ones.
    @Test func aMisleadingIndexFallsBackToTheStreamedFrames() throws {
        let path = try Samples.path("cockatoo.mp4")
        let size = PixelSize(width: 320, height: 180)
        #expect(try VideoReader(path: path).fetchPlan(times: [9.0]).seeks)
        let (cheapest, report) = try FetchTests.fetch(path, [9.0], size: size, .cheapest)
        let (streamed, _) = try FetchTests.fetch(path, [9.0], size: size, .stream)
        #expect(report.seekFallbacks == 1, "\(report)")
        let same = cheapest.map(\.rgb) == streamed.map(\.rgb)
        #expect(same && cheapest.map(\.sourceIndex) == streamed.map(\.sourceIndex))
    }

    /// A file without an index plans no seek, however far the request.
    @Test func noIndexNoSeek() throws {
        let path = try TestClips.path(TestClips.recipes.first { $0.name == "no-timestamps.m1v" }!)
        let reader = try VideoReader(path: path)
        try #require(reader.mediaFile.indexEntryCount == 0)
        let plan = reader.fetchPlan(times: [2.5])
        #expect(!plan.seeks && plan.seekingSeconds == 2.5 && plan.streamingSeconds == 2.5)
    }
}
