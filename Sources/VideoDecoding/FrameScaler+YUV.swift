import CFFmpeg

extension FrameScaler {
    /// The frame at `size` (its own size when nil) by `FrameConversion.viaYUV420`: libswscale
    /// scales it to yuv420p (bicubic; yuvj420p from a yuvj format: nothing is re-ranged),
    /// then `YUVToRGB` converts the planes with the frame's colour matrix (BT.601 when
    /// unspecified or unknown, `sws_getCoefficients`) and range (full for JPEG range or a yuvj format), as
    /// `ffmpeg`'s `scale` filter reads them from the frame. A frame that is not YUV (an RGB
    /// image) is converted to yuv420p with BT.601 limited range and back with the same.
    func convertViaYUV(_ frame: UnsafeMutablePointer<AVFrame>, to size: PixelSize?) -> [UInt8]? {
        let f = frame.pointee
        let out = size ?? PixelSize(width: Int(f.width), height: Int(f.height))
        guard out.width > 0, out.height > 0, out.width % 2 == 0, out.height % 2 == 0,
              let descriptor = av_pix_fmt_desc_get(AVPixelFormat(rawValue: f.format)) else { return nil }
        let isYUV = (descriptor.pointee.flags & UInt64(AV_PIX_FMT_FLAG_RGB)) == 0 && descriptor.pointee.nb_components >= 3
        let fullRange = isYUV && (f.color_range == AVCOL_RANGE_JPEG || Self.isJPEGFormat(f.format))
        // vf_scale's parse_yuv_type: a matrix outside 1…10 (or YCgCo) reads as BT.601.
        let tagged = Int32(f.colorspace.rawValue)
        let colorspace = isYUV && (1...10).contains(tagged) && tagged != 8 ? tagged : SWS_CS_DEFAULT
        let newKey: [Int32] = [f.width, f.height, f.format, Int32(out.width), Int32(out.height), colorspace, fullRange ? 1 : 0]
        if yuvContext == nil || newKey != yuvKey {
            yuvContext = sws_getCachedContext(
                yuvContext, f.width, f.height, AVPixelFormat(rawValue: f.format),
                Int32(out.width), Int32(out.height), Self.isJPEGFormat(f.format) ? AV_PIX_FMT_YUVJ420P : AV_PIX_FMT_YUV420P, SWS_BICUBIC, nil, nil, nil)
            guard yuvContext != nil, let table = sws_getCoefficients(colorspace) else { return nil }
            yuvKey = newKey
            if !isYUV {
                sws_setColorspaceDetails(yuvContext, table, 0, table, 0, 0, 1 << 16, 1 << 16)
            }
            yuvToRGB = YUVToRGB(inverseTable: (table[0], table[1], table[2], table[3]), fullRange: fullRange)
            planes = [UInt8](repeating: 0, count: out.width * out.height * 3 / 2)
        }
        guard let conversion = yuvToRGB else { return nil }
        let lumaSize = out.width * out.height, chromaWidth = out.width / 2, chromaSize = chromaWidth * (out.height / 2)
        let rows = withUnsafePointer(to: frame.pointee.data) { dataTuple in
            withUnsafePointer(to: frame.pointee.linesize) { linesizeTuple in
                dataTuple.withMemoryRebound(to: UnsafePointer<UInt8>?.self, capacity: 8) { srcData in
                    linesizeTuple.withMemoryRebound(to: Int32.self, capacity: 8) { srcStride in
                        planes.withUnsafeMutableBufferPointer { p -> Int32 in
                            guard let base = p.baseAddress else { return -1 }
                            var dstData: [UnsafeMutablePointer<UInt8>?] = [base, base + lumaSize, base + lumaSize + chromaSize, nil]
                            var dstStride: [Int32] = [Int32(out.width), Int32(chromaWidth), Int32(chromaWidth), 0]
                            return sws_scale(yuvContext, srcData, srcStride, 0, f.height, &dstData, &dstStride)
                        }
                    }
                }
            }
        }
        guard rows == Int32(out.height) else { return nil }
        // Every byte is written by the conversion: no zero fill first.
        let rgb = planes.withUnsafeBufferPointer { p in
            [UInt8](unsafeUninitializedCapacity: lumaSize * 3) { dst, count in
                count = 0
                guard let base = p.baseAddress, let d = dst.baseAddress else { return }
                conversion.convert(y: base, yStride: out.width, u: base + lumaSize, v: base + lumaSize + chromaSize,
                                   chromaStride: chromaWidth, width: out.width, rows: 0..<out.height, into: d)
                count = lumaSize * 3
            }
        }
        return rgb.count == lumaSize * 3 ? rgb : nil
    }

    /// The yuv420p planes of the last `convertViaYUV` call (Y, then U, then V, tightly packed).
    var lastPlanes: [UInt8] { planes }
}
