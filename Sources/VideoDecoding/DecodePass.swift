import CFFmpeg
import Foundation

/// One pass of the decode loop behind `VideoReader.sample` and `VideoReader.fetch`.
///
/// Read packet → send to decoder → for every frame out, serve every pending target the frame
/// is at or past, choosing between it and the previous frame whichever is nearer. Only the
/// previous frame is kept, so memory does not grow with the video.
///
/// Frames no target can choose are not decoded where the codec allows it: a packet whose time
/// is more than `skipMargin` frame spacings from every pending target is sent with libavcodec's
/// `skip_frame = AVDISCARD_NONREF`, so a non-reference frame (an H.264/HEVC B-frame no other
/// frame predicts from, an MPEG-4 B-VOP) is dropped, while a reference frame is decoded as
/// always: the frames that are decoded, and so every chosen frame, are bit for bit those of a
/// full decode. Only in constant-rate MP4 (`MediaFile.allowsSkippingFrames`), where a target's
/// two neighbouring frames lie within one spacing of it. Every frame that comes out is checked
/// (its time is its packet's and increases; no dropped packet lies between a target's
/// neighbours; none after the last frame where a target could use it): should a check fail, the
/// file is opened again and the pass decodes every frame from the beginning (Docs/decoding.md).
struct DecodePass {
    enum Schedule {
        case grid(fps: Double, size: PixelSize?)
        case list([FrameRequest])
    }

