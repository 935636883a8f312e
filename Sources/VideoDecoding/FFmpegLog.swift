import CFFmpeg
import Logging

/// Routes FFmpeg's log output through swift-log (label `arrcoc.ffmpeg`) instead of stderr.
///
/// FFmpeg errors map to `.info`, warnings to `.debug`, the rest to `.trace`, so that a
/// command-line run at the default `.warning` level stays quiet: damage FFmpeg reports while
/// decoding is counted in `DecodeReport` rather than printed. Installed once per process.
enum FFmpegLog {
    static let logger = Logger(label: "arrcoc.ffmpeg")

    /// Installs the callback; idempotent (Swift runs a static initialiser exactly once).
    static func install() { _ = installed }

    private static let installed: Bool = {
        av_log_set_level(AV_LOG_WARNING)
        av_log_set_callback { avcl, level, format, arguments in
            guard let format, let arguments, level <= av_log_get_level() else { return }
            var line = [CChar](repeating: 0, count: 1024)
            let written = line.withUnsafeMutableBufferPointer { buffer in
                arrcoc_format_log_line(avcl, level, format, arguments, buffer.baseAddress, Int32(buffer.count))
            }
            guard written > 0 else { return }
            let bytes = line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
            var text = String(decoding: bytes, as: UTF8.self)
            while text.last?.isNewline == true { text.removeLast() }
            guard !text.isEmpty else { return }
            FFmpegLog.logger.log(level: FFmpegLog.swiftLevel(level), "\(text)")
        }
        return true
    }()

    static func swiftLevel(_ level: Int32) -> Logger.Level {
        switch level {
        case ...AV_LOG_FATAL: return .error
        case ...AV_LOG_ERROR: return .info
        case ...AV_LOG_WARNING: return .debug
        default: return .trace
        }
    }

    /// FFmpeg's text for an error code (what `av_err2str` gives in C).
    static func describe(_ code: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        buffer.withUnsafeMutableBufferPointer { _ = arrcoc_err2str(code, $0.baseAddress, $0.count) }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
