import ARRCOC
import Foundation

/// One line of a batch file (`arrcoc batch JOBS.jsonl`): a video, a query, one or more budgets and
/// how to spend them. Every value is checked when the file is read, before any work; what can
/// only fail while working (a damaged video, a missing query image) fails that job alone.
///
/// ```json
/// {"id": "q17", "video": "clips/a.mp4", "query_image": "needles/a.png", "budgets": [500, 2000], "strategy": "arrcoc"}
/// ```
public struct BatchJob: Sendable, Equatable {
    /// Names the job's outputs (`outputs/ID/BUDGET`); `job-LINE` when the line has none.
    public var id: String
    public var line: Int
    public var video: String
    public var query: Query
    /// A features file of `video` (`arrcoc analyze`), checked by SHA-256; analysed here when nil.
    public var features: String?
    public var budgets: [Int]
    public var strategy: String?
    public var parameters: [String: Double]?
    public var format: SequenceFormat?
    public var mode: SpendMode?

    public enum Query: Sendable, Equatable {
        case image(String)
        case embedding(String)

        public var path: String {
            switch self {
            case let .image(p), let .embedding(p): p
            }
        }
    }

    /// The keys a line may hold.
    public static let keys = ["id", "video", "query_image", "query_embedding", "features", "budget", "budgets", "strategy", "params", "format", "mode"]
    /// The most budgets one job may list.
    public static let maximumBudgets = 64
    /// The longest line accepted, in bytes.
    public static let maximumLineBytes = 65_536

    /// The compression settings of this job: `base` with the job's strategy, parameters, format
    /// and mode.
    public func config(base: CompressionConfig) -> CompressionConfig {
        var c = base
        if let strategy {
            c.strategy = strategy
            c.strategyParams = parameters ?? [:]
        } else if let parameters {
            c.strategyParams = parameters
        }
        if let format { c.emission.format = format }
        if let mode { c.emission.mode = mode }
        return c
    }

    /// Every input file the job reads.
    public var inputs: [String] { [video, query.path] + (features.map { [$0] } ?? []) }

    /// The bytes of a batch file as text, refusing any that are not UTF-8 (JSON Lines are UTF-8;
    /// decoded with replacement characters, a path would name another file).
    /// - Throws: `BatchError.invalidLine` naming the line, the column and the byte.
    public static func text(_ data: Data, source: String) throws(BatchError) -> String {
        if let text = String(validating: data, as: UTF8.self) { return text }
        var line = 1, column = 1, offset = 0
        var bytes = data.makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        while true {
            switch parser.parseScalar(from: &bytes) {
            case let .valid(encoded):
                if encoded.count == 1, encoded.first == 0x0A { line += 1; column = 1 } else { column += encoded.count }
                offset += encoded.count
            case .error:
                let byte = data[data.startIndex + offset]
                throw .invalidLine(source: source, line: line, key: "",
                                   reason: String(format: "byte 0x%02X at byte %d of the line is not UTF-8; expected UTF-8 text (JSON Lines are UTF-8)", byte, column))
            case .emptyInput:
                return String(decoding: data, as: UTF8.self)
            }
        }
    }

