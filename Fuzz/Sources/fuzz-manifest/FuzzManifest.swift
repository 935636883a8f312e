import ARRCOC
import CFuzzDriver
import Foundation

/// libFuzzer entry: the manifest loader (what `eval` reads) on arbitrary bytes; an accepted
/// manifest is evaluated against a fixed truth.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzManifest(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let manifest = try? Manifest.parse(Data(bytes: data, count: size), path: "fuzz.json") else { return 0 }
    let truth = Truth(video: "v", query: "q", events: [.init(startSeconds: 1, endSeconds: 3, box: [0.1, 0.1, 0.5, 0.5])])
    _ = try? Evaluation.evaluate(manifest: manifest, truth: truth, delta: 1, source: "fuzz.json")
    return 0
}

/// The process entry point SwiftPM links as `main`: starts libFuzzer.
@_cdecl("fuzz_manifest_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    arrcoc_fuzz_main(argc, argv)
}
