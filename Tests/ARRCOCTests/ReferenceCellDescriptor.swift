@testable import ARRCOC
import Foundation

/// The cell descriptor of `DescriptorEmbedder` version 3 written out plainly from its definition
/// (`CellDescriptor`'s documentation), one pixel at a time and with its own orientation bins: the
/// reference the kernel must match bit for bit (`DescriptorParityTests`).
enum ReferenceCellDescriptor {
    static let length = CellDescriptor.length
    static let side = CellDescriptor.side

    /// The orientation bin of an integer gradient from its definition, independently of the
    /// kernel's comparisons: ⌊θ / 22.5°⌋ of the unsigned angle, with the ties `CellDescriptor`
    /// documents (45° → 2, 90° → 3, 135° → 5). Away from those, no integer gradient of this
    /// range lies within 1e-7 of a boundary (tan 22.5° is irrational), so `atan2` in `Double`
    /// gives the floor exactly.
    static func orientationBin(_ gx: Int, _ gy: Int) -> Int {
        var x = gx, y = gy
        if y < 0 || (y == 0 && x < 0) { (x, y) = (-x, -y) }
        if x == 0 && y == 0 { return 0 }  // magnitude 0: adds +0, whatever the bin
        if x == 0 { return 3 }
        if y == abs(x) { return x > 0 ? 2 : 5 }
        return min(7, Int(atan2(Double(y), Double(x)) / .pi * 8))
    }

    static func describe(_ image: RGBImage, previous: RGBImage?, descriptors: inout [Float], cues: inout [CellDescriptor.Cues]) {
        let rows = image.height / side, cols = image.width / side
        let w = image.width, h = image.height
        func total(_ frame: RGBImage, _ x: Int, _ y: Int) -> Int {
            let i = 3 * (y * w + x)
            return Int(frame.pixels[i]) + Int(frame.pixels[i + 1]) + Int(frame.pixels[i + 2])
        }
        descriptors = [Float](repeating: 0, count: rows * cols * length)
        cues = []
        let n = side * side
        for cr in 0..<rows {
            for cc in 0..<cols {
                var t = 0, t2 = 0, o1 = 0, o1Squares = 0, o2 = 0, o2Squares = 0, change = 0
                var quadrants = [0, 0, 0, 0]
                var colour = [Int](repeating: 0, count: 8), luma = [Int](repeating: 0, count: 16)
                var partial = [[Float]](repeating: [Float](repeating: 0, count: 8), count: 4)
                for y in (cr * side)..<(cr * side + side) {
                    for x in (cc * side)..<(cc * side + side) {
                        let i = 3 * (y * w + x)
                        let r = Int(image.pixels[i]), g = Int(image.pixels[i + 1]), b = Int(image.pixels[i + 2])
                        let l = r + g + b
                        t += l; t2 += l * l
                        o1 += r - g; o1Squares += (r - g) * (r - g)
                        o2 += r + g - 2 * b; o2Squares += (r + g - 2 * b) * (r + g - 2 * b)
                        quadrants[(y - cr * side >= side / 2 ? 2 : 0) + (x - cc * side >= side / 2 ? 1 : 0)] += l
                        colour[(r >= 128 ? 4 : 0) + (g >= 128 ? 2 : 0) + (b >= 128 ? 1 : 0)] += 1
                        luma[min(15, 16 * l / 765)] += 1
                        let gx = total(image, min(x + 1, w - 1), y) - total(image, max(x - 1, 0), y)
                        let gy = total(image, x, min(y + 1, h - 1)) - total(image, x, max(y - 1, 0))
                        let m = Float(gx * gx + gy * gy).squareRoot()
                        partial[(x - cc * side) % 4][orientationBin(gx, gy)] += m
                        if let previous { change += abs(l - total(previous, x, y)) }
                    }
                }
                let d = (cr * cols + cc) * length
                func mean(_ sum: Int, _ unit: Double) -> Float { Float(Double(sum) / (unit * Double(n))) }
                func deviation(_ sum: Int, _ squares: Int, _ unit: Double) -> Float {
                    Float(Double(n * squares - sum * sum).squareRoot() / (unit * Double(n)))
                }
                let units = [765, 255 * 2.0.squareRoot(), 255 * 6.0.squareRoot()]
                for (k, (sum, squares)) in [(t, t2), (o1, o1Squares), (o2, o2Squares)].enumerated() {
                    descriptors[d + k] = mean(sum, units[k])
                    descriptors[d + 3 + k] = deviation(sum, squares, units[k])
                }
                for k in 0..<8 { descriptors[d + 6 + k] = Float(colour[k]) / Float(n) }
                let bins = (0..<8).map { k in (partial[0][k] + partial[1][k]) + (partial[2][k] + partial[3][k]) }
                var magnitude: Float = 0
                for bin in bins { magnitude += bin }
                for k in 0..<8 { descriptors[d + 14 + k] = magnitude > 0 ? bins[k] / magnitude : 0 }
                descriptors[d + 22] = magnitude / (765 * Float(n))
                var entropy: Float = 0
                for count in luma where count > 0 {
                    let p = Float(count) / Float(n)
                    entropy -= p * log2f(p)
                }
                descriptors[d + 23] = entropy
                let cellMean = Double(t) / (765 * Double(n))
                for k in 0..<4 { descriptors[d + 24 + k] = Float(Double(quadrants[k]) / (765 * Double(n / 4)) - cellMean) }
                cues.append(CellDescriptor.Cues(information: entropy, edges: magnitude / (765 * Float(n)),
                                                change: previous == nil ? 0 : Float(Double(change) / (765 * Double(n)))))
            }
        }
    }
}
