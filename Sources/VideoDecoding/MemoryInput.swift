import CFFmpeg
import Foundation

/// A file's bytes in memory, read by FFmpeg through a custom AVIOContext (`MediaFile(memory:)`).
/// Keeps the context and its buffer, freed on deinit (after the container is closed).
final class MemoryInput {
    let bytes: [UInt8]
    var position = 0
    private(set) var io: UnsafeMutablePointer<AVIOContext>? = nil

    init?(_ data: Data) {
        bytes = [UInt8](data)
        let size: Int32 = 32_768
        guard let buffer = av_malloc(Int(size)) else { return nil }
        io = avio_alloc_context(
            buffer.assumingMemoryBound(to: UInt8.self), size, 0, Unmanaged.passUnretained(self).toOpaque(),
            { opaque, target, size in
                guard let opaque, let target else { return arrcoc_averror_eof() }
                let input = Unmanaged<MemoryInput>.fromOpaque(opaque).takeUnretainedValue()
                let n = min(Int(size), input.bytes.count - input.position)
                guard n > 0 else { return arrcoc_averror_eof() }
                input.bytes.withUnsafeBufferPointer { b in
                    if let base = b.baseAddress { target.update(from: base + input.position, count: n) }
                }
                input.position += n
                return Int32(n)
            }, nil,
            { opaque, offset, whence in
                guard let opaque else { return -1 }
                let input = Unmanaged<MemoryInput>.fromOpaque(opaque).takeUnretainedValue()
                let count = Int64(input.bytes.count)
                if whence & AVSEEK_SIZE != 0 { return count }
                let base: Int64
                switch whence & ~AVSEEK_FORCE {
                case SEEK_SET: base = 0
                case SEEK_CUR: base = Int64(input.position)
                case SEEK_END: base = count
                default: return -1
                }
                let (target, overflow) = base.addingReportingOverflow(offset)
                guard !overflow, target >= 0, target <= count else { return -1 }
                input.position = Int(target)
                return target
            })
        if io == nil {
            var b: UnsafeMutableRawPointer? = buffer
            av_freep(&b)
            return nil
        }
    }

    deinit {
        // FFmpeg may have replaced the buffer; free the one the context holds now.
        if io != nil {
            av_freep(&io!.pointee.buffer)
            avio_context_free(&io)
        }
    }
}
