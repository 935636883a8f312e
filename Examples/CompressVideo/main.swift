// Compresses a video for Qwen3-VL under a token budget, guided by a query image:
//   swift run compress-video VIDEO QUERY_IMAGE BUDGET OUT_DIR
import ARRCOC
import ARRCOCPipeline
import Foundation

let arguments = CommandLine.arguments
guard arguments.count == 5, let budget = Int(arguments[3]) else {
    FileHandle.standardError.write(Data("usage: compress-video VIDEO QUERY_IMAGE BUDGET OUT_DIR\n".utf8))
    exit(2)
}
let (video, queryImage, out) = (arguments[1], arguments[2], arguments[4])

do {
    // Configured once: every knob of Configs/default.yaml, here the defaults. Progress events
    // come from any thread; this one prints each task as it starts.
    let engine = try Engine(config: CompressionConfig()) { event in
        if case .started(let task, _) = event {
            FileHandle.standardError.write(Data("\(task)\n".utf8))
        }
    }
    // One call: analyse the video, embed the query image in the video's feature space, choose
    // the moments and their detail under the budget, decode only those frames, emit.
    let result = try engine.compress(video: video, queryImage: queryImage, budget: budget)
    // manifest.json, prompt.txt and tensors.safetensors; OUT_DIR appears only when complete.
    try result.write(to: out)

    let manifest = result.manifest
    print("\(manifest.blocks.count) blocks, \(manifest.budget.used) of \(budget) tokens",
          "(Qwen3-VL's default: \(manifest.totals.qwen3vlDefaultTokens))")
    for block in manifest.blocks where block.density == .dense {
        print("dense \(block.timestamp): \(block.tokens) tokens, relevance \(block.relevance)")
    }
} catch {
    FileHandle.standardError.write(Data("error: \(error.localizedDescription)\n".utf8))
    exit(1)
}
