import ARRCOC
import CFuzzDriver
import Foundation

/// libFuzzer entry: the truth YAML loader on arbitrary text; an accepted truth is evaluated
/// against a small fixed set of blocks.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTruth(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let truth = try? Truth.parse(yaml: text, path: "fuzz.yaml") else { return 0 }
    let blocks = (0..<8).map { EvaluatedBlock(time: Double($0) * 1.5, tokens: 64, grid: THW(t: 1, h: 8, w: 8), keptCells: nil) }
    _ = Evaluation.evaluate(blocks: blocks, truth: truth, delta: 1, tokensUsed: 600, budget: 1000, qwen3vlDefaultTokens: 5000)
    return 0
}

/// The process entry point SwiftPM links as `main`: starts libFuzzer.
@_cdecl("fuzz_truth_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    arrcoc_fuzz_main(argc, argv)
}
