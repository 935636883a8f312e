import CFFmpeg

extension FrameScaler {
    /// The `crop` of a decoded frame at `size`: the frame converted to RGB24 at its full
    /// resolution, then the crop's pixels resized (bicubic, libswscale) — pixels are cut from the
    /// full-resolution frame, never from a downscaled one. Without a crop, `convert(_:to:)`.
    func convert(_ frame: UnsafeMutablePointer<AVFrame>, to size: PixelSize?, crop: FrameCrop?) -> [UInt8]? {
        guard let crop else { return convert(frame, to: size) }
        let fullWidth = Int(frame.pointee.width), fullHeight = Int(frame.pointee.height)
        guard fullWidth > 0, fullHeight > 0, let full = convert(frame, to: nil) else { return nil }
        let r = crop.pixels(width: fullWidth, height: fullHeight)
        let out = size ?? PixelSize(width: r.width, height: r.height)
        let newKey: [Int32] = [Int32(r.width), Int32(r.height), Int32(out.width), Int32(out.height)]
        if cropContext == nil || newKey != cropKey {
            cropContext = sws_getCachedContext(
                cropContext, Int32(r.width), Int32(r.height), AV_PIX_FMT_RGB24,
                Int32(out.width), Int32(out.height), AV_PIX_FMT_RGB24, SWS_BICUBIC, nil, nil, nil)
            guard cropContext != nil else { return nil }
            cropKey = newKey
        }
        let stride = out.width * 3
        var rgb = [UInt8](repeating: 0, count: stride * out.height)
        let rows = full.withUnsafeBufferPointer { src -> Int32 in
            guard let base = src.baseAddress else { return -1 }
            let srcData: [UnsafePointer<UInt8>?] = [base + (r.y * fullWidth + r.x) * 3, nil, nil, nil]
            let srcStride: [Int32] = [Int32(fullWidth * 3), 0, 0, 0]
            return rgb.withUnsafeMutableBufferPointer { dst in
                var dstData: [UnsafeMutablePointer<UInt8>?] = [dst.baseAddress, nil, nil, nil]
                var dstStride: [Int32] = [Int32(stride), 0, 0, 0]
                return sws_scale(cropContext, srcData, srcStride, 0, Int32(r.height), &dstData, &dstStride)
            }
        }
        return rows == Int32(out.height) ? rgb : nil
    }
}
