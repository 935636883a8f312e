import Foundation
import CFFmpeg

/// Reads a file's metadata: container, codec, size, rate, duration, frame counts, start time.
public enum VideoProbe {
    /// Probes `path`.
    ///
    /// - Parameter countFrames: also demux every packet of the video stream (no decoding) to
    ///   count frames and measure the duration, for files whose header lies or says nothing.
    ///   Costs one read of the file.
    /// - Throws: `VideoError` naming the file (missing, not media, no video stream, …).
    public static func probe(path: String, countFrames: Bool = true) throws(VideoError) -> VideoInfo {
        let file = try MediaFile(path: path, threads: 1)
        return try probe(file, countFrames: countFrames)
    }

    /// The container's `comment` tag (arrcoc's encoder writes `VideoEncoder.comment`); nil when
    /// the file has none or cannot be opened.
    public static func comment(path: String) -> String? {
        guard let file = try? MediaFile(path: path, threads: 1),
              let entry = av_dict_get(file.format.pointee.metadata, "comment", nil, 0) else { return nil }
        return String(cString: entry.pointee.value)
    }

    /// Probes a file's bytes held in memory (read through a custom AVIOContext); `name` stands
    /// for the path in errors and in the result.
    public static func probe(data: Data, name: String, countFrames: Bool = true) throws(VideoError) -> VideoInfo {
        try probe(try MediaFile(memory: data, name: name), countFrames: countFrames)
    }

    static func probe(_ file: MediaFile, countFrames: Bool) throws(VideoError) -> VideoInfo {
        let stream = file.stream.pointee
        let par = stream.codecpar.pointee
        let container = file.format.pointee.iformat.map { String(cString: $0.pointee.name) } ?? "unknown"
        let codec = String(cString: avcodec_get_name(par.codec_id))
        let header = stream.nb_frames > 0 ? Int(stream.nb_frames) : nil
        var duration: Double? = nil
        var source = "none"
        if stream.duration != arrcoc_nopts_value(), stream.duration > 0 {
            duration = file.seconds(stream.duration)
            source = "stream"
        } else if file.format.pointee.duration != arrcoc_nopts_value(), file.format.pointee.duration > 0 {
            duration = Double(file.format.pointee.duration) / Double(arrcoc_time_base())
            source = "container"
        }
        let hasIndex = file.indexEntryCount > 0  // before counting, which builds an index
        var counted: Int? = nil
        if countFrames {
            let (count, end) = try countPackets(file)
            counted = count
            // No duration, or a header whose frame count disagrees with the packets (AVI headers
            // can overstate it): the duration measured from the packets wins.
            let headerLies = header.map { $0 != count } ?? false
            if duration == nil || headerLies, let end {
                duration = end
                source = "counted"
            } else if duration == nil, count > 0 {
                duration = Double(count) / file.fps
                source = "counted"
            }
        }
        return VideoInfo(
            path: file.path, container: container, codec: codec,
            width: Int(par.width), height: Int(par.height), fps: file.fps,
            durationSeconds: duration, durationSource: source,
            frameCountHeader: header, frameCountCounted: counted,
            startTimeSeconds: file.seconds(file.startPts),
            hasSeekIndex: hasIndex, fileBytes: file.fileBytes)
    }

    /// Whether `path` holds more than one video packet, reading at most two: a still image
    /// holds one, and a video given in its place is told from one at once, however long.
    public static func holdsSeveralFrames(path: String) throws(VideoError) -> Bool {
        try countPackets(try MediaFile(path: path, threads: 1), upTo: 2).0 >= 2
    }

    /// Demuxes the file, counting video packets (stopping at `limit`); returns the count and the
    /// end time (last pts + packet duration − start) when packets carry timestamps.
    private static func countPackets(_ file: MediaFile, upTo limit: Int = .max) throws(VideoError) -> (Int, Double?) {
        guard let packet = av_packet_alloc() else { throw .unreadableData(path: file.path, reason: "out of memory") }
        var p: UnsafeMutablePointer<AVPacket>? = packet
        defer { av_packet_free(&p) }
        var count = 0
        var end: Int64? = nil
        var failures = 0
        while true {
            let status = av_read_frame(file.format, packet)
            if status == arrcoc_averror_eof() { break }
            if status < 0 {
                failures += 1
                if failures > 64 { break }
                if let pb = file.format.pointee.pb, avio_feof(pb) != 0 { break }
                continue
            }
            failures = 0
            if packet.pointee.stream_index == file.streamIndex {
                count += 1
                if count >= limit {
                    av_packet_unref(packet)
                    break
                }
                let pts = packet.pointee.pts != arrcoc_nopts_value() ? packet.pointee.pts : packet.pointee.dts
                if pts != arrcoc_nopts_value() {
                    let e = pts + max(packet.pointee.duration, 0)
                    end = max(end ?? e, e)
                }
            }
            av_packet_unref(packet)
        }
        // Rewind for any later reader of the same handle.
        av_seek_frame(file.format, file.streamIndex, file.startPts, AVSEEK_FLAG_BACKWARD)
        return (count, end.map { file.seconds($0 - file.startPts) })
    }
}
