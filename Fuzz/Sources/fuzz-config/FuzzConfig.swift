import ARRCOC
import CFuzzDriver
import Foundation

/// libFuzzer entry: the compression config YAML loader on arbitrary text.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfig(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = try? CompressionConfig.parse(yaml: text, path: "fuzz.yaml")
    return 0
}

/// The process entry point SwiftPM links as `main`: starts libFuzzer.
@_cdecl("fuzz_config_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    arrcoc_fuzz_main(argc, argv)
}
