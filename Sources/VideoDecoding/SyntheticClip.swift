/// A deterministic synthetic clip: a drifting colour gradient with a bright square that crosses
/// the frame between 40% and 60% of the clip (a visible "event"). Used when no real sample
/// video is available, and by tests.
public enum SyntheticClip {
    /// The RGB pixels of frame `index`.
    public static func frame(index: Int, size: PixelSize, fps: Int, seconds: Int) -> [UInt8] {
        var rgb = [UInt8](repeating: 0, count: size.width * size.height * 3)
        let total = max(1, fps * seconds)
        let phase = Double(index) / Double(total)
        let showSquare = phase >= 0.4 && phase < 0.6
        let side = size.height / 4
        let squareX = Int((phase - 0.4) / 0.2 * Double(size.width - side))
        let squareY = size.height / 2 - side / 2
        for y in 0..<size.height {
            for x in 0..<size.width {
                let o = (y * size.width + x) * 3
                rgb[o] = UInt8((x * 255 / max(1, size.width - 1) + index * 2) % 256)
                rgb[o + 1] = UInt8((y * 255 / max(1, size.height - 1)) % 256)
                rgb[o + 2] = UInt8((128 + index * 3) % 256)
                if showSquare, x >= squareX, x < squareX + side, y >= squareY, y < squareY + side {
                    rgb[o] = 250
                    rgb[o + 1] = 250
                    rgb[o + 2] = 20
                }
            }
        }
        return rgb
    }

    /// Encodes the clip to `path` with `VideoEncoder`.
    public static func write(to path: String, size: PixelSize, fps: Int, seconds: Int) throws(VideoError) {
        let encoder = try VideoEncoder(path: path, size: size, fps: fps)
        for i in 0..<(fps * seconds) {
            try encoder.append(rgb: frame(index: i, size: size, fps: fps, seconds: seconds))
        }
        try encoder.finish()
    }
}
