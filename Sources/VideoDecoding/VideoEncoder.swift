import CFFmpeg
import Foundation

/// Writes RGB frames to a video file with libavcodec (H.264 through libx264 when the build has
/// it, MPEG-4 Part 2 otherwise), at a constant frame rate. The file appears under its final name
/// only when `finish()` succeeds.
///
/// Used to generate the demo video when no sample can be fetched, and test clips.
public final class VideoEncoder {
    /// The container comment of every clip arrcoc encodes.
    public static let comment = "written by arrcoc"
    /// Encoder threads, fixed: libx264's output depends on its thread count (and libavcodec's
    /// MPEG-4 on its slices), so an automatic count (1.5 × the cores) made a haystack clip's
    /// bytes, and a sweep's results, differ between a laptop and a cluster node. libx264's
    /// output also depends on the CPU's SIMD level (AVX-512 vs AVX2), which no setting short of
    /// its C code (8× slower) removes: clips are byte-identical on machines of one CPU kind.
    public static let threads = 4
    /// Codec actually used (`libx264`, `mpeg4`, …).
    public let codecName: String
    /// Frame size.
    public let size: PixelSize

    private let path: String
    private let temporaryPath: String
    private var format: UnsafeMutablePointer<AVFormatContext>?
    private var encoder: UnsafeMutablePointer<AVCodecContext>?
    private var stream: UnsafeMutablePointer<AVStream>
    private var yuv: UnsafeMutablePointer<AVFrame>?
    private var rgb: UnsafeMutablePointer<AVFrame>?
    private var packet: UnsafeMutablePointer<AVPacket>?
    private var scaler: OpaquePointer?
    private var nextPts: Int64 = 0
    private var finished = false

    /// Opens an encoder writing to `path` (container chosen from the extension).
    ///
    /// - Parameters:
    ///   - codecs: encoder names to try in order; the first one this FFmpeg build has is used.
    ///   - quality: constant quality (x264 CRF; MPEG-4 qscale maps from it).
    /// - Throws: `VideoError.oddEncoderSize` / `.encoderRateOutOfRange` for odd or empty sizes and bad rates, `.unsupportedCodec` when no
    ///   listed encoder exists, `.writeFailed` when the file cannot be created.
    public init(
        path: String, size: PixelSize, fps: Int, codecs: [String] = ["libx264", "mpeg4"], quality: Int = 20
    ) throws(VideoError) {
        FFmpegLog.install()
        guard size.width >= 2, size.height >= 2, size.width % 2 == 0, size.height % 2 == 0 else {
            throw .oddEncoderSize(size)
        }
        guard fps > 0, fps <= 240 else { throw .encoderRateOutOfRange(fps: fps, maximum: 240) }
        self.path = path
        self.size = size
        let url = URL(fileURLWithPath: path)
        temporaryPath = url.deletingLastPathComponent()
            .appendingPathComponent(".\(ProcessInfo.processInfo.processIdentifier).tmp.\(url.lastPathComponent)").path
        var chosen: UnsafePointer<AVCodec>? = nil
        for name in codecs {
            if let c = avcodec_find_encoder_by_name(name) {
                chosen = c
                break
            }
        }
        guard let codec = chosen else { throw .unsupportedCodec(path: path, codec: codecs.joined(separator: "|")) }
        codecName = String(cString: codec.pointee.name)

        var ctx: UnsafeMutablePointer<AVFormatContext>? = nil
        var status = avformat_alloc_output_context2(&ctx, nil, nil, path)
        guard status >= 0, let ctx else { throw .writeFailed(path: path, reason: FFmpegLog.describe(status)) }
        format = ctx
        guard let s = avformat_new_stream(ctx, nil), let enc = avcodec_alloc_context3(codec) else {
            avformat_free_context(ctx)
            throw .writeFailed(path: path, reason: "out of memory")
        }
        stream = s
        encoder = enc
        enc.pointee.width = Int32(size.width)
        enc.pointee.height = Int32(size.height)
        enc.pointee.pix_fmt = AV_PIX_FMT_YUV420P
        enc.pointee.time_base = AVRational(num: 1, den: Int32(fps))
        enc.pointee.framerate = AVRational(num: Int32(fps), den: 1)
        enc.pointee.gop_size = Int32(fps * 2)
        enc.pointee.thread_count = Int32(Self.threads)
        if ctx.pointee.oformat.pointee.flags & AVFMT_GLOBALHEADER != 0 {
            enc.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER
        }
        var options: OpaquePointer? = nil
        if codecName == "libx264" {
            av_dict_set(&options, "crf", "\(quality)", 0)
            av_dict_set(&options, "preset", "veryfast", 0)
        } else {
            enc.pointee.flags |= AV_CODEC_FLAG_QSCALE
            enc.pointee.global_quality = Int32(max(1, quality / 6)) * FF_QP2LAMBDA
        }
        status = avcodec_open2(enc, codec, &options)
        av_dict_free(&options)
        guard status >= 0 else {
            cleanUp()
            throw .unsupportedCodec(path: path, codec: "\(codecName) (\(FFmpegLog.describe(status)))")
        }
        avcodec_parameters_from_context(s.pointee.codecpar, enc)
        s.pointee.time_base = enc.pointee.time_base
        s.pointee.avg_frame_rate = enc.pointee.framerate
        status = avio_open(&ctx.pointee.pb, temporaryPath, AVIO_FLAG_WRITE)
        guard status >= 0 else {
            cleanUp()
            throw .writeFailed(path: path, reason: FFmpegLog.describe(status))
        }
        // Marks the clip as arrcoc's, so that `--force` may replace it later (and nothing else).
        av_dict_set(&ctx.pointee.metadata, "comment", VideoEncoder.comment, 0)
        status = avformat_write_header(ctx, nil)
        guard status >= 0 else {
            cleanUp()
            throw .writeFailed(path: path, reason: FFmpegLog.describe(status))
        }
        yuv = av_frame_alloc()
        rgb = av_frame_alloc()
        packet = av_packet_alloc()
        guard let yuv, let rgb else { cleanUp(); throw .writeFailed(path: path, reason: "out of memory") }
        for (f, fmt) in [(yuv, AV_PIX_FMT_YUV420P), (rgb, AV_PIX_FMT_RGB24)] {
            f.pointee.width = Int32(size.width)
            f.pointee.height = Int32(size.height)
            f.pointee.format = fmt.rawValue
            guard av_frame_get_buffer(f, 0) >= 0 else { cleanUp(); throw .writeFailed(path: path, reason: "out of memory") }
        }
        scaler = sws_getContext(
            Int32(size.width), Int32(size.height), AV_PIX_FMT_RGB24, Int32(size.width), Int32(size.height),
            AV_PIX_FMT_YUV420P, SWS_BICUBIC, nil, nil, nil)
    }

