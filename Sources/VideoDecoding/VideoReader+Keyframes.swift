import CFFmpeg
import Foundation

extension VideoReader {
    /// The video stream's keyframes, found without decoding: from the container's sample index
    /// when it lists every sample (MP4/MOV), else by reading every video packet's key flag.
    /// - Throws: `VideoError.unreadableData` when no packet can be read.
    public func keyframeIndex() throws -> KeyframeIndex {
        var file = mediaFile
        let stream = file.stream
        let count = file.indexEntryCount
        let container = file.format.pointee.iformat.map { String(cString: $0.pointee.name) } ?? ""
        if count > 0, container.contains("mp4") || container.contains("mov") {
            var times: [Double] = []
            for i in 0..<count {
                guard let entry = avformat_index_get_entry(stream, Int32(i)), entry.pointee.flags & AVINDEX_KEYFRAME != 0 else { continue }
                times.append(file.seconds(entry.pointee.timestamp - file.startPts))
            }
            if !times.isEmpty { return KeyframeIndex(times: Self.increasing(times), origin: .containerIndex) }
        }
        try rewindIfNeeded()
        file = mediaFile  // opened again by a second pass
        guard let packet = av_packet_alloc() else { throw VideoError.unreadableData(path: file.path, reason: "out of memory") }
        var box: UnsafeMutablePointer<AVPacket>? = packet
        defer { av_packet_free(&box) }
        var times: [Double] = []
        var packets = 0, failures = 0
        while true {
            let status = av_read_frame(file.format, packet)
            if status == arrcoc_averror_eof() { break }
            if status < 0 {
                if let pb = file.format.pointee.pb, avio_feof(pb) != 0 { break }
                failures += 1
                if failures > 256 { break }
                continue
            }
            failures = 0
            defer { av_packet_unref(packet) }
            guard packet.pointee.stream_index == file.streamIndex else { continue }
            packets += 1
            let pts = packet.pointee.pts != arrcoc_nopts_value() ? packet.pointee.pts : packet.pointee.dts
            if packet.pointee.flags & AV_PKT_FLAG_KEY != 0, pts != arrcoc_nopts_value() {
                times.append(file.seconds(pts - file.startPts))
            }
        }
        guard packets > 0 else { throw VideoError.unreadableData(path: file.path, reason: "no video packet could be read") }
        return KeyframeIndex(times: Self.increasing(times), origin: .packetScan)
    }

