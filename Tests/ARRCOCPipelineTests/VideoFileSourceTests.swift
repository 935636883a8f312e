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
}
