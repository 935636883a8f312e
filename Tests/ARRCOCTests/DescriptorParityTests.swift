@testable import ARRCOC
import Foundation
import Testing

/// The strip kernel (`CellDescriptor+Strips.swift`) computes the same bits as the scalar code
/// it replaced (`ReferenceCellDescriptor`), on frames built to reach every branch: flat cells,
/// saturated and noisy ones, gradients of every orientation, odd grids, with and without a
/// previous frame.
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
    func kernelMatchesTheScalarDescriptorBitForBit(_ size: (Int, Int)) {
        let (w, h) = size
        let frames = [Self.noise(width: w, height: h, seed: 1, flatEvery: 4), Self.noise(width: w, height: h, seed: 2, flatEvery: 3)]
            + FeatureGoldenTests.frames(count: 2, width: w, height: h)
        var previous: [Float]? = nil
        for frame in frames {
            let luma = CellDescriptor.luminance(frame)
            var want: [Float] = [], wantCues: [CellDescriptor.Cues] = []
            ReferenceCellDescriptor.describe(frame, luminance: luma, previousLuminance: previous, descriptors: &want, cues: &wantCues)
            var got: [Float] = [], gotCues: [CellDescriptor.Cues] = []
            CellDescriptor.describe(frame, luminance: luma, previousLuminance: previous, descriptors: &got, cues: &gotCues)
            #expect(Self.bits(got) == Self.bits(want))
            #expect(Self.bits(gotCues.map(\.information)) == Self.bits(wantCues.map(\.information)))
            #expect(Self.bits(gotCues.map(\.edges)) == Self.bits(wantCues.map(\.edges)))
            #expect(Self.bits(gotCues.map(\.change)) == Self.bits(wantCues.map(\.change)))
            previous = luma
        }
    }

    @Test(arguments: [(32, 32), (800, 448)])
    func luminanceLookupGivesTheDivisionsBits(_ size: (Int, Int)) {
        let (w, h) = size
        for frame in [Self.noise(width: w, height: h, seed: 3, flatEvery: 4), Self.noise(width: w, height: h, seed: 4, flatEvery: 2)] {
            let got = CellDescriptor.luminance(frame)
            let want = (0..<(w * h)).map { (i: Int) -> Float in
                let r = Float(frame.pixels[3 * i]), g = Float(frame.pixels[3 * i + 1]), b = Float(frame.pixels[3 * i + 2])
                return (r + g + b) / 765
            }
            let same = Self.bits(got) == Self.bits(want)  // compared outside #expect (it would print both)
            #expect(same)
        }
        // Every total, 0…765, including the ones no test frame happens to reach.
        let table = CellDescriptor.luminanceByTotal.map(\.bitPattern)
        let divided = (0...765).map { (total: Int) -> UInt32 in
            let r = min(total, 255), g = min(total - r, 255), b = total - r - g
            let sum: Float = Float(r) + Float(g) + Float(b)
            return (sum / 765).bitPattern
        }
        #expect(table == divided)
    }

    @Test func branchFreeOrientationBinMatchesTheBranchingOne() {
        let values: [Float] = [0, -0.0, 1e-7, -1e-7, 0.1, -0.1, 0.414_213_56, -0.414_213_56, 1, -1, 2.414_213_6, -2.414_213_6, 3, -3]
        for gx in values {
            for gy in values {
                #expect(Int(CellDescriptor.orientationBinWithoutBranches(gx, gy)) == CellDescriptor.orientationBin(gx, gy), "\(gx), \(gy)")
            }
        }
    }
}
