import CFFmpeg
import Foundation

/// An open container with its video stream and a ready decoder. Owns the FFmpeg objects and
/// frees them on deinit. Not thread-safe: one reader per instance.
final class MediaFile {
    let path: String
    let format: UnsafeMutablePointer<AVFormatContext>
    let streamIndex: Int32
    let decoder: UnsafeMutablePointer<AVCodecContext>
    let fileBytes: Int64
    /// Bytes in memory and FFmpeg's I/O context over them (`init(memory:name:)`); nil for files.
    private let memory: MemoryInput?

    var stream: UnsafeMutablePointer<AVStream> { format.pointee.streams[Int(streamIndex)]! }
    var timeBase: AVRational { stream.pointee.time_base }

    init(path: String, threads: Int = 0) throws(VideoError) {
        FFmpegLog.install()
        self.path = path
        // stat, not FileManager's attributes: those describe a symbolic link itself (its size is
        // the length of the target's name), and a linked video then read as truncated.
        var info = stat()
        guard stat(path, &info) == 0 else {
            // Only a missing file is "no such file": a loop of links or a folder one may not
            // enter is named as what it is.
            if errno == ENOENT { throw .fileNotFound(path: path) }
            throw .notMediaFile(path: path, reason: "it cannot be reached: \(String(cString: strerror(errno)))")
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw .notMediaFile(path: path, reason: "it is a directory, expected a video or image file")
        default: throw .notMediaFile(path: path, reason: "it is not a regular file (a pipe, device or socket), expected a video or image file")
        }
        fileBytes = Int64(info.st_size)
        guard fileBytes > 0 else { throw .notMediaFile(path: path, reason: "the file is empty") }
        memory = nil
        var context: UnsafeMutablePointer<AVFormatContext>? = nil
        let status = avformat_open_input(&context, path, nil, nil)
        guard status >= 0, let context else {
            throw .notMediaFile(path: path, reason: FFmpegLog.describe(status))
        }
        format = context
        (streamIndex, decoder) = try Self.openVideoStream(context, path: path, threads: threads)
    }

    /// Opens bytes held in memory (read through a custom AVIOContext); `name` stands for the
    /// path in errors. Used to fuzz the demuxers and the probe without files.
    init(memory data: Data, name: String, threads: Int = 1) throws(VideoError) {
        FFmpegLog.install()
        path = name
        fileBytes = Int64(data.count)
        guard !data.isEmpty else { throw .notMediaFile(path: name, reason: "the file is empty") }
        guard let input = MemoryInput(data), var context = avformat_alloc_context() else {
            throw .unreadableData(path: name, reason: "out of memory")
        }
        context.pointee.pb = input.io
        context.pointee.flags |= AVFMT_FLAG_CUSTOM_IO
        var opened: UnsafeMutablePointer<AVFormatContext>? = context
        let status = avformat_open_input(&opened, nil, nil, nil)  // frees the context on failure
        guard status >= 0, let o = opened else { throw .notMediaFile(path: name, reason: FFmpegLog.describe(status)) }
        context = o
        memory = input
        format = context
        (streamIndex, decoder) = try Self.openVideoStream(context, path: name, threads: threads)
    }