    /// Parses the text of a batch file: one JSON object per line (LF, CRLF or CR line ends);
    /// blank lines and lines starting with `#` are skipped.
    /// - Parameters:
    ///   - resolve: turns a relative path of the file into the path to open.
    /// - Throws: `BatchError.invalidLine` naming the line and the key.
    public static func parse(_ text: String, source: String, base: CompressionConfig, resolve: (String) -> String) throws(BatchError) -> [BatchJob] {
        var jobs: [BatchJob] = []
        var ids: [String: Int] = [:]
        // "\r\n" is one Character in Swift, so splitting on "\n" alone kept CRLF files in one line.
        for (i, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let number = i + 1
            func fail(_ key: String, _ reason: String) -> BatchError { .invalidLine(source: source, line: number, key: key, reason: reason) }
            guard line.utf8.count <= maximumLineBytes else { throw fail("", "the line is longer than \(maximumLineBytes) bytes") }
            // Parsed first for the reason a line is not JSON: JSONDecoder says only "not valid JSON",
            // or, for a bad number or escape inside an object, that it is no object.
            let data = Data(line.utf8)
            let parsed: Any
            do { parsed = try JSONSerialization.jsonObject(with: data, options: .fragmentsAllowed) } catch {
                throw fail("", "not valid JSON (\(Self.reason(error)))")
            }
            guard parsed is [String: Any] else { throw fail("", "not a JSON object (the line must be one object)") }
            let object: [String: JSONValue]
            do { object = try JSONDecoder().decode([String: JSONValue].self, from: data) } catch {
                throw fail("", "not valid JSON (\(Self.reason(error)))")
            }
            if let key = Self.repeatedKey(in: line) {
                throw fail("", "key \"\(ConfigError.shown(key, limit: 40))\" appears twice; give each key once")
            }
            for key in object.keys.sorted() where !keys.contains(key) {
                throw fail(key, "unknown key; allowed: \(keys.joined(separator: ", "))")
            }
            // A number as the line writes it (`1e300`, `2.50`; printed as parsed, 1e300 was 301
            // digits), found by its key as errors name it (`budgets[1]`); other values described.
            func shown(_ key: String, _ value: JSONValue) -> String {
                guard case .number = value else { return "\(value)" }
                return YAMLInput.written(at: key, inText: line).map { ConfigError.shown($0, limit: 40) } ?? "\(value)"
            }
            func string(_ key: String) throws(BatchError) -> String? {
                guard let value = object[key] else { return nil }
                guard case let .string(s) = value else { throw fail(key, "expected a non-empty string, got \(shown(key, value))") }
                guard !s.isEmpty else { throw fail(key, "expected a non-empty string, got \"\"") }
                guard !s.contains("\0") else { throw fail(key, "contains a NUL character (\\u0000), which no name or path may hold") }
                return s
            }
            func budget(_ key: String, _ value: JSONValue) throws(BatchError) -> Int {
                let limit = Limit.budgetTokens.intValue
                guard case let .number(x) = value, let b = CheckedMath.integer(x, in: 1...limit) else {
                    throw fail(key, "expected a whole number of tokens in 1…\(limit) (\(Limit.budgetTokens.environmentVariable) raises the limit), got \(shown(key, value))")
                }
                return b
            }

            let id = try string("id") ?? String(format: "job-%06d", number)
            guard Self.isSafeName(id) else { throw fail("id", "'\(ConfigError.shown(id))' must be 1–128 letters, digits, '.', '_' or '-', not starting with '.' or '-'") }
            if let first = ids[id] { throw fail("id", "'\(id)' is already the id of line \(first)") }
            ids[id] = number
            guard let video = try string("video") else { throw fail("video", "missing: every job names its video") }

            let query: Query
            switch (try string("query_image"), try string("query_embedding")) {
            case let (image?, nil): query = .image(resolve(image))
            case let (nil, embedding?): query = .embedding(resolve(embedding))
            default: throw fail("query_image", "give exactly one of query_image and query_embedding")
            }

            var budgets: [Int] = []
            switch (object["budget"], object["budgets"]) {
            case let (value?, nil):
                budgets = [try budget("budget", value)]
            case let (nil, value?):
                guard case let .array(values) = value, (1...maximumBudgets).contains(values.count) else {
                    let found = if case let .array(values) = value {
                        values.isEmpty ? "an empty list" : "\(values.count) budgets"
                    } else {
                        shown("budgets", value)
                    }
                    throw fail("budgets", "expected a list of 1…\(maximumBudgets) budgets, got \(found)")
                }
                for (k, v) in values.enumerated() {
                    let b = try budget("budgets[\(k)]", v)
                    guard !budgets.contains(b) else { throw fail("budgets[\(k)]", "\(b) is listed twice") }
                    budgets.append(b)
                }
            default:
                throw fail("budget", "give exactly one of budget and budgets")
            }

            let strategy = try string("strategy")
            var parameters: [String: Double]? = nil
            if let value = object["params"] {
                guard case let .object(entries) = value else { throw fail("params", "expected an object of numbers, got \(shown("params", value))") }
                var p: [String: Double] = [:]
                for (k, v) in entries.sorted(by: { $0.key < $1.key }) {
                    guard case let .number(x) = v, x.isFinite else { throw fail("params.\(k)", "expected a finite number, got \(shown("params.\(k)", v))") }
                    // Each value checked alone, to be named as the line names it and shown as
                    // written (the check of the whole job named compress's `strategy_params.seed`).
                    // (An unknown strategy or parameter is left to the check of the whole job below.)
                    do { _ = try StrategyRegistry.allocator(named: strategy ?? base.strategy, parameters: [k: x]) } catch {
                        if case let .outOfRange(_, _, expected) = error { throw fail("params.\(k)", "expected \(expected), got \(shown("params.\(k)", v))") }
                    }
                    p[k] = x
                }
                parameters = p
            }
            let format = try string("format")
            let mode = try string("mode")
            let job = BatchJob(
                id: id, line: number, video: resolve(video), query: query, features: try string("features").map(resolve), budgets: budgets,
                strategy: strategy, parameters: parameters,
                format: try format.map { f throws(BatchError) in
                    guard let v = SequenceFormat(rawValue: f) else { throw fail("format", "'\(f)': expected qwen3vl or seed") }
                    return v
                },
                mode: try mode.map { m throws(BatchError) in
                    guard let v = SpendMode(rawValue: m) else { throw fail("mode", "'\(m)': expected resize or select") }
                    return v
                })
            // Strategy names and parameters are checked as `compress` checks them.
            do { try job.config(base: base).validate() } catch {
                throw fail(job.strategy == nil ? "params" : "strategy", error.localizedDescription)
            }
            jobs.append(job)
        }
        return jobs
    }

