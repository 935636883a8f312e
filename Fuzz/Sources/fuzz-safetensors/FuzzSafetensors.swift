import ARRCOC
import CFuzzDriver
import Foundation

/// libFuzzer entry: the safetensors reader on arbitrary bytes (see Fuzz/README.md).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafetensors(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    if let file = try? Safetensors(data: bytes, path: "fuzz.safetensors") {
        for tensor in file.tensors.values { _ = (tensor.count, tensor.floats, tensor.doubles, tensor.int64s) }
    }
    return 0
}

/// The process entry point SwiftPM links as `main`: starts libFuzzer.
@_cdecl("fuzz_safetensors_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    arrcoc_fuzz_main(argc, argv)
}
