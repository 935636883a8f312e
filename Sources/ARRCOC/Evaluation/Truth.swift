import Foundation
import Yams

/// A ground-truth file (YAML): the video, the query, and the moments the query is in.
///
/// ```yaml
/// video: clip.mp4               # paths relative to this file's folder
/// query: needle.png            # an image path, or an embedding (.npy)
/// events:
///   - {start_s: 4.0, end_s: 6.5, box: [0.70, 0.12, 0.15, 0.26]}   # box x, y, w, h in 0…1, optional
/// ```
public struct Truth: Codable, Sendable, Equatable {
    public struct Event: Codable, Sendable, Equatable {
        public var startSeconds: Double
        public var endSeconds: Double
        /// x, y, w, h normalised to 0…1 of the frame.
        public var box: [Double]?

        public init(startSeconds: Double, endSeconds: Double, box: [Double]?) {
            self.startSeconds = startSeconds
            self.endSeconds = endSeconds
            self.box = box
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case startSeconds = "start_s", endSeconds = "end_s", box
        }
    }

    public var video: String
    public var query: String
    public var events: [Event]

    public init(video: String, query: String, events: [Event]) {
        self.video = video
        self.query = query
        self.events = events
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case video, query, events }

    /// Checks times and boxes; errors name the event and the key.
    ///
    /// Events are at most `Limit.events`, and end within `Limit.durationSeconds`; their total
    /// length is at most that too, which bounds the ground-truth times the metrics walk.
    public func validate(path: String) throws {
        try validate(path: path, document: nil)
    }

    /// `validate(path:)`, showing values as `document` (the file's, when parsed) writes them:
    /// `1e30`, not 1e+30.
    func validate(path: String, document: Node?) throws {
        try Limit.events.check(events.count, in: path, what: "number of events")
        let longest = Limit.durationSeconds.value
        var total = 0.0
        for (i, e) in events.enumerated() {
            /// The number at `keys` in event `i`, as the file writes it.
            func shown(_ x: Double, _ keys: String...) -> String {
                document.flatMap { YAMLInput.written(at: ["events", "\(i)"] + keys, in: $0) } ?? "\(x)"
            }
            guard e.startSeconds.isFinite, e.endSeconds.isFinite, e.startSeconds >= 0, e.endSeconds >= e.startSeconds else {
                throw ConfigError.invalidValue(key: "events[\(i)].start_s/end_s",
                                               value: "\(shown(e.startSeconds, "start_s"))…\(shown(e.endSeconds, "end_s")) (in \(path))",
                                               expected: "0 ≤ start_s ≤ end_s")
            }
            guard e.endSeconds <= longest else {
                throw LimitError.exceeded(source: path, what: "events[\(i)].end_s", value: shown(e.endSeconds, "end_s"), limit: .durationSeconds)
            }
            total += e.endSeconds - e.startSeconds
            guard total <= longest else {
                throw LimitError.exceeded(source: path, what: "total length of the events up to events[\(i)]", value: "\(total) s",
                                          limit: .durationSeconds)
            }
            if let box = e.box {
                guard box.count == 4, box.allSatisfy({ $0.isFinite && $0 >= 0 && $0 <= 1 }), box[0] + box[2] <= 1.0001,
                      box[1] + box[3] <= 1.0001
                else {
                    let written = box.enumerated().map { j, x in shown(x, "box", "\(j)") }.joined(separator: ", ")
                    throw ConfigError.invalidValue(key: "events[\(i)].box", value: "[\(written)] (in \(path))", expected: "[x, y, w, h] within 0…1")
                }
            }
        }
    }