    private let reader: VideoReader
    /// The reader's file (reopened by a restart from the beginning).
    private var file: MediaFile { reader.mediaFile }
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
    /// Whether the decoder was reopened with one thread for seeking (`seekIfUseful`).
    private var decodingOnOneThread = false
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
    /// The `pts` of the last frame that came out.
    private var lastOutputPts: Int64? = nil

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
        self.schedule = schedule
        self.strategy = strategy  // resolved by `run` once the reader is back at the start
        self.sourceFrameDuration = 1 / reader.mediaFile.fps
        // Which packets may be dropped is judged from their times.
        self.skipping = skipping == .unneeded && !(reader.skipsUnneededFrames && reader.mediaFile.allowsSkippingFrames) ? .none : skipping
    }

    /// The strategy the pass runs: `.stream` without an index, `.cheapest` as `.automatic` or
    /// `.stream` by the `FetchPlan` of the requests. Judged on the file as opened afresh, so the
    /// choice does not depend on what earlier passes of the reader read.
    private static func resolve(_ strategy: FetchStrategy, _ schedule: Schedule, _ reader: VideoReader) -> FetchStrategy {
        guard reader.mediaFile.indexEntryCount > 0 else { return .stream }
        guard strategy == .cheapest else { return strategy }
        guard case let .list(requests) = schedule else { return .stream }
        return reader.fetchPlan(times: requests.map(\.time)).seeks ? .automatic : .stream
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
        try reader.rewindIfNeeded()
        strategy = Self.resolve(strategy, schedule, reader)
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
            while target(next) != nil {
                if restartPending { try restartFromBeginning(previous: previous) }
                try seekIfUseful(previous: previous)
                guard file.readPacket(packet, unreadable: &report.unreadablePackets, failuresInARow: &readFailures) else { break }
                defer { av_packet_unref(packet) }
                guard packet.pointee.stream_index == file.streamIndex else { continue }
                let pts = packet.pointee.pts != arrcoc_nopts_value() ? packet.pointee.pts : packet.pointee.dts
                if pts != arrcoc_nopts_value() { lastReadPts = max(lastReadPts, pts) }
                file.decoder.pointee.skip_frame = mayDrop(packet) ? AVDISCARD_NONREF : AVDISCARD_DEFAULT
                try send(packet, frame: frame, previous: previous, body)
            }
            // Drain the decoder (frame threading and B-frames hold frames back).
            try send(nil, frame: frame, previous: previous, body)
            // Frames dropped after the last one out: a list's requests past the end get the last
            // frame, and a grid ends half a frame after it; either may have been a dropped one.
            if skipping == .unneeded, let request = target(next), lastSkippable > (previousTime ?? -Double.infinity),
               !isGrid || request.time <= lastSkippable + sourceFrameDuration / 2 + 1e-9 {
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
            // nearer frame (the margin assumed a steadier rate). A frame's time is its packet's
            // only while the packets' times increase in presentation order: libavcodec's
            // best-effort timestamp otherwise counts faulty ones over the frames it outputs,
            // which dropped frames change (a remux that stamps packets in decode order). And
            // repaired times count frames. In any of these cases, decode everything from the start.
            let dropped = skippable.filter { $0 < t }
            let p = previousTime ?? -Double.infinity
            let nearer = (target(next).map { $0.time <= t } ?? false) && dropped.contains { $0 > p }
            let pts = frame.pointee.pts
            let untrusted = pts == arrcoc_nopts_value() || frame.pointee.best_effort_timestamp != pts || lastOutputPts.map { pts <= $0 } ?? false
            if nearer || untrusted || report.repairedTimestamps > repairs {
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
        lastOutputPts = frame.pointee.pts != arrcoc_nopts_value() ? frame.pointee.pts : lastOutputPts
        let estimated = (t * file.fps).rounded()  // after a seek: from the time (finite, in range on any real stream)
        let index = afterSeek != nil && estimated.isFinite && abs(estimated) < 1e15 ? Int(estimated) : decodedIndex
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
        // Not before a frame has come out (leading frames of an open GOP, samples an edit list
        // discards: a full decode may not output them either), nor a packet earlier than it.
        guard skipping == .unneeded, let shown = previousTime, packet.pointee.pts != arrcoc_nopts_value(),
              packet.pointee.flags & (AV_PKT_FLAG_KEY | AV_PKT_FLAG_DISCARD) == 0 else { return false }
        let s = file.seconds(packet.pointee.pts - file.startPts)
        guard s > shown else { return false }
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
        // The counts describe the pass that hands the frames on.
        report.framesDecoded = 0
        report.framesSkipped = 0
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

    /// Seeks when the index has a keyframe at or before the next request (the one a seek lands
    /// on, `MediaFile.seekKeyframe`) that lies beyond everything read so far: decoding up to it
    /// would be wasted work, and no group of pictures is decoded twice.
    private mutating func seekIfUseful(previous: UnsafeMutablePointer<AVFrame>) throws {
        guard strategy == .automatic, let request = target(next), let wanted = file.ticks(seconds: request.time),
              let keyTimestamp = file.seekKeyframe(at: wanted) else { return }
        // Seek only past what was read, and only by more than a couple of frames (compared in
        // `Double`: a crafted index's timestamps must not overflow the sum).
        let margin = 2 * sourceFrameDuration / av_q2d(file.timeBase)
        let readTo = lastReadPts == Int64.min ? file.startPts : lastReadPts
        guard Double(keyTimestamp) > Double(readTo) + margin else { return }
        // From the first seek on, decode on one thread. A stream that decodes with errors after
        // a seek (cockatoo.mp4) gives, with frame threading, frames and error flags that vary
        // with the threads' timing, so whether the seek is trusted (`fallBackFromSeek`) and the
        // frames served would not be the same every run (seen in CI: a second pass over the same
        // times saw no error and served other pixels). One thread decodes the same frames as
        // frame threading on an intact stream, and the same ones every run on a broken one.
        if !decodingOnOneThread {
            try reader.reopen(decoderThreads: 1)
            decodingOnOneThread = true
        }
        // Seek to the request itself: the demuxer lands on the keyframe at or before it (index
        // timestamps can be decode times, offset from presentation times).
        let status = av_seek_frame(file.format, file.streamIndex, wanted, AVSEEK_FLAG_BACKWARD)
        guard status >= 0 else {
            // Stream instead: from the start, since the reopening went back there.
            try restartFromBeginning(previous: previous)
            return
        }
        avcodec_flush_buffers(file.decoder)
        av_frame_unref(previous)
        previousTime = nil
        previousIndex = -1
        skippable = []
        lastSkippable = -Double.infinity
        lastOutputPts = nil
        lastReadPts = keyTimestamp
        afterSeek = (request.time, false)
        seekUnverified = true
        report.seeks += 1
    }

    /// Recovery when a seek landed past its request, or a dropped frame may have been needed:
    /// start again from the beginning, streaming. The file is opened again rather than sought
    /// to its start: MPEG-TS and MPEG-PS demuxers seeking to the start time land up to a second
    /// late (they seek by reading ahead for a timestamp).
    private mutating func restartFromBeginning(previous: UnsafeMutablePointer<AVFrame>) throws {
        try reader.reopen()  // the reader's threads again: streaming is the same every run
        decodingOnOneThread = false
        av_frame_unref(previous)
        previousTime = nil
        previousIndex = -1
        lastReadPts = Int64.min
        decodedIndex = 0
        skippable = []
        lastSkippable = -Double.infinity
        lastOutputPts = nil
        afterSeek = nil
        strategy = .stream
        restartPending = false
    }
}
