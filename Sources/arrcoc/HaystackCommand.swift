import ARRCOC
import ARRCOCPipeline
import ArgumentParser
import Foundation
import VideoDecoding

struct HaystackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "haystack",
        abstract: "Make a needle-in-a-haystack clip and its truth file.",
        discussion: """
            Pastes a needle (an image, or frames of another video) into a background video during \
            some events, at a box, optionally moving, and writes the clip (libavcodec, H.264 when \
            available) and a truth file (YAML: video, query, events with start_s, end_s, box). \
            Events are given with --event, or drawn from --seed. Deterministic for a seed.

            Examples:
              arrcoc haystack bg.mp4 --needle logo.png --out hay.mp4 --truth hay.yaml --events 3 --seed 7
              arrcoc haystack bg.mp4 --needle builtin --out hay.mp4 --truth hay.yaml --event 4,6.5,0.7,0.1,0.15
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The background video.")
    var background: String

    @Option(help: "The needle: an image or video file, or 'builtin' (a colour checkerboard).")
    var needle: String = "builtin"

    @Option(help: "The clip to write (.mp4).")
    var out: String

    @Option(help: "The truth file to write (.yaml).")
    var truth: String

    @Option(help: "Number of random events (when no --event is given).")
    var events: Int = 2

    @Option(name: .customLong("event"), help: "An explicit event START,END,X,Y,W (seconds; box corner and width in 0…1; height from the needle's aspect). Repeatable.")
    var explicitEvents: [String] = []

    @Option(help: "Needle width as a fraction of the frame width: MIN,MAX.")
    var scale: String = "0.08,0.2"

    @Option(name: .customLong("event-duration"), help: "Event length in seconds: MIN,MAX.")
    var eventDuration: String = "1.5,4"

    @Flag(help: "Move the needle across the frame during each event.")
    var moving = false

    @Option(help: "Random seed.")
    var seed: UInt64 = 1

    @Flag(help: "Replace the clip and the truth file if they exist and arrcoc wrote them.")
    var force = false

    /// The most random events a clip may get (a sweep's haystack recipes share it).
    static let maxRandomEvents = 100

    func validate() throws {
        guard (1...Self.maxRandomEvents).contains(events) else {
            throw ValidationError("--events \(events): expected 1…\(Self.maxRandomEvents) random events")
        }
        try Limit.events.check(explicitEvents.count, in: "--event", what: "number of events")
        _ = try Self.range(scale, "--scale", maximum: 0.9)
        _ = try Self.range(eventDuration, "--event-duration", maximum: Limit.durationSeconds.value)
        for text in explicitEvents { _ = try Self.explicitEvent(text) }
    }

    /// START,END,X,Y,W of an `--event`, finite, START < END, the box inside 0…1.
    static func explicitEvent(_ text: String) throws -> [Double] {
        let v = text.split(separator: ",", omittingEmptySubsequences: false).compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard v.count == 5, v.allSatisfy(\.isFinite), v[0] >= 0, v[1] > v[0], v[1] <= Limit.durationSeconds.value,
              v[2] >= 0, v[3] >= 0, v[3] < 1, v[4] > 0, v[2] + v[4] <= 1
        else {
            throw ValidationError("--event \(text): expected START,END,X,Y,W with START < END and the box inside 0…1")
        }
        return v
    }

    func run() throws {
        global.bootstrapLogging()
        let when: HaystackBuilder.Events = explicitEvents.isEmpty
            ? .random(count: events, duration: try Self.range(eventDuration, "--event-duration"), scale: try Self.range(scale, "--scale"),
                      moving: moving, seed: seed)
            : .explicit(try explicitEvents.map { let v = try Self.explicitEvent($0); return (v[0], v[1], v[2], v[3], v[4]) })
        StagingRegistry.shared.installSignalHandlers(message: "interrupted: \(out) and \(truth) were not written")
        let value = try HaystackBuilder.make(background: background, needle: needle, events: when, clip: out, truth: truth, force: force,
                                             progress: TerminalProgress().handler)
        // The lengths drawn: the top of --event-duration is lowered when the background is short
        // (HaystackRecipe.random).
        let lengths = value.events.map { $0.endSeconds - $0.startSeconds }
        printErr("wrote \(ConfigError.escaped(out)) and \(ConfigError.escaped(truth)): \(value.events.count) events of " + String(format: "%.2f–%.2f s", lengths.min() ?? 0, lengths.max() ?? 0))
    }

    static func range(_ text: String, _ flag: String, maximum: Double = .greatestFiniteMagnitude) throws -> ClosedRange<Double> {
        let v = text.split(separator: ",", omittingEmptySubsequences: false).compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard v.count == 2, v[0].isFinite, v[1].isFinite, v[0] > 0, v[1] >= v[0], v[1] <= maximum else {
            throw ValidationError("\(flag) \(text): expected MIN,MAX with 0 < MIN ≤ MAX ≤ \(maximum)")
        }
        return v[0]...v[1]
    }
}

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Score a compressed sequence (manifest.json) against a truth file.",
        discussion: """
            Temporal recall@δ (ground-truth times every 1 s inside each event; hit when a block is \
            within δ), precision@δ, F1, event hit rate, detail recall (a block inside the event \
            with at least --min-box-tokens tokens on the event's box), token share on events. \
            See Docs/evaluation.md.

            Example:
              arrcoc eval --truth hay.yaml --manifest out/manifest.json --delta 1
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "The truth file (YAML).")
    var truth: String

    @Option(help: "The manifest.json of a compress run.")
    var manifest: String

    @Option(help: "Tolerance δ in seconds.")
    var delta: Double = 1

    @Option(name: .customLong("min-box-tokens"), help: "Tokens a block must put on an event's box for detail recall.")
    var minBoxTokens: Double = 16

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        guard delta.isFinite, delta >= 0, delta <= Limit.durationSeconds.value else { throw ValidationError("--delta \(delta): expected a tolerance of 0…\(Limit.durationSeconds.intValue) seconds") }
        guard minBoxTokens.isFinite, minBoxTokens >= 0 else { throw ValidationError("--min-box-tokens \(minBoxTokens): expected ≥ 0") }
    }

    func run() throws {
        global.bootstrapLogging()
        let t = try Truth.load(path: truth)
        let m = try Manifest.load(path: manifest)
        try Evaluation.checkSameVideo(manifest: m, at: manifest, truth: t)
        if m.source.durationSeconds > 0 { try t.validate(path: truth, duration: m.source.durationSeconds, slack: max(1, delta)) }
        let metrics = try Evaluation.evaluate(manifest: m, truth: t, delta: delta, minBoxTokens: minBoxTokens, source: manifest)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(metrics), as: UTF8.self))
            return
        }
        print(String(format: """
            temporal recall@%.1fs  %.3f
            precision@%.1fs        %.3f
            F1                     %.3f
            event hit rate         %.3f
            detail recall          %.3f
            token share on events  %.3f
            tokens used            %d of %d (Qwen3-VL default %d,
            """, delta, metrics.temporalRecall, delta, metrics.precision, metrics.f1, metrics.eventHit, metrics.detailRecall,
            metrics.tokenShareOnEvents, metrics.tokensUsed, metrics.budget, metrics.qwen3vlDefaultTokens)
            + " " + Manifest.Totals.ratioPhrase(metrics.compressionRatio) + ")")
    }
}
