import CFFmpeg
import Foundation

/// One pass of the decode loop behind `VideoReader.sample` and `VideoReader.fetch`.
///
/// Read packet → send to decoder → for every frame out, serve every pending target the frame
/// is at or past, choosing between it and the previous frame whichever is nearer. Only the
/// previous frame is kept, so memory does not grow with the video.
struct DecodePass {
    enum Schedule {
        case grid(fps: Double, size: PixelSize?)
        case list([FrameRequest])
    }

    private let reader: VideoReader
    private let file: MediaFile
    private let schedule: Schedule
    private var strategy: FetchStrategy
    private var report = DecodeReport()
    private var next = 0  // index of the pending target
    private var lastEmittedIndex = -1
    private var previousTime: Double? = nil
    private var previousIndex = -1
    private var decodedIndex = 0  // presentation index of the next decoded frame
    private var lastReadPts: Int64 = Int64.min
    private var afterSeek: (target: Double, sawKeyframe: Bool)? = nil
    private var restartPending = false
    /// A seek was made and no request has been served since: a decoding error now means the
    /// index sent us to a frame that does not decode on its own (`fallBackFromSeek`).
    private var seekUnverified = false
    private var sourceFrameDuration: Double

    init(reader: VideoReader, schedule: Schedule, strategy: FetchStrategy) {
        self.reader = reader
        self.file = reader.mediaFile
        self.schedule = schedule
        self.strategy = file.indexEntryCount > 0 ? strategy : .stream
        self.sourceFrameDuration = 1 / file.fps
    }

    private func target(_ k: Int) -> FrameRequest? {
        switch schedule {
        case let .grid(fps, size): return FrameRequest(time: Double(k) / fps, size: size)
        case let .list(requests): return k < requests.count ? requests[k] : nil
        }
    }

    private var isGrid: Bool { if case .grid = schedule { true } else { false } }

    /// Receives each chosen frame (FFmpeg's, valid during the call), its time and source index,
    /// and the request it serves. The reader converts it to RGB or keeps a reference to it.
    typealias Sink = (_ frame: UnsafeMutablePointer<AVFrame>, _ time: Double, _ index: Int, _ request: FrameRequest) throws -> Void

    mutating func run(_ body: Sink) throws -> DecodeReport {
        reader.rewindIfNeeded()
        guard let packet = av_packet_alloc(), let frame = av_frame_alloc(), let previous = av_frame_alloc() else {
            throw VideoError.unreadableData(path: file.path, reason: "out of memory")
        }
        var packetBox: UnsafeMutablePointer<AVPacket>? = packet
        var frameBox: UnsafeMutablePointer<AVFrame>? = frame
        var previousBox: UnsafeMutablePointer<AVFrame>? = previous
        defer {
            av_packet_free(&packetBox)
            av_frame_free(&frameBox)
            av_frame_free(&previousBox)
        }
        var readFailures = 0
        reading: while target(next) != nil {
            if restartPending { restartFromBeginning(previous: previous) }
            try seekIfUseful(previous: previous)
            let status = av_read_frame(file.format, packet)
            if status == arrcoc_averror_eof() { break }
            if status < 0 {
                if let pb = file.format.pointee.pb, avio_feof(pb) != 0 { break }
                report.unreadablePackets += 1
                readFailures += 1
                if readFailures > 256 { break reading }
                continue
            }
            readFailures = 0
            defer { av_packet_unref(packet) }
            guard packet.pointee.stream_index == file.streamIndex else { continue }
            let pts = packet.pointee.pts != arrcoc_nopts_value() ? packet.pointee.pts : packet.pointee.dts
            if pts != arrcoc_nopts_value() { lastReadPts = max(lastReadPts, pts) }
            try send(packet, frame: frame, previous: previous, body)
        }
        // Drain the decoder (frame threading and B-frames hold frames back).
        try send(nil, frame: frame, previous: previous, body)
        try finish(previous: previous, body)

        guard report.framesDecoded > 0 else {
            throw VideoError.unreadableData(path: file.path, reason: "no frame could be decoded (\(report.corruptPackets) damaged packets)")
        }
        if let indexed = file.indexedEnd, indexed > file.fileBytes {
            throw VideoError.truncated(
                path: file.path, decodedUntil: report.lastFrameTime ?? 0, indexedBytes: indexed, fileBytes: file.fileBytes)
        }
        return report
    }

