import ARRCOC
@testable import ARRCOCPipeline
import Foundation
import Testing
import TestSupport
import VideoDecoding

/// `VideoFileSource`'s metadata when the header cannot be trusted (AVI): the packet count runs
/// on another thread (`BackgroundResult`) while the analysis decodes, and what is recorded is the
/// count's, exactly as when the count ran before the first frame.
struct VideoFileSourceTests {
    @Test(arguments: ["vtest.avi", "Megamind.avi", "cockatoo.mp4"])
    func metadataIsTheCountedOneAndThePlanSharesItsSize(_ name: String) throws {
        let path = try Samples.path(name)
        let source = try VideoFileSource(path: path)
        let opened = try VideoReader(path: path).info
        let untrusted = opened.durationSeconds == nil || opened.container == "avi"
        let info = untrusted ? try VideoProbe.probe(path: path) : opened
        let counted = SourceMetadata(path: path, durationSeconds: info.durationSeconds ?? 0, fps: info.fps, width: info.width,
                                     height: info.height, codec: info.codec)
        #expect(try source.metadata() == counted)
        let plan = source.plannedMetadata()
        #expect(plan.width == counted.width && plan.height == counted.height && plan.fps == counted.fps && plan.codec == counted.codec)
        #expect(untrusted == (name.hasSuffix(".avi")))
    }

    @Test func anAVIsFeaturesRecordTheCountedDuration() throws {
        let path = try Samples.path("vtest.avi")
        let source = try VideoFileSource(path: path)
        var config = CompressionConfig()
        config.analysis.candidateFPS = 0.5
        let features = try FeatureExtraction.analyze(source, config: config)
        #expect(features.info.source.durationSeconds == (try VideoProbe.probe(path: path).durationSeconds ?? 0))
        #expect(features.info.source.durationSeconds == (try source.metadata().durationSeconds))
    }

    /// The emission fetch (`frames(_:)`) seeks where that decodes at most a third of the video
    /// (`FetchStrategy.cheapest`) and gives the images a streamed decode gives: whole frames,
    /// crops and analysis-size frames alike.
    @Test func theEmissionFetchGivesTheStreamedImages() throws {
        let path = try Samples.path("bikes.mp4")  // keyframes at 0, 1.2, 3.04, 5.48, 7.48, 9.68 s
        let requests = [
            PixelRequest(time: 7.6, width: 320, height: 136),
            PixelRequest(time: 7.7, width: 128, height: 64, region: Region(x: 0.25, y: 0.25, w: 0.5, h: 0.5)),
            PixelRequest(time: 9.8, width: 96, height: 32, forAnalysis: true),
        ]
        #expect(try VideoReader(path: path).fetchPlan(times: requests.map(\.time)).seeks)
        let source = try VideoFileSource(path: path)
        #expect(source.fetchStrategy == .cheapest)
        var streaming = source
        streaming.fetchStrategy = .stream
        var cheapest: [RGBImage] = [], streamed: [RGBImage] = []
        try source.frames(requests) { cheapest.append($0) }
        try streaming.frames(requests) { streamed.append($0) }
        #expect(cheapest.count == requests.count)
        let same = cheapest == streamed  // outside #expect: it would print the pixels
        #expect(same)
    }
}
