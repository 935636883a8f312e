@testable import ARRCOC
import Foundation
import TestSupport
import Testing

/// The kernel (`CellDescriptor+Strips.swift`) computes the same bits as the descriptor's
/// definition written out one pixel at a time (`ReferenceCellDescriptor`), on frames built to
/// reach every branch: flat cells, saturated and noisy ones, gradients of every orientation, odd
/// grids, with and without a previous frame.
struct DescriptorParityTests {
    static func noise(width: Int, height: Int, seed: UInt64, flatEvery: Int) -> RGBImage {
        var state = seed
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                let v = UInt8(truncatingIfNeeded: state >> 56)
                let o = (y * width + x) * 3
                switch (x / 32 + y / 32) % flatEvery {
                case 0: (pixels[o], pixels[o + 1], pixels[o + 2]) = (200, 200, 200)  // flat
                case 1: (pixels[o], pixels[o + 1], pixels[o + 2]) = (UInt8(x % 256), UInt8(y % 256), UInt8((x + y) % 256))
                case 2: (pixels[o], pixels[o + 1], pixels[o + 2]) = (v, 255 &- v, v / 3)
                default: (pixels[o], pixels[o + 1], pixels[o + 2]) = (v > 127 ? 255 : 0, v & 0x80, 128)
                }
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    static func bits(_ values: [Float]) -> [UInt32] { values.map(\.bitPattern) }

    @Test(arguments: [(32, 32), (64, 96), (320, 192), (800, 448)])
    func kernelMatchesTheDefinitionBitForBit(_ size: (Int, Int)) {
        let (w, h) = size
        let frames = [Self.noise(width: w, height: h, seed: 1, flatEvery: 4), Self.noise(width: w, height: h, seed: 2, flatEvery: 3)]
            + FeatureGoldenTests.frames(count: 2, width: w, height: h)
        Self.expectKernelMatchesTheDefinition(on: frames)
    }

    /// Real pixels: frames of a sample video (they reach values and gradients synthetic frames do
    /// not, such as long runs of equal totals in one orientation bin).
    @Test func kernelMatchesTheDefinitionOnAVideosFrames() throws {
        let (w, h) = (800, 448)
        let frames = try FFmpegTool.rgbFrames(try Samples.path("cockatoo.mp4"), indices: [0, 12, 200], width: w, height: h)
            .map { RGBImage(width: w, height: h, pixels: $0) }
        Self.expectKernelMatchesTheDefinition(on: frames)
    }

    /// Describes `frames` in turn (each the previous one of the next) with the kernel and with
    /// the reference, and expects the same bits.
    static func expectKernelMatchesTheDefinition(on frames: [RGBImage]) {
        var previous: RGBImage? = nil
        for frame in frames {
            var want: [Float] = [], wantCues: [CellDescriptor.Cues] = []
            ReferenceCellDescriptor.describe(frame, previous: previous, descriptors: &want, cues: &wantCues)
            var got: [Float] = [], gotCues: [CellDescriptor.Cues] = []
            CellDescriptor.describe(frame, previousTotals: previous.map(CellDescriptor.totals), descriptors: &got, cues: &gotCues)
            #expect(bits(got) == bits(want))
            #expect(bits(gotCues.map(\.information)) == bits(wantCues.map(\.information)))
            #expect(bits(gotCues.map(\.edges)) == bits(wantCues.map(\.edges)))
            #expect(bits(gotCues.map(\.change)) == bits(wantCues.map(\.change)))
            previous = frame
        }
    }

    /// The kernel's bins (scalar, and SIMD with the magnitude) against the definition's, on every
    /// integer gradient pair the kernel can meet (|gx|, |gy| ≤ 765): all three exact ties (45°,
    /// 90°, 135°) and every pair nearest a boundary.
    @Test func gradientsFollowTheDefinitionOnEveryIntegerGradient() {
        #expect(CellDescriptor.orientationBin(0, 5) == 3 && CellDescriptor.orientationBin(3, 3) == 2
            && CellDescriptor.orientationBin(-3, 3) == 5 && CellDescriptor.orientationBin(-5, 0) == 0)
        var binMismatches: [String] = [], magnitudeMismatches: [String] = []
        // Every pair (gx, gy) in row-major order, eight consecutive pairs per call, so that the
        // lanes hold different gx as well as different gy.
        let side = 1531, pairs = side * side
        func pair(_ i: Int) -> (Int, Int) { (min(i, pairs - 1) / side - 765, min(i, pairs - 1) % side - 765) }
        for start in stride(from: 0, to: pairs, by: 8) {
            let lanes = (0..<8).map { pair(start + $0) }
            let g = CellDescriptor.gradients(gx: SIMD8(lanes.map { Int16($0.0) }), gy: SIMD8(lanes.map { Int16($0.1) }))
            for (lane, (gx, gy)) in lanes.enumerated() {
                if Float(gx * gx + gy * gy).squareRoot().bitPattern != g.magnitude[lane].bitPattern {
                    magnitudeMismatches.append("(\(gx), \(gy))")
                }
                // No gradient adds +0 to whichever bin, but the bin must still index the histogram.
                let bin = Int(g.bins[lane])
                if bin >= 8 {
                    binMismatches.append("(\(gx), \(gy)): bin \(bin)")
                } else if gx != 0 || gy != 0 {
                    let want = ReferenceCellDescriptor.orientationBin(gx, gy)
                    if CellDescriptor.orientationBin(Float(gx), Float(gy)) != want || bin != want {
                        binMismatches.append("(\(gx), \(gy))")
                    }
                }
            }
        }
        // Counts, so that a failure prints ten pairs rather than every one.
        let wrongBins = binMismatches.count, wrongMagnitudes = magnitudeMismatches.count
        #expect(wrongBins == 0, "\(binMismatches.prefix(10))")
        #expect(wrongMagnitudes == 0, "\(magnitudeMismatches.prefix(10))")
    }
}