    /// Finds the best video stream of an open container and opens its decoder; closes the
    /// container when it throws.
    private static func openVideoStream(
        _ context: UnsafeMutablePointer<AVFormatContext>, path: String, threads: Int
    ) throws(VideoError) -> (Int32, UnsafeMutablePointer<AVCodecContext>) {
        var status: Int32 = 0
        var ok = false
        var codecContext: UnsafeMutablePointer<AVCodecContext>? = nil
        defer {
            if !ok {
                avcodec_free_context(&codecContext)
                var f: UnsafeMutablePointer<AVFormatContext>? = context
                avformat_close_input(&f)
            }
        }
        // The probing decoders refuse pictures beyond the pixel limit (`max_pixels`) instead of
        // allocating them; the limit is then reported from the header below.
        let streamCount = Int(context.pointee.nb_streams)
        var options = [OpaquePointer?](repeating: nil, count: max(streamCount, 1))
        for i in 0..<streamCount { av_dict_set(&options[i], "max_pixels", "\(FramePixelLimit.value)", 0) }
        status = options.withUnsafeMutableBufferPointer { avformat_find_stream_info(context, $0.baseAddress) }
        for i in options.indices { av_dict_free(&options[i]) }
        guard status >= 0 else { throw .notMediaFile(path: path, reason: FFmpegLog.describe(status)) }
        for i in 0..<streamCount {
            if let s = context.pointee.streams[i], s.pointee.codecpar.pointee.codec_type == AVMEDIA_TYPE_VIDEO {
                try FramePixelLimit.check(width: Int(s.pointee.codecpar.pointee.width), height: Int(s.pointee.codecpar.pointee.height), path: path)
            }
        }

        var codec: UnsafePointer<AVCodec>? = nil
        let index = av_find_best_stream(context, AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0)
        if index < 0 {
            // A video stream without a decoder (AVERROR_DECODER_NOT_FOUND), or none at all.
            for i in 0..<Int(context.pointee.nb_streams) {
                if let s = context.pointee.streams[i], s.pointee.codecpar.pointee.codec_type == AVMEDIA_TYPE_VIDEO {
                    let name = String(cString: avcodec_get_name(s.pointee.codecpar.pointee.codec_id))
                    throw .unsupportedCodec(path: path, codec: name)
                }
            }
            throw .noVideoStream(path: path)
        }
        guard let stream = context.pointee.streams[Int(index)] else { throw .noVideoStream(path: path) }
        // Attached pictures (cover art in audio files) are not video.
        if stream.pointee.disposition & AV_DISPOSITION_ATTACHED_PIC != 0 { throw .noVideoStream(path: path) }
        guard let codec else {
            throw .unsupportedCodec(path: path, codec: String(cString: avcodec_get_name(stream.pointee.codecpar.pointee.codec_id)))
        }
        codecContext = avcodec_alloc_context3(codec)
        guard let codecContext else { throw .unreadableData(path: path, reason: "out of memory") }
        status = avcodec_parameters_to_context(codecContext, stream.pointee.codecpar)
        guard status >= 0 else { throw .unreadableData(path: path, reason: FFmpegLog.describe(status)) }
        codecContext.pointee.thread_count = Int32(threads)
        codecContext.pointee.thread_type = FF_THREAD_FRAME | FF_THREAD_SLICE
        codecContext.pointee.pkt_timebase = stream.pointee.time_base
        status = avcodec_open2(codecContext, codec, nil)
        guard status >= 0 else {
            throw .unsupportedCodec(path: path, codec: "\(String(cString: codec.pointee.name)) (\(FFmpegLog.describe(status)))")
        }
        guard codecContext.pointee.width > 0, codecContext.pointee.height > 0 else {
            // A decoder that refused a picture beyond `max_pixels` leaves the size unset too.
            throw .unreadableData(path: path, reason: "the video stream has no usable frame size (none in its header, or larger than the limit of "
                                  + "\(FramePixelLimit.value) pixels per frame; \(FramePixelLimit.environmentVariable) raises it)")
        }
        try FramePixelLimit.check(width: Int(codecContext.pointee.width), height: Int(codecContext.pointee.height), path: path)
        ok = true
        return (index, codecContext)
    }

    deinit {
        var d: UnsafeMutablePointer<AVCodecContext>? = decoder
        avcodec_free_context(&d)
        var f: UnsafeMutablePointer<AVFormatContext>? = format
        avformat_close_input(&f)
    }

    /// Reads the next packet (of any stream) into `packet`: true, or false at the end of the file.
    /// A read error short of the end is counted in `unreadable` and skipped; after 256 in a row
    /// (`failuresInARow`, reset by each packet read) the file is taken as ended.
    func readPacket(_ packet: UnsafeMutablePointer<AVPacket>, unreadable: inout Int, failuresInARow: inout Int) -> Bool {
        while true {
            let status = av_read_frame(format, packet)
            if status == arrcoc_averror_eof() { return false }
            guard status < 0 else {
                failuresInARow = 0
                return true
            }
            if let pb = format.pointee.pb, avio_feof(pb) != 0 { return false }
            unreadable += 1
            failuresInARow += 1
            if failuresInARow > 256 { return false }
        }
    }

    /// Seconds of a timestamp in the stream's time base.
    func seconds(_ pts: Int64) -> Double {
        Double(pts) * av_q2d(timeBase)
    }

    /// The stream's start in its own time base (0 when unknown).
    var startPts: Int64 {
        let s = stream.pointee.start_time
        if s != arrcoc_nopts_value() { return s }
        let f = format.pointee.start_time
        if f != arrcoc_nopts_value() { return av_rescale_q(f, arrcoc_time_base_q(), timeBase) }
        return 0
    }

