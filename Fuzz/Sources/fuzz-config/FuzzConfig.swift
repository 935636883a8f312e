import ARRCOC
import Foundation

/// libFuzzer entry: the compression config YAML loader on arbitrary text.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfig(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = try? CompressionConfig.parse(yaml: text, path: "fuzz.yaml")
    return 0
}
