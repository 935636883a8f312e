import Foundation
import Testing
import TestSupport
@testable import VideoDecoding

/// Non-reference frames no request can choose are left undecoded (`DecodePass`): the frames
/// handed on must be those of a decode of every frame, bit for bit, on B-frame content of every
/// kind, including a variable frame rate that defeats the margin (the pass then starts again).
@Suite struct SkippedFrameTests {
    /// Clips with non-reference frames, made with the ffmpeg command line.
    static let recipes: [TestClips.Recipe] = [
        // x264's medium preset at 30 fps: adaptive B-frames, a B-pyramid (some B-frames are references).
        TestClips.Recipe(name: "h264-medium-30fps.mp4", arguments: ["-f", "lavfi", "-i", "testsrc2=size=320x180:rate=30", "-t", "8",
                                                                    "-c:v", "libx264", "-preset", "medium", "-g", "250", "-pix_fmt", "yuv420p"]),
        // MPEG-4 part 2 with B-VOPs, in Matroska (real presentation times).
        TestClips.Recipe(name: "mpeg4-bframes.mkv", arguments: ["-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-t", "6",
                                                                "-c:v", "mpeg4", "-bf", "2", "-q:v", "4"]),
        // 25 fps to 4 s, then frames about 0.5 s apart (P 4.0, B 4.48, B 5.0, P 5.48: the filter's
        // 1/25-s time base rounds), B-frames fixed (no adaptation, no pyramid: non-reference), so
        // dropped frames lie in a gap wider than the margin: a request in it must fall back.
        TestClips.Recipe(name: "h264-gaps.mkv", arguments: ["-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-t", "6",
                                                            "-vf", "setpts='if(lt(N,100),N*0.04,if(lt(N,104),4+(N-100)*0.5,6+(N-104)*0.04))/TB'",
                                                            "-fps_mode", "vfr",
                                                            "-c:v", "libx264", "-bf", "3", "-x264-params", "b-adapt=0:b-pyramid=none:scenecut=0",
                                                            "-g", "1000", "-pix_fmt", "yuv420p"]),
    ]

    static func paths() throws -> [String] {
        let generated = try recipes.map { try TestClips.path($0) }
        let shipped = try ["h264-bframes.mp4", "vfr.mkv"].map { name in try TestClips.path(#require(TestClips.recipes.first { $0.name == name })) }
        return generated + shipped + [try Samples.path("bikes.mp4"), try Samples.path("cockatoo.mp4"), try Samples.path("Megamind.avi")]
    }

    static func sample(_ path: String, fps: Double, skipping: Bool) throws -> ([VideoFrame], DecodeReport) {
        let reader = try VideoReader(path: path)
        reader.skipsUnneededFrames = skipping
        var frames: [VideoFrame] = []
        let report = try reader.sample(fps: fps, size: PixelSize(width: 96, height: 54), conversion: .viaYUV420) { frames.append($0) }
        return (frames, report)
    }

    static func fetch(_ path: String, _ times: [Double], skipping: Bool) throws -> ([VideoFrame], DecodeReport) {
        let reader = try VideoReader(path: path)
        reader.skipsUnneededFrames = skipping
        var frames: [VideoFrame] = []
        let report = try reader.fetch(times: times, size: PixelSize(width: 96, height: 54)) { frames.append($0) }
        return (frames, report)
    }

    static func same(_ a: [VideoFrame], _ b: [VideoFrame]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.time == $1.time && $0.sourceIndex == $1.sourceIndex && $0.target == $1.target && $0.rgb == $1.rgb }
    }

    @Test func sampledFramesAreThoseOfAFullDecode() throws {
        var skippedSomewhere = 0
        for path in try Self.paths() {
            for fps in [0.5, 2, 7] {
                let (skipped, report) = try Self.sample(path, fps: fps, skipping: true)
                let (full, fullReport) = try Self.sample(path, fps: fps, skipping: false)
                #expect(Self.same(skipped, full), "\(path) at \(fps) fps: \(skipped.count) vs \(full.count) frames")
                // Every frame decoded or skipped once, unless the pass started again (vfr.mkv at
                // 2 fps: its 0.12-s spacing is wider than the margin at its mean rate).
                #expect(fullReport.framesSkipped == 0 && fullReport.skipFallbacks == 0
                        && (report.skipFallbacks > 0 || report.framesDecoded + report.framesSkipped == fullReport.framesDecoded),
                        "\(path) at \(fps) fps: \(report) vs \(fullReport)")
                skippedSomewhere += report.framesSkipped
                // Raw times of AVI packets are decode order: nothing is skipped there.
                if path.hasSuffix(".avi") { #expect(report.framesSkipped == 0) }
            }
        }
        #expect(skippedSomewhere > 0)
    }

    @Test func fetchedFramesAreThoseOfAFullDecode() throws {
        var g = SeededGenerator(seed: 11)
        for path in try Self.paths() {
            let duration = try VideoReader(path: path).info.durationSeconds ?? 4
            // Sorted random times, some repeated, some past the end (they get the last frame).
            let times = ((0..<12).map { _ in Double.random(in: 0...(duration + 1), using: &g) } + [duration + 3, duration + 3]).sorted()
            let (skipped, report) = try Self.fetch(path, times, skipping: true)
            let (full, _) = try Self.fetch(path, times, skipping: false)
            #expect(Self.same(skipped, full), "\(path): \(times)")
            #expect(skipped.count == times.count, "\(path): \(report)")
        }
    }

    /// In the clip with 0.5-s gaps, a request between two frames of a gap has a dropped
    /// non-reference frame as its nearest: the pass notices and starts again decoding every frame.
    @Test func aDroppedFrameThatWasNearestIsCaughtAndTheFetchStartsAgain() throws {
        let path = try TestClips.path(Self.recipes[2])
        // A request at 4.7 s is nearest to the B-frame at 4.48 s, 0.22 s away, and one at 5.2 s to
        // the B-frame at 5.0 s: beyond the margin (two frames at the clip's mean rate, about
        // 0.1 s), so both were dropped, and the frames around them are 4.0 and 5.48 s.
        let times = [0.5, 4.7, 5.2]
        let (skipped, report) = try Self.fetch(path, times, skipping: true)
        let (full, _) = try Self.fetch(path, times, skipping: false)
        #expect(Self.same(skipped, full), "\(skipped.map(\.time)) vs \(full.map(\.time))")
        #expect(abs(skipped[1].time - 4.48) < 1e-6 && abs(skipped[2].time - 5.0) < 1e-6, "\(skipped.map(\.time))")
        #expect(report.skipFallbacks == 1, "\(report)")
    }
}