    /// A name safe as one path component on any file system arrcoc writes to.
    static func isSafeName(_ name: String) -> Bool {
        guard (1...128).contains(name.utf8.count), let first = name.utf8.first, first != UInt8(ascii: "."), first != UInt8(ascii: "-") else {
            return false
        }
        return name.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x2E || c == 0x5F || c == 0x2D
        }
    }

    /// The first key that an object of the JSON line `line` gives twice, as a path (`budget`,
    /// `params.seed`), or nil: Foundation's decoders keep one of the two values without a word
    /// (the first `budget` of `{"budget": 300, "budget": 400}`). `line` is valid JSON, so a
    /// string followed by `:` is a key of the innermost open object; strings are skipped escape by
    /// escape, and each object has its own keys.
    static func repeatedKey(in line: String) -> String? {
        let bytes = Array(line.utf8)
        // One entry per open object or array: the object's keys so far and its key in its parent.
        var open: [(isObject: Bool, keys: Set<String>, name: String?)] = []
        var lastKey: String? = nil
        var i = 0
        while i < bytes.count {
            switch bytes[i] {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                open.append((bytes[i] == UInt8(ascii: "{"), [], lastKey))
                lastKey = nil
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                _ = open.popLast()
                lastKey = nil
            case UInt8(ascii: ","):
                lastKey = nil
            case UInt8(ascii: "\""):
                let start = i
                i += 1
                while i < bytes.count, bytes[i] != UInt8(ascii: "\"") { i += bytes[i] == UInt8(ascii: "\\") ? 2 : 1 }
                var next = i + 1
                while next < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[next]) { next += 1 }
                guard let top = open.indices.last, open[top].isObject, next < bytes.count, bytes[next] == UInt8(ascii: ":") else { break }
                // The key as JSON reads it: `"bud\u0067et"` is `budget`.
                let text = Data(bytes[start...min(i, bytes.count - 1)])
                let key = (try? JSONDecoder().decode(String.self, from: text)) ?? String(decoding: text, as: UTF8.self)
                if !open[top].keys.insert(key).inserted {
                    return (open.compactMap(\.name) + [key]).joined(separator: ".")
                }
                lastKey = key
            default:
                break
            }
            i += 1
        }
        return nil
    }

    /// Why Foundation could not read a line: JSONSerialization's description says what and where
    /// (`Number with leading zero around character 53.`); its localized one only that it failed.
    private static func reason(_ error: Error) -> String {
        if case let DecodingError.dataCorrupted(context) = error {
            return (context.underlyingError as? NSError)?.localizedDescription ?? context.debugDescription
        }
        return ConfigError.shown((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? error.localizedDescription, limit: 200)
    }
}

/// A JSON value as read from a batch line (numbers as `Double`, checked by the reader).
enum JSONValue: Decodable, Sendable, Equatable, CustomStringConvertible {
    case null, bool(Bool), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null } else if let b = try? c.decode(Bool.self) { self = .bool(b) } else if let x = try? c.decode(Double.self) {
            self = .number(x)
        } else if let s = try? c.decode(String.self) { self = .string(s) } else if let a = try? c.decode([JSONValue].self) {
            self = .array(a)
        } else {
            self = .object(try c.decode([String: JSONValue].self))
        }
    }

    var description: String {
        switch self {
        case .null: "null"
        case let .bool(b): "\(b)"
        // Six decimals, or the shortest form for a large number (1e300 was 301 digits).
        case let .number(x): abs(x) < 1e15 ? SweepRow.number(x) : "\(x)"
        case let .string(s): "\"\(ConfigError.shown(s, limit: 40))\""
        case .array: "a list"
        case .object: "an object"
        }
    }
}