    /// Frames per second: average rate, else the base rate, else FFmpeg's guess, else 25.
    var fps: Double {
        let candidates = [stream.pointee.avg_frame_rate, stream.pointee.r_frame_rate,
                          av_guess_frame_rate(format, stream, nil)]
        for q in candidates where q.num > 0 && q.den > 0 {
            let v = av_q2d(q)
            if v.isFinite, v > 0, v < 1000 { return v }
        }
        return 25
    }

    /// Whether the container is a raw elementary stream (H.264 Annex B, MPEG-1/2 video, …):
    /// its "timestamps" are the parser's guesses, so frame times come from index / fps.
    var hasNoTimestamps: Bool {
        guard let input = format.pointee.iformat else { return false }
        return input.pointee.flags & AVFMT_NOTIMESTAMPS != 0 || input.pointee.raw_codec_id != 0
    }

    /// Whether decoding may leave out frames no request can choose (`DecodePass`): an MP4/MOV
    /// whose sample table (the demuxer's index holds every sample) shows every frame the same
    /// duration. A constant rate is what makes "two frame spacings from every request" safe;
    /// variable-rate video (phones) and containers without a per-frame index (Matroska, MPEG-TS)
    /// are decoded whole. AVI stamps packets in decode order; raw streams carry guesses.
    lazy var allowsSkippingFrames: Bool = {
        guard !hasNoTimestamps, let input = format.pointee.iformat, let name = input.pointee.name,
              String(cString: name).split(separator: ",").contains("mp4") else { return false }
        let count = avformat_index_get_entries_count(stream)
        let frames = stream.pointee.nb_frames
        guard count >= 3, frames <= 0 || Int64(count) == frames,
              let first = avformat_index_get_entry(stream, 0), let second = avformat_index_get_entry(stream, 1) else { return false }
        let step = second.pointee.timestamp - first.pointee.timestamp
        guard step > 0 else { return false }
        var previous = second.pointee.timestamp
        for i in 2..<count {
            guard let entry = avformat_index_get_entry(stream, i), entry.pointee.timestamp - previous == step else { return false }
            previous = entry.pointee.timestamp
        }
        return true
    }()

    /// `seconds` from the stream's start in its time base, rounded down; nil when it is not a
    /// 64-bit timestamp (a crafted time base or a time beyond any real stream).
    func ticks(seconds: Double) -> Int64? {
        let t = (seconds / av_q2d(timeBase)).rounded(.down)
        guard t.isFinite, abs(t) < 1e18 else { return nil }
        let (value, overflow) = startPts.addingReportingOverflow(Int64(t))
        return overflow ? nil : value
    }

    /// Seconds of `timestamp` from the stream's start, in `Double` (no integer overflow on a
    /// crafted index entry).
    func secondsFromStart(_ timestamp: Int64) -> Double {
        (Double(timestamp) - Double(startPts)) * av_q2d(timeBase)
    }

    /// The index timestamp of the keyframe a seek to `ticks` lands on: the index's entry at or
    /// before `ticks` less the stream's reorder delay (`video_delay` frames). MP4 indexes hold
    /// decode times, which run up to that delay ahead of presentation times, while a seek lands
    /// on the keyframe whose presentation is at or before its target (bikes.mp4, two B-frames:
    /// index times 2.96 and 1.12 s for the keyframes shown at 3.04 and 1.2 s; a seek to 3.0 s
    /// lands at 1.2 s). In a container whose index holds presentation times (Matroska cues) it
    /// may name a keyframe one earlier than the landing, which only makes a seek less likely.
    /// nil when the index has no keyframe there.
    func seekKeyframe(at ticks: Int64) -> Int64? {
        let delay = (Double(max(0, stream.pointee.codecpar.pointee.video_delay)) / fps / av_q2d(timeBase)).rounded(.up)
        guard delay.isFinite, delay >= 0, delay < 1e15 else { return nil }
        let (key, overflow) = ticks.subtractingReportingOverflow(Int64(delay))
        guard !overflow else { return nil }
        let entry = av_index_search_timestamp(stream, key, AVSEEK_FLAG_BACKWARD)
        guard entry >= 0, let keyframe = avformat_index_get_entry(stream, entry) else { return nil }
        return keyframe.pointee.timestamp
    }

    /// Number of entries of the demuxer's seek index for the video stream.
    var indexEntryCount: Int { Int(avformat_index_get_entries_count(stream)) }

    /// The byte the index says the last video packet ends at (nil without an index).
    var indexedEnd: Int64? {
        let count = avformat_index_get_entries_count(stream)
        guard count > 0, let last = avformat_index_get_entry(stream, count - 1) else { return nil }
        guard last.pointee.pos >= 0 else { return nil }
        return last.pointee.pos + Int64(last.pointee.size)
    }
}
