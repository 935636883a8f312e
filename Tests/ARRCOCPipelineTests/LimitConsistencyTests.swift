import ARRCOC
import Testing
import VideoDecoding

/// The frame pixel limit lives in two targets that share no dependency (the decoder checks it
/// before decoding, the core checks features metadata): one variable, one default.
@Suite struct LimitConsistencyTests {
    @Test func framePixelLimitIsTheSameInTheDecoderAndTheCore() {
        #expect(FramePixelLimit.environmentVariable == Limit.framePixels.environmentVariable)
        #expect(Double(FramePixelLimit.defaultValue) == Limit.framePixels.defaultValue)
    }
}
