import Foundation
import Testing
import TestSupport
@testable import VideoDecoding

/// Damaged and wrong inputs: each gives its typed error, never a crash.
@Suite struct BadInputTests {
    static let dir = TestClips.scratch("bad-inputs")

    static func write(_ name: String, _ data: Data) throws -> String {
        let url = dir.appendingPathComponent(name)
        try data.write(to: url)
        return url.path
    }

    /// Opens and decodes the whole file: the error must come from one of the two steps.
    static func decodeAll(_ path: String) throws {
        try VideoReader(path: path).sample(fps: 2) { _ in }
    }

    @Test func missingFile() {
        #expect(throws: VideoError.fileNotFound(path: "/nonexistent/clip.mp4")) {
            try Self.decodeAll("/nonexistent/clip.mp4")
        }
    }

    /// A loop of symbolic links is no missing file: it is named as what it is.
    @Test func aLoopOfLinksIsNotCalledMissing() throws {
        let first = try Self.write("loop-a.mp4", Data())
        let second = URL(fileURLWithPath: first).deletingLastPathComponent().appendingPathComponent("loop-b.mp4").path
        try FileManager.default.removeItem(atPath: first)
        try FileManager.default.createSymbolicLink(atPath: first, withDestinationPath: second)
        try FileManager.default.createSymbolicLink(atPath: second, withDestinationPath: first)
        let error = try #require(throws: VideoError.self) { try Self.decodeAll(first) }
        #expect(error == .notMediaFile(path: first, reason: "it cannot be reached: \(String(cString: strerror(ELOOP)))"), "\(error)")
    }

    @Test func emptyFile() throws {
        let path = try Self.write("empty.mp4", Data())
        #expect(throws: VideoError.notMediaFile(path: path, reason: "the file is empty")) { try Self.decodeAll(path) }
    }

    @Test func randomBytes() throws {
        var g = SeededGenerator(seed: 7)
        let path = try Self.write("random.mp4", Data((0..<65536).map { _ in UInt8.random(in: 0...255, using: &g) }))
        let error = try #require(throws: VideoError.self) { try Self.decodeAll(path) }
        guard case .notMediaFile(let p, let reason) = error else { Issue.record("got \(error)"); return }
        #expect(p == path && !reason.isEmpty)
    }

    /// A PNG whose header claims 16000 × 16000 pixels (256 M, beyond the 100 M limit) is refused
    /// by the probing decoder (`max_pixels`) instead of being allocated (768 MB before).
    @Test func pictureBeyondThePixelLimitIsRefusedBeforeDecoding() throws {
        func chunk(_ kind: String, _ payload: [UInt8]) -> [UInt8] {
            let body = Array(kind.utf8) + payload
            var crc: UInt32 = 0xFFFF_FFFF
            for byte in body {
                crc ^= UInt32(byte)
                for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
            }
            let be = { (v: UInt32) in [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
            return be(UInt32(payload.count)) + body + be(~crc)
        }
        let side: UInt32 = 16000
        let be = { (v: UInt32) in [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
        let png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", be(side) + be(side) + [8, 2, 0, 0, 0])
            + chunk("IDAT", [0x78, 0x9C, 0x63, 0, 0, 0, 1, 0, 1]) + chunk("IEND", [])
        let path = try Self.write("huge.png", Data(png))
        let error = try #require(throws: VideoError.self) { _ = try VideoProbe.probe(path: path) }
        #expect(error.localizedDescription.contains(path))
        #expect(error.localizedDescription.contains(FramePixelLimit.environmentVariable))
    }

    @Test func textFileNamedMP4() throws {
        let path = try Self.write("notes.mp4", Data("this is not a video\n".utf8))
        let error = try #require(throws: VideoError.self) { try Self.decodeAll(path) }
        guard case .notMediaFile = error else { Issue.record("got \(error)"); return }
        #expect(error.localizedDescription.contains(path))
    }

    @Test func truncatedMP4CutAtHalf() throws {
        let source = try Data(contentsOf: URL(fileURLWithPath: try Samples.path("cockatoo.mp4")))
        let path = try Self.write("cut.mp4", source.prefix(source.count / 2))
        // The moov atom is at the end: the cut file has no index at all.
        let error = try #require(throws: VideoError.self) { try Self.decodeAll(path) }
        guard case .notMediaFile(_, let reason) = error else { Issue.record("got \(error)"); return }
        #expect(reason.contains("Invalid data"))
    }

    @Test func truncatedFaststartMP4() throws {
        // With the index in front, the file opens; decoding finds the data missing.
        let full = Self.dir.appendingPathComponent("faststart.mp4").path
        try FFmpegTool.run("ffmpeg", ["-v", "error", "-nostdin", "-y", "-i", try Samples.path("cockatoo.mp4"),
                                      "-c", "copy", "-an", "-movflags", "faststart", full])
        let data = try Data(contentsOf: URL(fileURLWithPath: full))
        let path = try Self.write("faststart-cut.mp4", data.prefix(data.count / 2))
        let error = try #require(throws: VideoError.self) { try Self.decodeAll(path) }
        guard case .truncated(let p, let until, let indexed, let bytes) = error else { Issue.record("got \(error)"); return }
        #expect(p == path && bytes == Int64(data.count / 2) && indexed > bytes)
        #expect(until > 3 && until < 11, "decoded up to \(until) s of 14")
    }

    @Test func audioOnlyFile() throws {
        let path = Self.dir.appendingPathComponent("tone.m4a").path
        try FFmpegTool.run("ffmpeg", ["-v", "error", "-nostdin", "-y", "-f", "lavfi", "-i", "sine=frequency=440:duration=1",
                                      "-c:a", "aac", path])
        #expect(throws: VideoError.noVideoStream(path: path)) { try Self.decodeAll(path) }
    }

    /// Said "no such file" before, which sends the user looking for a typo.
    @Test func directoryIsNotAFile() {
        #expect(throws: VideoError.notMediaFile(path: Self.dir.path, reason: "it is a directory, expected a video or image file")) {
            try Self.decodeAll(Self.dir.path)
        }
    }

    @Test func megamindBugyDecodesLikeFFmpeg() throws {
        // The "damaged" opencv sample has packed B-frames (DivX N-VOP placeholders); FFmpeg decodes
        // all 270 frames without error, and so must we (parity with ffmpeg is checked in
        // SamplingParityTests): skipping placeholders, not failing.
        var count = 0
        let report = try VideoReader(path: try Samples.path("Megamind_bugy.avi")).sample(fps: 30) { _ in count += 1 }
        #expect(report.framesDecoded == 270)
        #expect(count == 270)
    }

    @Test func corruptedPacketsAreSkippedAndCounted() throws {
        // Overwrite bytes in the middle of an MPEG-4 AVI: the demuxer still finds packets, the
        // decoder rejects some; decoding goes on to the end.
        let source = try Data(contentsOf: URL(fileURLWithPath: try Samples.path("Megamind.avi")))
        var damaged = source
        var g = SeededGenerator(seed: 3)
        for start in stride(from: source.count / 4, to: source.count * 3 / 4, by: 40_000) {
            for i in start..<(start + 2000) { damaged[i] = UInt8.random(in: 0...255, using: &g) }
        }
        let path = try Self.write("damaged.avi", damaged)
        let report = try VideoReader(path: path).sample(fps: 2) { _ in }
        #expect(report.framesDecoded > 200)
        #expect(report.corruptPackets + report.corruptFrames + report.unreadablePackets > 0)
        #expect((report.lastFrameTime ?? 0) > 10)
    }

    @Test func invalidRequests() throws {
        let reader = try VideoReader(path: try Samples.path("bikes.mp4"))
        #expect(throws: VideoError.sampleRateOutOfRange(fps: 0)) { try reader.sample(fps: 0) { _ in } }
        #expect(throws: VideoError.self) { try reader.sample(fps: .nan) { _ in } }
        #expect(throws: VideoError.sizeOutOfRange(PixelSize(width: 0, height: 10), maximum: 16384)) {
            try reader.sample(fps: 2, size: PixelSize(width: 0, height: 10)) { _ in }
        }
        #expect(throws: VideoError.unsortedTimes(seconds: 1, position: 1, previous: 2)) { try reader.fetch(times: [2, 1]) { _ in } }
        #expect(throws: VideoError.invalidTime(seconds: -1, position: 0)) { try reader.fetch(times: [-1]) { _ in } }
        #expect(throws: VideoError.unparsableSize(text: "12x", maximum: 16384)) { try PixelSize(parsing: "12x") }
        #expect(VideoError.unparsableSize(text: "12x", maximum: 16384).localizedDescription
                == "size '12x' is not WxH with two positive integers up to 16384 (e.g. 640x360)")
    }
}
