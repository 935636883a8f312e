import Foundation
import Yams

extension Manifest {
    /// Reads a `manifest.json` (a regular file within `Limit.jsonBytes`) and validates it.
    /// - Throws: `ConfigError` naming the file and the key at fault, or `LimitError`.
    public static func load(path: String) throws -> Manifest {
        let data: Data
        do { data = try SideFile.read(path: path, limit: .jsonBytes) } catch let error as FormatError {
            if case let .unreadable(_, reason) = error { throw ConfigError.unreadable(path: path, reason: reason) }
            throw error
        }
        return try parse(data, path: path)
    }

    /// Parses and validates a manifest's bytes; `path` names it in errors, which show values as
    /// the file writes them (`"6"`, `1e300`).
    public static func parse(_ data: Data, path: String) throws -> Manifest {
        let manifest: Manifest
        do { manifest = try JSONDecoder().decode(Manifest.self, from: data) } catch let error as DecodingError {
            // A value of the wrong kind: named with its key and the value the file has there.
            if case .keyNotFound = error {} else if !error.keyPath.isEmpty, let value = written(at: error.keyPath, in: data) {
                let expected: String
                switch error {
                case let .typeMismatch(wanted, _), let .valueNotFound(wanted, _): expected = DecodingError.kind(wanted)
                default: expected = "a value an arrcoc.manifest/1 file holds"
                }
                throw ConfigError.invalidValue(key: error.keyPath, value: "\(value) (in \(path))", expected: expected)
            }
            throw ConfigError.unreadable(path: path, reason: "not an arrcoc.manifest/1 file: \(FeatureSet.describe(error))")
        } catch {
            throw ConfigError.unreadable(path: path, reason: "not an arrcoc.manifest/1 file: \(FeatureSet.describe(error))")
        }
        try manifest.validate(path: path, data: data)
        return manifest
    }

    /// How the manifest `data` writes the value at `key` (`blocks[0].tokens`), for a message; nil
    /// where it has none, or is too large to read again for one (JSON is YAML, `YAMLInput` reads it).
    private static func written(at key: String, in data: Data) -> String? {
        document(data).flatMap { YAMLInput.written(at: YAMLInput.path(of: key), in: $0) }
    }

    /// `written(at:in:)` where the value there is the number `value` (see `YAMLInput.written(at:in:holding:)`).
    private static func written(at key: String, in data: Data, holding value: Double) -> String? {
        document(data).flatMap { YAMLInput.written(at: YAMLInput.path(of: key), in: $0, holding: value) }
    }

    /// The manifest `data` as a YAML document, for messages; nil where it is larger than a YAML
    /// file may be, or does not parse.
    private static func document(_ data: Data) -> Node? {
        guard data.count <= Limit.yamlBytes.intValue, let text = String(data: data, encoding: .utf8) else { return nil }
        return try? Yams.compose(yaml: text)
    }

    /// Checks what readers compute from: block grids at least 1×1, token counts and times
    /// within the limits, kept cells on their grid, totals non-negative. A manifest may come
    /// from anywhere; nothing in it is divided by or looped over unchecked.
    /// - Throws: `ConfigError.invalidValue` naming the file and the key, or `LimitError`.
    public func validate(path: String) throws {
        try validate(path: path, data: nil)
    }

    /// `validate(path:)`, showing a value as `data` (the file's, when parsed) writes it: `1e300`,
    /// not 1e+300.
    func validate(path: String, data: Data?) throws {
        /// The error for the value at `key`, shown as written where `data` holds a number there
        /// (`value` otherwise: a grid, or words about several values).
        func bad(_ key: String, _ value: String, _ expected: String) -> ConfigError {
            let written = data.flatMap { data in Double(value).flatMap { Self.written(at: key, in: data, holding: $0) } }
            return .invalidValue(key: key, value: "\(written ?? value) (in \(path))", expected: expected)
        }
        guard schema == "arrcoc.manifest/1" else { throw bad("schema", schema, "arrcoc.manifest/1") }
        let maxTokens = Limit.budgetTokens.intValue
        let maxCells = Limit.cellsPerFrame.intValue
        let maxTime = Limit.durationSeconds.value
        guard source.durationSeconds.isFinite, source.durationSeconds >= 0, source.durationSeconds <= maxTime else {
            throw bad("source.duration_s", "\(source.durationSeconds)", "0…\(ConfigError.number(maxTime)) seconds")
        }
        guard source.fps.isFinite, source.fps >= 0 else { throw bad("source.fps", "\(source.fps)", "a finite rate ≥ 0") }
        guard (1...maxTokens).contains(budget.tokens) else { throw bad("budget.tokens", "\(budget.tokens)", "1…\(maxTokens)") }
        guard (0...maxTokens).contains(budget.used) else { throw bad("budget.used", "\(budget.used)", "0…\(maxTokens)") }
        try Limit.blocks.check(blocks.count, in: path, what: "number of blocks")
        var vision = 0
        for (i, b) in blocks.enumerated() {
            let key = "blocks[\(i)]"
            guard b.timeSeconds.isFinite, b.timeSeconds >= 0, b.timeSeconds <= maxTime else {
                throw bad("\(key).time_s", "\(b.timeSeconds)", "0…\(ConfigError.number(maxTime)) seconds")
            }
            if i > 0, b.timeSeconds < blocks[i - 1].timeSeconds {
                throw bad("\(key).time_s", "\(b.timeSeconds) after \(blocks[i - 1].timeSeconds)", "blocks in time order")
            }
            guard b.frameTimes.allSatisfy({ $0.isFinite }), b.frameTimes.count <= 2 else {
                throw bad("\(key).frame_times_s", "\(b.frameTimes)", "one or two finite times")
            }
            let g = b.grid
            guard g.t >= 1, g.h >= 1, g.w >= 1, g.t <= 2, let cells = CheckedMath.product([g.h, g.w]), cells <= maxCells else {
                throw bad("\(key).grid", "\(g)", "t 1…2 and h, w ≥ 1 with h·w ≤ \(maxCells)")
            }
            guard (0...maxCells).contains(b.tokens) else { throw bad("\(key).tokens", "\(b.tokens)", "0…\(maxCells)") }
            if let kept = b.keptCells {
                guard kept.count <= cells, kept.allSatisfy({ (0..<cells).contains($0) }) else {
                    throw bad("\(key).kept_cells", "\(kept.count) cells", "at most \(cells) indices in 0..<\(cells) (the grid \(g))")
                }
            }
            if let region = b.region, Region(array: region) == nil {
                throw bad("\(key).region", "\(region)", "[x, y, w, h]: four finite numbers, w and h > 0, inside 0…1")
            }
            vision += b.tokens
        }
        let t = totals
        for (name, value) in [("blocks", t.blocks), ("vision_tokens", t.visionTokens), ("text_tokens", t.textTokens),
                              ("sequence_length", t.sequenceLength), ("qwen3vl_default_tokens", t.qwen3vlDefaultTokens)] {
            guard (0...maxTokens).contains(value) else { throw bad("totals.\(name)", "\(value)", "0…\(maxTokens)") }
        }
        guard t.compressionRatio.isFinite, t.compressionRatio >= 0 else {
            throw bad("totals.compression_ratio", "\(t.compressionRatio)", "a finite ratio ≥ 0")
        }
        guard vision <= maxTokens else { throw bad("blocks[].tokens", "total \(vision)", "at most \(maxTokens) tokens") }
    }
}