    // MARK: Decoding

    private mutating func send(
        _ packet: UnsafeMutablePointer<AVPacket>?, frame: UnsafeMutablePointer<AVFrame>,
        previous: UnsafeMutablePointer<AVFrame>, _ body: Sink
    ) throws {
        var status = avcodec_send_packet(file.decoder, packet)
        if status == arrcoc_averror_eagain() {
            try receive(frame: frame, previous: previous, body)
            status = avcodec_send_packet(file.decoder, packet)
        }
        if status < 0, status != arrcoc_averror_eof() {
            report.corruptPackets += 1
            fallBackFromSeek()
        }
        try receive(frame: frame, previous: previous, body)
    }

    private mutating func receive(
        frame: UnsafeMutablePointer<AVFrame>, previous: UnsafeMutablePointer<AVFrame>,
        _ body: Sink
    ) throws {
        while true {
            let status = avcodec_receive_frame(file.decoder, frame)
            if status == arrcoc_averror_eagain() || status == arrcoc_averror_eof() { return }
            if status < 0 {
                report.corruptPackets += 1
                fallBackFromSeek()
                return
            }
            defer { av_frame_unref(frame) }
            if restartPending { continue }
            if let seek = afterSeek, !seek.sawKeyframe {
                // After a seek, decoding must start at a keyframe (webm without Cues can land
                // elsewhere); drop anything before it. Landing past the request means the
                // index misled us: start again from the beginning, streaming.
                guard frame.pointee.key_frame != 0 else { continue }
                afterSeek = (seek.target, true)
                let landed = frameTime(frame)
                if landed > seek.target + sourceFrameDuration / 2 {
                    restartPending = true
                    continue
                }
            }
            try handle(frame: frame, previous: previous, body)
        }
    }

    /// Presentation time of a decoded frame in seconds from the stream's start.
    ///
    /// `best_effort_timestamp` is FFmpeg's judgement of the presentation time. Raw elementary
    /// streams carry only the parser's guesses, so their frames are timed index / fps. A frame
    /// without a timestamp, or with one that does not advance, gets previous + 1/fps (counted).
    private mutating func frameTime(_ frame: UnsafeMutablePointer<AVFrame>) -> Double {
        if file.hasNoTimestamps, afterSeek == nil { return Double(decodedIndex) * sourceFrameDuration }
        let pts = frame.pointee.best_effort_timestamp
        var t: Double
        if pts != arrcoc_nopts_value() {
            t = file.seconds(pts - file.startPts)
        } else {
            t = (previousTime.map { $0 + sourceFrameDuration }) ?? 0
            report.repairedTimestamps += 1
        }
        if let p = previousTime, t <= p {
            if pts != arrcoc_nopts_value() { report.repairedTimestamps += 1 }
            t = p + sourceFrameDuration
        }
        return t
    }

    private mutating func handle(
        frame: UnsafeMutablePointer<AVFrame>, previous: UnsafeMutablePointer<AVFrame>,
        _ body: Sink
    ) throws {
        let t = frameTime(frame)
        let index = afterSeek != nil ? Int((t * file.fps).rounded()) : decodedIndex
        decodedIndex = index + 1
        report.framesDecoded += 1
        report.lastFrameTime = t
        if frame.pointee.decode_error_flags != 0 || frame.pointee.flags & AV_FRAME_FLAG_CORRUPT != 0 {
            report.corruptFrames += 1
            // Decoded with errors after a seek, before anything was served from it: the index
            // lied (a "sync sample" that needs earlier frames). Stream from the start instead.
            if seekUnverified {
                fallBackFromSeek()
                return
            }
        }
        while let request = target(next), t >= request.time {
            if let p = previousTime, request.time - p <= t - request.time {
                try emit(previous, time: p, index: previousIndex, request: request, body)
            } else {
                try emit(frame, time: t, index: index, request: request, body)
            }
            next += 1
        }
        av_frame_unref(previous)
        av_frame_move_ref(previous, frame)
        previousTime = t
        previousIndex = index
    }

