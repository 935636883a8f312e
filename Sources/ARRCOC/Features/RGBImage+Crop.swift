extension RGBImage {
    /// The pixels of `region` (`Region.pixels` of this image's size), for frame sources that
    /// hold whole frames and crop before they resize.
    public func cropped(to region: Region) -> RGBImage {
        let r = region.pixels(width: width, height: height)
        var out: [UInt8] = []
        out.reserveCapacity(r.width * r.height * 3)
        for row in r.y..<(r.y + r.height) {
            let start = (row * width + r.x) * 3
            out += pixels[start..<(start + r.width * 3)]
        }
        return RGBImage(width: r.width, height: r.height, pixels: out)
    }
}
