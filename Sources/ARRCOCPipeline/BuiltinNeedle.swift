/// The built-in needle: a 4×4 checkerboard of saturated colours with a white diagonal, easy to
/// tell from any background (the fallback when no real needle is given).
public enum BuiltinNeedle {
    /// Packed RGB of a `side` px square.
    public static func pixels(side: Int) -> [UInt8] {
        let colours: [(UInt8, UInt8, UInt8)] = [(230, 30, 40), (250, 210, 20), (30, 90, 230), (20, 200, 90)]
        var rgb = [UInt8](repeating: 0, count: side * side * 3)
        for y in 0..<side {
            for x in 0..<side {
                let c = colours[((x * 4 / side) + (y * 4 / side) * 3) % 4]
                let o = (y * side + x) * 3
                let onDiagonal = abs(x - y) < max(2, side / 24)
                rgb[o] = onDiagonal ? 255 : c.0
                rgb[o + 1] = onDiagonal ? 255 : c.1
                rgb[o + 2] = onDiagonal ? 255 : c.2
            }
        }
        return rgb
    }
}