    /// Serves the targets left when the stream ended: a grid stops at the last frame; a list
    /// gives every remaining request the last frame.
    private mutating func finish(
        previous: UnsafeMutablePointer<AVFrame>, _ body: Sink
    ) throws {
        guard let p = previousTime else { return }
        while let request = target(next) {
            if isGrid, request.time - p > sourceFrameDuration / 2 + 1e-9 { break }
            try emit(previous, time: p, index: previousIndex, request: request, body)
            next += 1
        }
    }

    private mutating func emit(
        _ frame: UnsafeMutablePointer<AVFrame>, time: Double, index: Int, request: FrameRequest,
        _ body: Sink
    ) throws {
        if isGrid, index == lastEmittedIndex { return }
        lastEmittedIndex = index
        report.framesEmitted += 1
        seekUnverified = false
        try body(frame, time, index, request)
    }

    /// After a seek whose frames decode with errors before any request was served from it (a
    /// container whose sync-sample index is wrong, such as cockatoo.mp4: `ffmpeg -ss` there gives
    /// another broken image each run), rewinds and streams from the start for the rest of the
    /// pass: slower, but exactly the frames a streamed decode gives. Counted in
    /// `DecodeReport.seekFallbacks`.
    private mutating func fallBackFromSeek() {
        guard seekUnverified else { return }
        seekUnverified = false
        report.seekFallbacks += 1
        restartPending = true
    }

    // MARK: Seeking

    /// Seeks when the index has a keyframe at or before the next request that lies beyond
    /// everything read so far: decoding up to it would be wasted work.
    private mutating func seekIfUseful(previous: UnsafeMutablePointer<AVFrame>) throws {
        guard strategy == .automatic, let request = target(next) else { return }
        let stream = file.stream
        let wanted = file.startPts + Int64((request.time / av_q2d(file.timeBase)).rounded(.down))
        let entry = av_index_search_timestamp(stream, wanted, AVSEEK_FLAG_BACKWARD)
        guard entry >= 0, let keyframe = avformat_index_get_entry(stream, entry) else { return }
        let keyTimestamp = keyframe.pointee.timestamp
        // Seek only past what was read, and only by more than a couple of frames.
        let margin = Int64((2 * sourceFrameDuration / av_q2d(file.timeBase)).rounded(.up))
        guard lastReadPts == Int64.min ? keyTimestamp > file.startPts + margin : keyTimestamp > lastReadPts + margin
        else { return }
        // Seek to the request itself: the demuxer lands on the keyframe at or before it (index
        // timestamps can be decode times, offset from presentation times).
        let status = av_seek_frame(file.format, file.streamIndex, wanted, AVSEEK_FLAG_BACKWARD)
        guard status >= 0 else {
            strategy = .stream  // keep streaming from where we are: slower, still correct
            return
        }
        avcodec_flush_buffers(file.decoder)
        av_frame_unref(previous)
        previousTime = nil
        previousIndex = -1
        lastReadPts = keyTimestamp
        afterSeek = (request.time, false)
        seekUnverified = true
        report.seeks += 1
    }

    /// Recovery when a seek landed past its request: rewind to the start and stream from there.
    private mutating func restartFromBeginning(previous: UnsafeMutablePointer<AVFrame>) {
        avformat_seek_file(file.format, file.streamIndex, Int64.min, file.startPts, file.startPts, 0)
        avcodec_flush_buffers(file.decoder)
        av_frame_unref(previous)
        previousTime = nil
        previousIndex = -1
        lastReadPts = Int64.min
        decodedIndex = 0
        afterSeek = nil
        strategy = .stream
        restartPending = false
    }
}
