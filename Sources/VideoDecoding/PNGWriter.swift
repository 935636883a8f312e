import CFFmpeg
import Foundation

/// Writes RGB frames as PNG files with FFmpeg's own PNG encoder (no hand-written codec).
public enum PNGWriter {
    /// Encodes `frame` and writes it to `path` atomically (temporary name, then rename).
    /// - Throws: `VideoError.writeFailed` naming the path and FFmpeg's error text.
    public static func write(_ frame: VideoFrame, to path: String) throws(VideoError) {
        let data = try encode(frame, path: path)
        try AtomicFile.write(data, to: path)
    }

    /// Whether FFmpeg's encoder takes a picture of `size` (`av_image_check_size`: about
    /// 268 million pixels with its padding, so 16384×16384 is just beyond it).
    public static func canEncode(_ size: PixelSize) -> Bool {
        FFmpegLog.install()  // its log line goes to arrcoc's log, not raw to stderr
        return size.width > 0 && size.height > 0 && av_image_check_size(UInt32(size.width), UInt32(size.height), 0, nil) == 0
    }

    /// The PNG bytes of `frame`.
    public static func encode(_ frame: VideoFrame, path: String = "<memory>") throws(VideoError) -> Data {
        FFmpegLog.install()
        guard canEncode(frame.size) else {
            throw .writeFailed(path: path, reason: "a \(frame.size.width)x\(frame.size.height) picture is beyond what FFmpeg's PNG encoder takes")
        }
        guard let codec = avcodec_find_encoder(AV_CODEC_ID_PNG) else {
            throw .unsupportedCodec(path: path, codec: "png (encoder)")
        }
        guard let context = avcodec_alloc_context3(codec) else { throw .writeFailed(path: path, reason: "out of memory") }
        var contextBox: UnsafeMutablePointer<AVCodecContext>? = context
        defer { avcodec_free_context(&contextBox) }
        context.pointee.width = Int32(frame.size.width)
        context.pointee.height = Int32(frame.size.height)
        context.pointee.pix_fmt = AV_PIX_FMT_RGB24
        context.pointee.time_base = AVRational(num: 1, den: 1)
        var status = avcodec_open2(context, codec, nil)
        guard status >= 0 else { throw .writeFailed(path: path, reason: FFmpegLog.describe(status)) }
        guard let avFrame = av_frame_alloc(), let packet = av_packet_alloc() else {
            throw .writeFailed(path: path, reason: "out of memory")
        }
        var frameBox: UnsafeMutablePointer<AVFrame>? = avFrame
        var packetBox: UnsafeMutablePointer<AVPacket>? = packet
        defer {
            av_frame_free(&frameBox)
            av_packet_free(&packetBox)
        }
        avFrame.pointee.width = context.pointee.width
        avFrame.pointee.height = context.pointee.height
        avFrame.pointee.format = AV_PIX_FMT_RGB24.rawValue
        avFrame.pointee.pts = 0
        status = av_frame_get_buffer(avFrame, 0)
        guard status >= 0 else { throw .writeFailed(path: path, reason: FFmpegLog.describe(status)) }
        RGBFrameCopy.copy(frame.rgb, width: frame.size.width, height: frame.size.height, into: avFrame)
        status = avcodec_send_frame(context, avFrame)
        guard status >= 0 else { throw .writeFailed(path: path, reason: FFmpegLog.describe(status)) }
        avcodec_send_frame(context, nil)
        var data = Data()
        while avcodec_receive_packet(context, packet) >= 0 {
            data.append(packet.pointee.data, count: Int(packet.pointee.size))
            av_packet_unref(packet)
        }
        guard !data.isEmpty else { throw .writeFailed(path: path, reason: "the PNG encoder produced nothing") }
        return data
    }
}
