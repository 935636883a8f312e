import ARRCOC
import Foundation

/// libFuzzer entry: the npy reader on arbitrary bytes, then the query built from it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNPY(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    if let (shape, values) = try? NPY.parse(Data(bytes: data, count: size), path: "fuzz.npy"), let d = shape.last {
        _ = try? Query(vectors: values, shape: shape, source: "fuzz.npy", featuresDimension: d)
    }
    return 0
}
