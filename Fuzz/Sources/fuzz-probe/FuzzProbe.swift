import CFuzzDriver
import Foundation
import VideoDecoding

/// libFuzzer entry: FFmpeg's probe (demuxer, stream info, decoder set-up, packet count) on
/// bytes in memory, read through a custom AVIOContext.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzProbe(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    _ = try? VideoProbe.probe(data: Data(bytes: data, count: size), name: "fuzz-input")
    return 0
}

/// The process entry point SwiftPM links as `main`: starts libFuzzer.
@_cdecl("fuzz_probe_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    arrcoc_fuzz_main(argc, argv)
}
