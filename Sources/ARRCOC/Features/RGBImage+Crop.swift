extension RGBImage {
    /// The pixels of `region` (`Region.pixels` of this image's size), for frame sources that
    /// hold whole frames and crop before they resize.
    public func cropped(to region: Region) -> RGBImage {
        let r = region.pixels(width: width, height: height)
        return cropped(x: r.x, y: r.y, width: r.width, height: r.height)
    }

    /// The `width × height` pixels from (`x`, `y`) on, which must lie inside the image.
    public func cropped(x: Int, y: Int, width w: Int, height h: Int) -> RGBImage {
        precondition(x >= 0 && y >= 0 && w > 0 && h > 0 && x + w <= width && y + h <= height,
                     "crop \(w)x\(h) at (\(x), \(y)) outside a \(width)x\(height) image")
        var out: [UInt8] = []
        out.reserveCapacity(w * h * 3)
        for row in y..<(y + h) {
            let start = (row * width + x) * 3
            out += pixels[start..<(start + w * 3)]
        }
        return RGBImage(width: w, height: h, pixels: out)
    }
}