    /// Decodes keyframes only and hands each on as a `DecodedFrame` (converted to RGB at `size`
    /// by the consumer), at least `minimumSpacing` seconds apart: packets that are not keyframes
    /// (`AV_PKT_FLAG_KEY`), and keyframes closer than that to the previous one handed on, are
    /// read from the file but never reach the decoder.
    ///
    /// Each keyframe decodes on its own (an IDR picture, or an intra frame), so this costs one
    /// intra decode per handed-on frame plus reading the packets. `framesDecoded` in the report
    /// counts what the decoder produced.
    /// - Throws: `VideoError` (bad spacing or size, nothing decodable) or whatever `body` throws.
    @discardableResult
    public func sampleKeyframes(
        minimumSpacing: Double = 0, size: PixelSize? = nil, _ body: (DecodedFrame) throws -> Void
    ) throws -> DecodeReport {
        guard minimumSpacing.isFinite, minimumSpacing >= 0 else {
            throw VideoError.unreadableData(path: mediaFile.path, reason: "keyframe spacing \(minimumSpacing) s; expected a finite number ≥ 0")
        }
        if let size, size.width <= 0 || size.height <= 0 || size.width > 16384 || size.height > 16384 {
            throw VideoError.sizeOutOfRange(size, maximum: 16384)
        }
        try rewindIfNeeded()
        let file = mediaFile
        // Keyframes are chosen here, from the packets' flags: neither the demuxer's discard
        // (`AVDISCARD_NONKEY` makes the MP4 demuxer mis-time the packets it keeps: their
        // composition offsets come from skipped samples, as `ffmpeg -discard nokey` shows) nor
        // the decoder's `skip_frame` (which H.264 with B-frames mis-times too) is used.
        let decoder = file.decoder
        guard let packet = av_packet_alloc(), let frame = av_frame_alloc() else {
            throw VideoError.unreadableData(path: file.path, reason: "out of memory")
        }
        var packetBox: UnsafeMutablePointer<AVPacket>? = packet
        var frameBox: UnsafeMutablePointer<AVFrame>? = frame
        defer {
            av_packet_free(&packetBox)
            av_frame_free(&frameBox)
        }
        var report = DecodeReport()
        var lastSent: Double? = nil
        var sent: [Double] = []  // times of the keyframe packets sent and not yet seen decoded
        var lastTime: Double? = nil
        func receive() throws {
            while true {
                let status = avcodec_receive_frame(decoder, frame)
                if status == arrcoc_averror_eagain() || status == arrcoc_averror_eof() { return }
                if status < 0 {
                    report.corruptPackets += 1
                    return
                }
                defer { av_frame_unref(frame) }
                report.framesDecoded += 1
                let pts = frame.pointee.pts != arrcoc_nopts_value() ? frame.pointee.pts : frame.pointee.best_effort_timestamp
                guard pts != arrcoc_nopts_value() else {
                    report.repairedTimestamps += 1
                    continue
                }
                // Keyframes come out in the order they went in: each takes the time of the sent
                // packet nearest its own label (within 0.5 s; a decoder's output timing may be a
                // frame off); packets before it produced no frame.
                var t = file.seconds(pts - file.startPts)
                if let i = sent.prefix(8).indices.min(by: { abs(sent[$0] - t) < abs(sent[$1] - t) }), abs(sent[i] - t) <= 0.5 {
                    if sent[i] != t { report.repairedTimestamps += 1 }
                    t = sent[i]
                    sent.removeFirst(i + 1)
                }
                if let p = lastTime, t <= p { continue }  // times must increase
                lastTime = t
                report.lastFrameTime = t
                if frame.pointee.decode_error_flags != 0 || frame.pointee.flags & AV_FRAME_FLAG_CORRUPT != 0 { report.corruptFrames += 1 }
                guard let decoded = DecodedFrame(cloning: frame, time: t, target: t, sourceIndex: Int((t * file.fps).rounded()),
                                                 size: size, path: file.path) else {
                    throw VideoError.unreadableData(path: file.path, reason: "out of memory")
                }
                report.framesEmitted += 1
                try body(decoded)
            }
        }
        func send(_ p: UnsafeMutablePointer<AVPacket>?) throws {
            var status = avcodec_send_packet(decoder, p)
            if status == arrcoc_averror_eagain() {
                try receive()
                status = avcodec_send_packet(decoder, p)
            }
            if status < 0, status != arrcoc_averror_eof() { report.corruptPackets += 1 }
            try receive()
        }
        var failures = 0
        while file.readPacket(packet, unreadable: &report.unreadablePackets, failuresInARow: &failures) {
            defer { av_packet_unref(packet) }
            guard packet.pointee.stream_index == file.streamIndex, packet.pointee.flags & AV_PKT_FLAG_KEY != 0 else { continue }
            let pts = packet.pointee.pts != arrcoc_nopts_value() ? packet.pointee.pts : packet.pointee.dts
            let t = pts != arrcoc_nopts_value() ? file.seconds(pts - file.startPts) : nil
            if let t, let last = lastSent, t < last + minimumSpacing - 1e-6 { continue }
            if let t {
                lastSent = t
                sent.append(t)
            }
            try send(packet)
        }
        try send(nil)
        avcodec_flush_buffers(decoder)
        guard report.framesEmitted > 0 else {
            throw VideoError.unreadableData(path: file.path, reason: "no keyframe could be decoded (\(report.corruptPackets) damaged packets)")
        }
        return report
    }

    /// `sampleDecoded(fps:size:)` with the decoder skipping frames no other frame refers to
    /// (libavcodec `skip_frame = AVDISCARD_NONREF`: non-reference B-frames): the low-rate coarse
    /// pass when keyframes are too sparse. The grid is served from the frames decoded, so a
    /// grid time may get a frame up to one skipped frame further away than `sampleDecoded` gives.
    @discardableResult
    public func sampleDecodedSkippingNonReference(
        fps: Double, size: PixelSize? = nil, _ body: (DecodedFrame) throws -> Void
    ) throws -> DecodeReport {
        try sampleDecoded(fps: fps, size: size, skipping: .allNonReference, body)
    }

    private static func increasing(_ times: [Double]) -> [Double] {
        var out: [Double] = []
        for t in times.sorted() where t.isFinite && (out.last.map { t > $0 } ?? true) { out.append(t) }
        return out
    }
}
