import ARRCOC
import CFuzzDriver
import Foundation

/// libFuzzer entry: the sweep YAML loader on arbitrary text (every path "exists").
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSweep(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if let sweep = try? SweepConfig.parse(yaml: text, path: "fuzz.yaml", checkFiles: false, resolve: { $0 }) {
        for strategy in sweep.strategies where strategy.grid.values.reduce(1, { $0 * $1.count }) <= 1000 { _ = strategy.variants }
    }
    return 0
}

/// The process entry point SwiftPM links as `main`: starts libFuzzer.
@_cdecl("fuzz_sweep_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    arrcoc_fuzz_main(argc, argv)
}
