@testable import ARRCOC
import Foundation

/// The scalar cell descriptor as `main` had it at e33723a (before the strip kernel), kept as the
/// reference the kernel must match bit for bit (`DescriptorParityTests`).
enum ReferenceCellDescriptor {
    static let length = CellDescriptor.length
    static let side = CellDescriptor.side

    static func describe(
        _ image: RGBImage, luminance luma: [Float], previousLuminance: [Float]?,
        descriptors: inout [Float], cues: inout [CellDescriptor.Cues]
    ) {
        let rows = image.height / side, cols = image.width / side
        let w = image.width, h = image.height
        descriptors = [Float](repeating: 0, count: rows * cols * length)
        cues = [CellDescriptor.Cues](repeating: CellDescriptor.Cues(information: 0, edges: 0, change: 0), count: rows * cols)
        let inv255: Float = 1 / 255
        let r2: Float = 1 / 2.0.squareRoot().float, r6: Float = 1 / 6.0.squareRoot().float
        let n = Float(side * side)
        image.pixels.withUnsafeBufferPointer { px in
            luma.withUnsafeBufferPointer { L in
                descriptors.withUnsafeMutableBufferPointer { out in
                    for cr in 0..<rows {
                        for cc in 0..<cols {
                            let cell = cr * cols + cc
                            let d = out.baseAddress! + cell * length
                            // Double sums: sq/n − mean² in Float cancels catastrophically on flat cells.
                            var sum = (0.0, 0.0, 0.0)
                            var sq = (0.0, 0.0, 0.0)
                            var hist = [Int](repeating: 0, count: 8)
                            var lumaHist = [Int](repeating: 0, count: 16)
                            var orient = [Float](repeating: 0, count: 8)
                            var magnitude: Float = 0
                            var quad: [Float] = [0, 0, 0, 0]
                            var change: Float = 0
                            for y in (cr * side)..<(cr * side + side) {
                                let ym = max(y - 1, 0), yp = min(y + 1, h - 1)
                                for x in (cc * side)..<(cc * side + side) {
                                    let i = y * w + x
                                    let r = Float(px[3 * i]), g = Float(px[3 * i + 1]), b = Float(px[3 * i + 2])
                                    let l = L[i]
                                    let o1 = (r - g) * inv255 * r2, o2 = (r + g - 2 * b) * inv255 * r6
                                    let (dl, d1, d2) = (Double(l), Double(o1), Double(o2))
                                    sum.0 += dl; sum.1 += d1; sum.2 += d2
                                    sq.0 += dl * dl; sq.1 += d1 * d1; sq.2 += d2 * d2
                                    hist[(r >= 128 ? 4 : 0) + (g >= 128 ? 2 : 0) + (b >= 128 ? 1 : 0)] += 1
                                    lumaHist[min(15, Int(l * 16))] += 1
                                    let gx = L[y * w + min(x + 1, w - 1)] - L[y * w + max(x - 1, 0)]
                                    let gy = L[yp * w + x] - L[ym * w + x]
                                    let m = (gx * gx + gy * gy).squareRoot()
                                    if m > 1e-6 {
                                        orient[CellDescriptor.orientationBin(gx, gy)] += m
                                        magnitude += m
                                    }
                                    quad[((y - cr * side) >= side / 2 ? 2 : 0) + ((x - cc * side) >= side / 2 ? 1 : 0)] += l
                                    if let previousLuminance { change += abs(l - previousLuminance[i]) }
                                }
                            }
                            let nd = Double(n)
                            let means = (sum.0 / nd, sum.1 / nd, sum.2 / nd)
                            d[0] = Float(means.0); d[1] = Float(means.1); d[2] = Float(means.2)
                            d[3] = Float(max(0, sq.0 / nd - means.0 * means.0).squareRoot())
                            d[4] = Float(max(0, sq.1 / nd - means.1 * means.1).squareRoot())
                            d[5] = Float(max(0, sq.2 / nd - means.2 * means.2).squareRoot())
                            for k in 0..<8 { d[6 + k] = Float(hist[k]) / n }
                            for k in 0..<8 { d[14 + k] = magnitude > 1e-6 ? orient[k] / magnitude : 0 }
                            d[22] = magnitude / n
                            var entropy: Float = 0
                            for c in lumaHist where c > 0 {
                                let p = Float(c) / n
                                entropy -= p * log2f(p)
                            }
                            d[23] = entropy
                            for k in 0..<4 { d[24 + k] = quad[k] / (n / 4) - Float(means.0) }
                            cues[cell] = CellDescriptor.Cues(information: entropy, edges: magnitude / n,
                                              change: previousLuminance == nil ? 0 : change / n)
                        }
                    }
                }
            }
        }
    }
}