    /// Checks that every event lies within a video of `duration` seconds (with `slack` for
    /// containers whose durations are off by a little), for a truth file used with that video.
    /// Times are shown as the file at `path` writes them, where it holds these very times (a
    /// truth made in memory shows its own).
    public func validate(path: String, duration: Double, slack: Double = 1) throws(ConfigError) {
        for (i, e) in events.enumerated() where e.startSeconds > duration + slack || e.endSeconds > duration + slack {
            // Read again for the message only: the file is within the YAML limits (`load`).
            let document = (try? YAMLInput.read(path: path)).flatMap { try? Yams.compose(yaml: $0) }
            func shown(_ x: Double, _ key: String) -> String {
                document.flatMap { YAMLInput.written(at: ["events", "\(i)", key], in: $0, holding: x) } ?? ConfigError.number(x)
            }
            throw .outOfRange(key: "events[\(i)]", value: "\(shown(e.startSeconds, "start_s"))…\(shown(e.endSeconds, "end_s")) s (in \(path))",
                              expected: "times within the video's \(String(format: "%.2f", duration)) s")
        }
    }

    /// Reads and validates a truth file (a regular file within the YAML limits); relative
    /// `video` and `query` paths are resolved against the file's folder.
    /// - Throws: `ConfigError` naming the file and the key, or `LimitError`.
    public static func load(path: String) throws -> Truth {
        try parse(yaml: try YAMLInput.read(path: path), path: path)
            .resolvingPaths(against: URL(fileURLWithPath: path).deletingLastPathComponent().path)
    }

    /// Parses and validates a truth file's text; `path` names it in errors.
    public static func parse(yaml text: String, path: String) throws -> Truth {
        let kind = "not a truth file (video, query, events[] with start_s, end_s, box)"
        guard let document = try YAMLInput.check(text, path: path) else {
            throw ConfigError.unreadable(path: path, reason: "\(kind): the file is empty")
        }
        // Unknown keys are errors, as in every other file arrcoc reads: a misspelt `end_s` must
        // not become an event without an end. (`load` checks the limits first.)
        if let root = document.any as? [String: Any] {
            for key in root.keys.sorted() where CodingKeys(rawValue: key) == nil {
                throw ConfigError.unknownKey(key: key, allowed: CodingKeys.allCases.map(\.rawValue)).located(in: path)
            }
            for (i, event) in ((root["events"] as? [Any]) ?? []).enumerated() {
                for key in ((event as? [String: Any])?.keys.sorted() ?? []) where Event.CodingKeys(rawValue: key) == nil {
                    throw ConfigError.unknownKey(key: "events[\(i)].\(key)", allowed: Event.CodingKeys.allCases.map(\.rawValue)).located(in: path)
                }
            }
        }
        let truth: Truth
        do { truth = try YAMLInput.decode(Truth.self, from: document) } catch let error as ConfigError {
            throw error.located(in: path)
        } catch {
            throw ConfigError.unreadable(path: path, reason: "\(kind): \(FeatureSet.describe(error))")
        }
        try truth.validate(path: path, document: document)
        return truth
    }

    /// The YAML text of this truth: plain decimal numbers, one event per line, deterministic.
    public func yaml() throws -> String {
        func number(_ x: Double) -> String {
            let text = String(format: "%.4f", x)
            var trimmed = text
            while trimmed.hasSuffix("0") { trimmed.removeLast() }
            if trimmed.hasSuffix(".") { trimmed.removeLast() }
            return trimmed
        }
        func quoted(_ s: String) -> String {
            let data = (try? JSONSerialization.data(withJSONObject: [s], options: [.withoutEscapingSlashes])) ?? Data("[\"\"]".utf8)
            return String(String(decoding: data, as: UTF8.self).dropFirst().dropLast())
        }
        var out = "video: \(quoted(video))\nquery: \(quoted(query))\nevents:\n"
        for e in events {
            out += "  - {start_s: \(number(e.startSeconds)), end_s: \(number(e.endSeconds))"
            if let box = e.box { out += ", box: [\(box.map(number).joined(separator: ", "))]" }
            out += "}\n"
        }
        if events.isEmpty { out = out.replacingOccurrences(of: "events:\n", with: "events: []\n") }
        return out
    }
}
