import Foundation

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

    /// Parses and validates a manifest's bytes; `path` names it in errors.
    public static func parse(_ data: Data, path: String) throws -> Manifest {
        let manifest: Manifest
        do { manifest = try JSONDecoder().decode(Manifest.self, from: data) } catch {
            throw ConfigError.unreadable(path: path, reason: "not an arrcoc.manifest/1 file: \(FeatureSet.describe(error))")
        }
        try manifest.validate(path: path)
        return manifest
    }

    /// Checks what readers compute from: block grids at least 1×1, token counts and times
    /// within the limits, kept cells on their grid, totals non-negative. A manifest may come
    /// from anywhere; nothing in it is divided by or looped over unchecked.
    /// - Throws: `ConfigError.invalidValue` naming the file and the key, or `LimitError`.
    public func validate(path: String) throws {
        func bad(_ key: String, _ value: String, _ expected: String) -> ConfigError {
            .invalidValue(key: key, value: "\(value) (in \(path))", expected: expected)
        }
        guard schema == "arrcoc.manifest/1" else { throw bad("schema", schema, "arrcoc.manifest/1") }
        let maxTokens = Limit.budgetTokens.intValue
        let maxCells = Limit.cellsPerFrame.intValue
        let maxTime = Limit.durationSeconds.value
        guard source.durationSeconds.isFinite, source.durationSeconds >= 0, source.durationSeconds <= maxTime else {
            throw bad("source.duration_s", "\(source.durationSeconds)", "0…\(maxTime) seconds")
        }
        guard source.fps.isFinite, source.fps >= 0 else { throw bad("source.fps", "\(source.fps)", "a finite rate ≥ 0") }
        guard (1...maxTokens).contains(budget.tokens) else { throw bad("budget.tokens", "\(budget.tokens)", "1…\(maxTokens)") }
        guard (0...maxTokens).contains(budget.used) else { throw bad("budget.used", "\(budget.used)", "0…\(maxTokens)") }
        try Limit.blocks.check(blocks.count, in: path, what: "number of blocks")
        var vision = 0
        for (i, b) in blocks.enumerated() {
            let key = "blocks[\(i)]"
            guard b.timeSeconds.isFinite, b.timeSeconds >= 0, b.timeSeconds <= maxTime else {
                throw bad("\(key).time_s", "\(b.timeSeconds)", "0…\(maxTime) seconds")
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
