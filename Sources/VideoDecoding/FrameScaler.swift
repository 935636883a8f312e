import CFFmpeg

/// Converts decoded frames to packed RGB24 at a requested size with libswscale (bicubic), the
/// same conversion the `ffmpeg` command line's `scale` filter does by default.
final class FrameScaler {
    private var context: OpaquePointer? = nil
    private var key: [Int32] = []
    /// RGB24 → RGB24 resizing of crops (`convert(_:to:crop:)`).
    var cropContext: OpaquePointer? = nil
    var cropKey: [Int32] = []
    /// Scaling to yuv420p and the YUV→RGB arithmetic of `convertViaYUV(_:to:)`, with its planes.
    var yuvContext: OpaquePointer? = nil
    var yuvKey: [Int32] = []
    var yuvToRGB: YUVToRGB? = nil
    var planes: [UInt8] = []

    deinit {
        sws_freeContext(context)
        sws_freeContext(cropContext)
        sws_freeContext(yuvContext)
    }

    func convert(_ frame: UnsafeMutablePointer<AVFrame>, to size: PixelSize?) -> [UInt8]? {
        let f = frame.pointee
        let out = size ?? PixelSize(width: Int(f.width), height: Int(f.height))
        let newKey: [Int32] = [f.width, f.height, f.format, Int32(out.width), Int32(out.height),
                      Int32(f.colorspace.rawValue), Int32(f.color_range.rawValue)]
        if context == nil || newKey != key {
            context = sws_getCachedContext(
                context, f.width, f.height, AVPixelFormat(rawValue: f.format),
                Int32(out.width), Int32(out.height), AV_PIX_FMT_RGB24, SWS_BICUBIC, nil, nil, nil)
            guard context != nil else { return nil }
            key = newKey
            // Source matrix from the frame (BT.601 when unspecified), range from the frame.
            let fullRange = f.color_range == AVCOL_RANGE_JPEG || Self.isJPEGFormat(f.format)
            sws_setColorspaceDetails(
                context, sws_getCoefficients(Int32(f.colorspace.rawValue)), fullRange ? 1 : 0,
                sws_getCoefficients(SWS_CS_DEFAULT), 1, 0, 1 << 16, 1 << 16)
        }
        let stride = out.width * 3
        var rgb = [UInt8](repeating: 0, count: stride * out.height)
        let rows = withUnsafePointer(to: frame.pointee.data) { dataTuple in
            withUnsafePointer(to: frame.pointee.linesize) { linesizeTuple in
                dataTuple.withMemoryRebound(to: UnsafePointer<UInt8>?.self, capacity: 8) { srcData in
                    linesizeTuple.withMemoryRebound(to: Int32.self, capacity: 8) { srcStride in
                        rgb.withUnsafeMutableBufferPointer { dst in
                            var dstData: [UnsafeMutablePointer<UInt8>?] = [dst.baseAddress, nil, nil, nil]
                            var dstStride: [Int32] = [Int32(stride), 0, 0, 0]
                            return sws_scale(context, srcData, srcStride, 0, f.height, &dstData, &dstStride)
                        }
                    }
                }
            }
        }
        return rows == Int32(out.height) ? rgb : nil
    }

    static func isJPEGFormat(_ format: Int32) -> Bool {
        let jpeg: [AVPixelFormat] = [AV_PIX_FMT_YUVJ420P, AV_PIX_FMT_YUVJ422P, AV_PIX_FMT_YUVJ444P, AV_PIX_FMT_YUVJ440P, AV_PIX_FMT_YUVJ411P]
        return jpeg.contains { $0.rawValue == format }
    }
}
