import ARRCOC
import CFuzzDriver
import Foundation

/// libFuzzer entry: the npy reader on arbitrary bytes, then the query built from it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNPY(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    if let (shape, values) = try? NPY.parse(Data(bytes: data, count: size), path: "fuzz.npy"), let d = shape.last {
        _ = try? Query(vectors: values, shape: shape, source: "fuzz.npy", featuresDimension: d)
    }
    return 0
}

/// The process entry point SwiftPM links as `main`: starts libFuzzer.
@_cdecl("fuzz_npy_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    arrcoc_fuzz_main(argc, argv)
}
