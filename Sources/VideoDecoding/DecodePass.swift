import CFFmpeg
import Foundation

/// One pass of the decode loop behind `VideoReader.sample` and `VideoReader.fetch`.
///
/// Read packet → send to decoder → for every frame out, serve every pending target the frame
/// is at or past, choosing between it and the previous frame whichever is nearer. Only the
/// previous frame is kept, so memory does not grow with the video.
///
/// Frames no target can choose are not decoded where the codec allows it: a packet whose time
/// is more than `skipMargin` source frames from every pending target is sent with libavcodec's
/// `skip_frame = AVDISCARD_NONREF`, so a non-reference frame (an H.264/HEVC B-frame no other
/// frame predicts from, an MPEG-4 B-VOP) is dropped, while a reference frame is decoded as
/// always: the frames that are decoded, and so every chosen frame, are bit for bit those of a
/// full decode. A frame a target may choose lies next to the target in presentation order,
/// within one frame spacing of it; the margin is two spacings at the stream's rate, or at the
/// widest spacing seen so far. Should a target's two neighbouring frames turn out further apart
/// than that with a dropped packet between them (a variable frame rate whose gap is wider than
/// any before it), the pass starts again from the beginning decoding every frame, and so it does
/// when a list's requests run past the end after the last packets were dropped: at worst, the
/// frames up to there are decoded twice.
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
    private var lastEmittedTime: Double? = nil
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
    /// Which packets are sent with `skip_frame = AVDISCARD_NONREF`.
    private var skipping: Skipping
    /// Times of the packets sent that way whose frames have not come out (yet): dropped by the
    /// decoder once a later frame comes out.
    private var skippable: [Double] = []
    /// The latest time of a packet sent that way since the last (re)start.
    private var lastSkippable = -Double.infinity
    /// The widest spacing seen between two frames next to each other in the stream.
    private var widestGap = 0.0

    /// How far from every pending target a packet must be to be skippable, in frame spacings
    /// (the stream's rate, or the widest spacing seen so far when wider): a target chooses
    /// between the frames just before and at or after it, each within one spacing of it.
    static let skipMargin = 2.0

    /// Which frames the decoder may drop.
    enum Skipping {
        /// None: every frame is decoded.
        case none
        /// Non-reference frames no target can choose (the chosen frames are a full decode's).
        case unneeded
        /// Every non-reference frame (a coarse pass: a target may get a frame further away).
        case allNonReference
    }

    init(reader: VideoReader, schedule: Schedule, strategy: FetchStrategy, skipping: Skipping = .unneeded) {
        self.reader = reader
        self.file = reader.mediaFile
        self.schedule = schedule
        self.strategy = file.indexEntryCount > 0 ? strategy : .stream
        self.sourceFrameDuration = 1 / file.fps
        // Which packets may be dropped is judged from their times.
        self.skipping = skipping == .unneeded && !(reader.skipsUnneededFrames && file.packetsCarryPresentationTimes) ? .none : skipping
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
        defer { file.decoder.pointee.skip_frame = AVDISCARD_DEFAULT }
        var readFailures = 0
        while true {
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
                file.decoder.pointee.skip_frame = mayDrop(packet) ? AVDISCARD_NONREF : AVDISCARD_DEFAULT
                try send(packet, frame: frame, previous: previous, body)
            }
            // Drain the decoder (frame threading and B-frames hold frames back).
            try send(nil, frame: frame, previous: previous, body)
            // Requests past the end get the last frame, which may have been dropped.
            if skipping == .unneeded, !isGrid, target(next) != nil, lastSkippable > (previousTime ?? -Double.infinity) {
                startAgainDecodingEveryFrame()
            }
            // A restart asked for while draining.
            if restartPending, target(next) != nil { continue }
            break
        }
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
        let repairs = report.repairedTimestamps
        let t = frameTime(frame)
        if skipping == .unneeded, lastSkippable > -Double.infinity {
            // Packets sent as skippable that are earlier than this frame were dropped. One
            // between this frame and the previous, with a target in between, may have been the
            // nearer frame (the margin assumed a steadier rate); repaired times count frames,
            // which dropped ones upset. Either way, decode everything from the start.
            let dropped = skippable.filter { $0 < t }
            let p = previousTime ?? -Double.infinity
            let nearer = (target(next).map { $0.time <= t } ?? false) && dropped.contains { $0 > p }
            if nearer || report.repairedTimestamps > repairs {
                startAgainDecodingEveryFrame()
                return
            }
            report.framesSkipped += dropped.count
            // The dropped frames come before this one in presentation order.
            decodedIndex += dropped.count
            skippable.removeAll { $0 <= t }
            // Neighbours in the stream: how far apart its frames can be, which widens the margin.
            if let p = previousTime, !dropped.contains(where: { $0 > p }) { widestGap = max(widestGap, t - p) }
        }
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
        // The same frame nearest to two grid times is handed on once (times identify frames:
        // they increase strictly).
        if isGrid, time == lastEmittedTime { return }
        lastEmittedTime = time
        report.framesEmitted += 1
        seekUnverified = false
        try body(frame, time, index, request)
    }

    /// Whether the decoder may drop `packet`'s frame: it has a time, is not a keyframe, and lies
    /// more than `skipMargin` source frames from every pending target.
    private mutating func mayDrop(_ packet: UnsafeMutablePointer<AVPacket>) -> Bool {
        if skipping == .allNonReference { return true }
        guard skipping == .unneeded, packet.pointee.pts != arrcoc_nopts_value(), packet.pointee.flags & AV_PKT_FLAG_KEY == 0 else { return false }
        let s = file.seconds(packet.pointee.pts - file.startPts)
        let margin = Self.skipMargin * max(sourceFrameDuration, widestGap)
        var k = next
        if case let .grid(fps, _) = schedule {
            k = max(k, Int(((s - margin) * fps).rounded(.up)))
        } else {
            while let request = target(k), request.time < s - margin { k += 1 }
        }
        guard target(k).map({ $0.time > s + margin }) ?? true else { return false }
        skippable.append(s)
        lastSkippable = max(lastSkippable, s)
        return true
    }

    /// The rest of the pass decodes every frame, from the beginning (targets already served
    /// stay served: they were chosen between frames no dropped one lay between).
    private mutating func startAgainDecodingEveryFrame() {
        skipping = .none
        report.skipFallbacks += 1
        restartPending = true
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
        skippable = []
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
        skippable = []
        lastSkippable = -Double.infinity
        afterSeek = nil
        strategy = .stream
        restartPending = false
    }
}
