// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "arrcoc",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "arrcoc", targets: ["arrcoc"]),
        .library(name: "ARRCOCPipeline", targets: ["ARRCOCPipeline"]),
        .library(name: "ARRCOC", targets: ["ARRCOC"]),
        .library(name: "VideoDecoding", targets: ["VideoDecoding"]),
        .library(name: "LinearAlgebra", targets: ["LinearAlgebra"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // System libraries: FFmpeg (video) and BLAS/LAPACK (numerics).
        .systemLibrary(
            name: "CFFmpeg",
            pkgConfig: "libavformat",
            providers: [.apt(["libavformat-dev", "libavcodec-dev", "libswscale-dev", "libavutil-dev"])]
        ),
        .systemLibrary(
            name: "CLapack",
            providers: [.apt(["liblapack-dev", "libblas-dev"])]
        ),

        // The only FFmpeg user.
        .target(
            name: "VideoDecoding",
            dependencies: ["CFFmpeg", "TextEscaping", .product(name: "Logging", package: "swift-log")]
        ),
        // Escaping of names and values in messages, shared by decoding and the core.
        .target(name: "TextEscaping"),
        // Debian's reference BLAS and LAPACK, found first at link and at run time, whatever the
        // system's `libblas.so.3` alternative is: OpenBLAS picks its kernels by CPU at run time
        // (Haswell, SkylakeX, or Prescott for a CPU it does not know), and each kernel rounds
        // differently, so features files differed between machines. The reference code is the
        // same instructions on every x86-64 CPU (Docs/features.md, "Determinism").
        // The products' AVX2 kernel, chosen at run time (`OrderedProducts`): C, for a function
        // compiled for one instruction set; bit-identical to the portable Swift loop.
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O2", "-ffp-contract=off"])]),
        .target(
            name: "LinearAlgebra", dependencies: ["CLapack", "CKernels"],
            swiftSettings: optimizedInDebug,
            linkerSettings: [.unsafeFlags(referenceBLAS.flatMap { ["-L\($0)", "-Xlinker", "-rpath", "-Xlinker", $0] }, .when(platforms: [.linux]))]
        ),
        // The core: no FFmpeg import.
        .target(
            name: "ARRCOC",
            dependencies: [
                "LinearAlgebra", "TextEscaping", "Yams", .product(name: "Logging", package: "swift-log"), .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: optimizedInDebug
        ),
        // Small C helpers for what Swift's Glibc module does not expose (renameat2).
        .target(name: "CSystem"),
        // Decoding and the core joined: what a Swift user imports.
        .target(name: "ARRCOCPipeline", dependencies: ["ARRCOC", "VideoDecoding", "CSystem"]),
        // The command line: a thin shell over ARRCOCPipeline.
        .executableTarget(
            name: "arrcoc",
            dependencies: [
                "TextEscaping",
                "ARRCOCPipeline", "ARRCOC", "VideoDecoding",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // Benchmarks: ratios against reference tools measured in the same run (Benchmarks/README.md).
        .executableTarget(
            name: "arrcoc-bench",
            dependencies: ["VideoDecoding", "ARRCOC", "ARRCOCPipeline"],
            path: "Benchmarks/Sources/arrcoc-bench"
        ),

        // The example Docs/library.md shows: `swift run compress-video VIDEO QUERY_IMAGE BUDGET OUT_DIR`
        // (LibraryDocTests checks the document shows this code, and runs it).
        .executableTarget(name: "compress-video", dependencies: ["ARRCOCPipeline", "ARRCOC"], path: "Examples/CompressVideo"),

        .target(name: "TestSupport", dependencies: ["VideoDecoding", "ARRCOCPipeline"], path: "Tests/TestSupport"),
        .testTarget(name: "VideoDecodingTests", dependencies: ["VideoDecoding", "TestSupport"]),
        .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra"]),
        .testTarget(name: "ARRCOCTests", dependencies: ["ARRCOC", "TestSupport"]),
        .testTarget(name: "ARRCOCPipelineTests", dependencies: ["ARRCOCPipeline", "ARRCOC", "TestSupport"]),
        .testTarget(name: "arrcocTests", dependencies: ["TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)

// libFuzzer targets, declared only for Scripts/fuzz.sh (ARRCOC_FUZZ=1) with its own scratch path:
// they need `-sanitize=fuzzer` to link. See Fuzz/README.md.
if Context.environment["ARRCOC_FUZZ"] != nil {
    let fuzzTargets: [(name: String, dependencies: [Target.Dependency])] = [
        ("safetensors", ["ARRCOC"]), ("npy", ["ARRCOC"]), ("features", ["ARRCOC"]), ("config", ["ARRCOC"]),
        ("sweep", ["ARRCOC"]), ("truth", ["ARRCOC"]), ("manifest", ["ARRCOC"]), ("probe", ["VideoDecoding"]),
    ]
    package.targets.append(.target(name: "CFuzzDriver", path: "Fuzz/Sources/CFuzzDriver"))
    for (name, dependencies) in fuzzTargets {
        package.targets.append(.executableTarget(
            name: "fuzz-\(name)", dependencies: dependencies + ["CFuzzDriver"], path: "Fuzz/Sources/fuzz-\(name)",
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]))
        package.products.append(.executable(name: "fuzz-\(name)", targets: ["fuzz-\(name)"]))
    }
}

/// Where Debian keeps the reference BLAS and LAPACK (packages libblas3, liblapack3).
var referenceBLAS: [String] {
    ["x86_64-linux-gnu", "aarch64-linux-gnu"].flatMap { ["/usr/lib/\($0)/lapack", "/usr/lib/\($0)/blas"] }
}

/// The numeric core (the descriptor, the embedder's products, the scorer) compiled with
/// optimisation in debug builds too: the tests run the `arrcoc` debug binary on real video, and
/// unoptimised SIMD code made scoring an image query on quarter-cell grids about 5× slower there
/// (a 60-s clip's `compress --features` 122 s against 24 s on half-cell grids). Preconditions and
/// `@testable` stay (-O keeps both; no `assert` in these modules).
var optimizedInDebug: [SwiftSetting] { [.unsafeFlags(["-O"], .when(configuration: .debug))] }
