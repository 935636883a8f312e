import Foundation

/// What Qwen3-VL's default video preprocessing would do with a video: the "uncompressed"
/// reference for compression ratios. A port of qwen-vl-utils' `vision_process.py`
/// (`smart_nframes`, `smart_resize`, `fetch_video`) with `image_patch_size = 16`.
public enum QwenVideoDefaults {
    /// 16-px patch × spatial merge 2.
    public static let factor = 32
    public static let fps = 2.0
    public static let frameFactor = 2
    public static let minFrames = 4
    public static let maxFrames = 768
    public static let minTokensPerFrame = 128
    public static let maxTokensPerFrame = 768
    /// qwen-vl-utils' `MODEL_SEQ_LEN` default.
    public static let modelSequenceLength = 128_000

    // vision_process.round_by_factor / ceil_by_factor / floor_by_factor
    static func roundBy(_ x: Double, _ f: Int) -> Int { Int((x / Double(f)).rounded(.toNearestOrEven)) * f }
    static func ceilBy(_ x: Double, _ f: Int) -> Int { Int((x / Double(f)).rounded(.up)) * f }
    static func floorBy(_ x: Double, _ f: Int) -> Int { Int((x / Double(f)).rounded(.down)) * f }

    /// vision_process.smart_nframes with the default `fps = 2`.
    public static func smartNFrames(totalFrames: Int, videoFPS: Double) -> Int {
        let minF = ceilBy(Double(minFrames), frameFactor)
        let maxF = floorBy(Double(min(maxFrames, totalFrames)), frameFactor)
        var n = Double(totalFrames) / videoFPS * fps
        n = min(min(max(n, Double(minF)), Double(maxF)), Double(totalFrames))
        return floorBy(n, frameFactor)
    }

    /// vision_process.smart_resize: (height, width), both multiples of `factor`, pixels within
    /// [minPixels, maxPixels], aspect ratio kept as closely as possible.
    public static func smartResize(height: Int, width: Int, minPixels: Int, maxPixels: Int) -> (height: Int, width: Int) {
        let h = Double(height), w = Double(width)
        var hBar = max(factor, roundBy(h, factor))
        var wBar = max(factor, roundBy(w, factor))
        if hBar * wBar > maxPixels {
            let beta = ((h * w) / Double(maxPixels)).squareRoot()
            hBar = floorBy(h / beta, factor)
            wBar = floorBy(w / beta, factor)
        } else if hBar * wBar < minPixels {
            let beta = (Double(minPixels) / (h * w)).squareRoot()
            hBar = ceilBy(h * beta, factor)
            wBar = ceilBy(w * beta, factor)
        }
        return (hBar, wBar)
    }

    /// The default preprocessing of a video: frames sampled, their size, and the tokens.
    public struct Plan: Sendable, Equatable, Codable {
        /// Frames sampled (even).
        public var frames: Int
        /// Resized frame size in pixels.
        public var height: Int
        public var width: Int
        /// Blocks (temporal patches of 2 frames).
        public var blocks: Int
        /// Vision tokens: blocks × (h/32) × (w/32).
        public var visionTokens: Int
        /// Timestamp text plus vision_start/vision_end of every block.
        public var overheadTokens: Int
        /// The whole video part of the sequence.
        public var totalTokens: Int { visionTokens + overheadTokens }

        enum CodingKeys: String, CodingKey {
            case frames, height, width, blocks
            case visionTokens = "vision_tokens", overheadTokens = "overhead_tokens"
        }
    }

    /// fetch_video's choices for a video of `totalFrames` at `videoFPS`, `width × height`.
    /// Timestamps follow the processor: the mean time of each block's two frames, with frames at
    /// `linspace(0, total − 1, nframes).round()`.
    public static func plan(totalFrames: Int, videoFPS: Double, width: Int, height: Int) -> Plan {
        let total = max(totalFrames, frameFactor)
        let n = max(frameFactor, smartNFrames(totalFrames: total, videoFPS: videoFPS))
        let f2 = Double(factor * factor)
        let minPixels = Double(minTokensPerFrame) * f2
        let totalPixels = Double(modelSequenceLength) * f2 * 0.9
        let maxPixels = max(min(Double(maxTokensPerFrame) * f2, totalPixels / Double(n) * Double(frameFactor)),
                            (minPixels * 1.05).rounded(.down))
        let size = smartResize(height: height, width: width, minPixels: Int(minPixels), maxPixels: Int(maxPixels))
        let perBlock = (size.height / factor) * (size.width / factor)
        let blocks = n / frameFactor
        var overhead = 0
        for b in 0..<blocks {
            let i0 = linspaceIndex(2 * b, count: n, last: total - 1)
            let i1 = linspaceIndex(2 * b + 1, count: n, last: total - 1)
            let t = (Double(i0) + Double(i1)) / 2 / videoFPS
            overhead += TimestampCost.tokens(seconds: t, format: .qwen3vl) + 2
        }
        return Plan(frames: n, height: size.height, width: size.width, blocks: blocks,
                    visionTokens: blocks * perBlock, overheadTokens: overhead)
    }

    /// `torch.linspace(0, last, count).round()` at position `i` (round half to even, as torch).
    static func linspaceIndex(_ i: Int, count: Int, last: Int) -> Int {
        guard count > 1 else { return 0 }
        return Int((Double(last) * Double(i) / Double(count - 1)).rounded(.toNearestOrEven))
    }
}
