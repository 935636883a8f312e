import ARRCOC
import CFuzzDriver
import Foundation

/// libFuzzer entry: the features loader on arbitrary bytes; a file it accepts is then scored
/// and allocated, as `compress --features` would.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFeatures(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let features = try? FeatureSet(data: Data(bytes: data, count: size), path: "fuzz.features.safetensors") else { return 0 }
    guard features.frameCount * features.cellsPerFrame * features.dimension <= 1 << 20 else { return 0 }
    let d = features.dimension
    if let query = try? Query(vectors: (0..<d).map { Float($0 % 3) - 0.5 }, shape: [d], source: "q", featuresDimension: d) {
        _ = try? Compressor.plan(features: features, query: query, config: CompressionConfig(), budget: 4000)
    }
    return 0
}

/// The process entry point SwiftPM links as `main`: starts libFuzzer.
@_cdecl("fuzz_features_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    arrcoc_fuzz_main(argc, argv)
}