    deinit { cleanUp() }

    /// Appends one frame of packed RGB24 (`size.width * 3` bytes per row).
    public func append(rgb pixels: [UInt8]) throws(VideoError) {
        guard !finished, let encoder, let yuv, let rgb else { throw .writeFailed(path: path, reason: "the encoder is closed") }
        guard pixels.count == size.width * size.height * 3 else {
            throw .frameSizeMismatch(bytes: pixels.count, size: size, expected: size.width * size.height * 3)
        }
        guard av_frame_make_writable(yuv) >= 0 else { throw .writeFailed(path: path, reason: "frame not writable") }
        RGBFrameCopy.copy(pixels, width: size.width, height: size.height, into: rgb)
        withUnsafePointer(to: rgb.pointee.data) { sd in
            withUnsafePointer(to: rgb.pointee.linesize) { sl in
                withUnsafePointer(to: yuv.pointee.data) { dd in
                    withUnsafePointer(to: yuv.pointee.linesize) { dl in
                        sd.withMemoryRebound(to: UnsafePointer<UInt8>?.self, capacity: 8) { srcData in
                            sl.withMemoryRebound(to: Int32.self, capacity: 8) { srcStride in
                                dd.withMemoryRebound(to: UnsafeMutablePointer<UInt8>?.self, capacity: 8) { dstData in
                                    dl.withMemoryRebound(to: Int32.self, capacity: 8) { dstStride in
                                        _ = sws_scale(scaler, srcData, srcStride, 0, Int32(size.height), dstData, dstStride)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        yuv.pointee.pts = nextPts
        nextPts += 1
        try send(encoder, yuv)
    }

    /// Flushes the encoder, writes the trailer, and moves the file to its final name.
    public func finish() throws(VideoError) {
        guard !finished, let encoder, let format else { return }
        try send(encoder, nil)
        let status = av_write_trailer(format)
        avio_closep(&format.pointee.pb)
        finished = true
        guard status >= 0 else { throw .writeFailed(path: path, reason: FFmpegLog.describe(status)) }
        do {
            if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
            try FileManager.default.moveItem(atPath: temporaryPath, toPath: path)
        } catch {
            throw .writeFailed(path: path, reason: error.localizedDescription)
        }
    }

    private func send(_ encoder: UnsafeMutablePointer<AVCodecContext>, _ frame: UnsafeMutablePointer<AVFrame>?) throws(VideoError) {
        var status = avcodec_send_frame(encoder, frame)
        guard status >= 0 else { throw .writeFailed(path: path, reason: FFmpegLog.describe(status)) }
        guard let packet, let format else { return }
        while true {
            status = avcodec_receive_packet(encoder, packet)
            if status == arrcoc_averror_eagain() || status == arrcoc_averror_eof() { return }
            guard status >= 0 else { throw .writeFailed(path: path, reason: FFmpegLog.describe(status)) }
            av_packet_rescale_ts(packet, encoder.pointee.time_base, stream.pointee.time_base)
            packet.pointee.stream_index = stream.pointee.index
            status = av_interleaved_write_frame(format, packet)
            guard status >= 0 else { throw .writeFailed(path: path, reason: FFmpegLog.describe(status)) }
        }
    }

    private func cleanUp() {
        sws_freeContext(scaler)
        scaler = nil
        av_frame_free(&yuv)
        av_frame_free(&rgb)
        av_packet_free(&packet)
        avcodec_free_context(&encoder)
        if let format {
            if format.pointee.pb != nil { avio_closep(&format.pointee.pb) }
            avformat_free_context(format)
            self.format = nil
        }
        if !finished { try? FileManager.default.removeItem(atPath: temporaryPath) }
    }
}
