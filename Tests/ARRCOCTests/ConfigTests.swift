import Foundation
import Testing
@testable import ARRCOC

@Suite struct ConfigTests {
    static var repository: URL { URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent() }

    @Test func shippedDefaultConfigEqualsTheBuiltInDefaults() throws {
        let loaded = try CompressionConfig.load(path: Self.repository.appendingPathComponent("Configs/default.yaml").path)
        #expect(loaded == CompressionConfig())
    }

    /// `query.shifted_grids`: on by default, off when a file says so, a clear error otherwise.
    @Test func shiftedGridsAreReadFromTheQuerySection() throws {
        #expect(CompressionConfig().query.shiftedGrids)
        #expect(try CompressionConfig.parse(yaml: "query:\n  shifted_grids: false\n", path: "c.yaml").query.shiftedGrids == false)
        #expect(throws: (any Error).self) { try CompressionConfig.parse(yaml: "query:\n  shifted_grids: maybe\n", path: "c.yaml") }
    }

    /// `query.grid_shift`: 8 px by default, 16 or 4 when a file says so; anything else is an error
    /// naming the key, the value and the allowed steps.
    @Test func gridShiftIsReadAndChecked() throws {
        #expect(CompressionConfig().query.gridShift == 8)
        #expect(try CompressionConfig.parse(yaml: "query:\n  grid_shift: 16\n", path: "c.yaml").query.gridShift == 16)
        #expect(try CompressionConfig.parse(yaml: "query:\n  grid_shift: 4\n", path: "c.yaml").query.gridShift == 4)
        for bad in ["12", "0", "32", "-8"] {
            let error = #expect(throws: (any Error).self) { try CompressionConfig.parse(yaml: "query:\n  grid_shift: \(bad)\n", path: "c.yaml") }
            let text = error.map { "\($0)" } ?? ""
            #expect(text.contains("query.grid_shift") && text.contains(bad) && text.contains("one of 4, 8, 16"), "\(text)")
        }
        #expect(throws: (any Error).self) { try CompressionConfig.parse(yaml: "query:\n  grid_shift: quarter\n", path: "c.yaml") }
    }

    /// The largest query image's vector count is checked with the config: the defaults give a
    /// large square image 3,160 vectors; `image_cells: 400` with `grid_shift: 4` would give 87,837,
    /// over the scorer's limit, so the file is refused naming the setting rather than failing
    /// later on every large query image.
    @Test func aShiftAndScaleThatGiveTooManyQueryVectorsAreRefused() throws {
        #expect(QueryInput.largestVectorCount(CompressionConfig().query) == 3_160)
        var settings = CompressionConfig.QuerySettings()
        settings.imageCells = 400
        settings.gridShift = 4
        #expect(QueryInput.largestVectorCount(settings) == 87_837)
        settings.gridShift = 8
        #expect(QueryInput.largestVectorCount(settings) == 22_405)
        let error = #expect(throws: (any Error).self) {
            try CompressionConfig.parse(yaml: "query:\n  image_cells: 400\n  grid_shift: 4\n", path: "c.yaml")
        }
        let text = error.map { "\($0)" } ?? ""
        #expect(text.contains("query.grid_shift") && (text.contains("87,837") || text.contains("87837")), "\(text)")
        _ = try CompressionConfig.parse(yaml: "query:\n  image_cells: 400\n  grid_shift: 8\n", path: "c.yaml")
    }

    /// Every sweep file shipped in Configs/ is one `arrcoc sweep` accepts (files not checked: the
    /// real-needles clips are made on the machine), and the two real-needles sets share no clip.
    @Test func shippedSweepFilesParse() throws {
        let folder = Self.repository.appendingPathComponent("Configs")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") && $0 != "default.yaml" }.sorted()
        #expect(names.count >= 4, "\(names)")
        var videos: [String: Set<String>] = [:]
        for name in names {
            let path = folder.appendingPathComponent(name).path
            let config = try SweepConfig.parse(yaml: try String(contentsOfFile: path, encoding: .utf8), path: path, checkFiles: false, resolve: { $0 })
            #expect(!config.budgets.isEmpty && !config.strategies.isEmpty, "\(name)")
            videos[name] = Set(config.videos.map(\.video))
        }
        let held = try #require(videos["real-needles.yaml"]), fresh = try #require(videos["real-needles-fresh.yaml"])
        let third = try #require(videos["real-needles-third.yaml"])
        #expect(held.count == 9 && fresh.count == 10 && third.count == 10)
        #expect(held.isDisjoint(with: fresh) && held.isDisjoint(with: third) && fresh.isDisjoint(with: third))
    }

    /// A query image's largest grid: `image_cells`, capped at the cells the image touches at 1.5×
    /// its own size (one more per side), so a small crop is not blown up into a large, blurred grid.
    @Test func aQueryImagesLargestGridFollowsItsSize() {
        #expect(QueryInput.largestScale(width: 64, height: 64, imageCells: 100) == 16)     // 3 + 1 cells a side
        #expect(QueryInput.largestScale(width: 192, height: 192, imageCells: 100) == 100)  // 9 + 1
        #expect(QueryInput.largestScale(width: 128, height: 160, imageCells: 100) == 7 * 9)
        #expect(QueryInput.largestScale(width: 1920, height: 1080, imageCells: 100) == 100)
        #expect(QueryInput.largestScale(width: 1920, height: 1080, imageCells: 9) == 9)
        #expect(QueryInput.largestScale(width: 1, height: 1, imageCells: 100) == 4)
        #expect(CompressionConfig().query.imageCells == 100)
    }

    @Test func valuesAndPartialSections() throws {
        let c = try CompressionConfig.parse(yaml: """
            strategy: uniform
            budget: 1234
            allocation:
              sparse_interval_s: 5
            emission:
              format: seed
              mode: select
            """, path: "t.yaml")
        #expect(c.strategy == "uniform" && c.budget == 1234)
        #expect(c.allocation.sparseIntervalSeconds == 5 && c.allocation.minTokens == 64)
        #expect(c.emission.format == .seed && c.emission.mode == .select)
        #expect(try CompressionConfig.parse(yaml: "", path: "empty.yaml") == CompressionConfig())
    }

    /// YAML 1.1 number forms that Yams reads otherwise than a person (or `--budget`) does are
    /// refused naming the value and line: `budget: 0300` was 192 tokens (octal), `--budget 0300` 300.
    @Test(arguments: ["0300", "-012", "0o300", "0x12c", "0b101", "1_000", "1:30", "00"])
    func yaml11NumberFormsAreRefused(_ value: String) {
        #expect {
            try CompressionConfig.parse(yaml: "budget: 500\nallocation:\n  min_tokens: \(value)\n", path: "c.yaml")
        } throws: { error in
            "\(error)".contains("the value \(value) at line 3 is a YAML 1.1 number form")
        }
    }

    @Test(arguments: ["300", "0", "0.5", "-0.25", "1e3", "\"0300\"", "10.0"])
    func decimalNumbersAndQuotedTextAreNotYAML11Forms(_ value: String) {
        #expect(YAMLInput.yaml11Reading(value) == nil)
    }

    @Test func unknownKeysAreNamed() {
        #expect(throws: ConfigError.unknownKey(key: "allocation.sparse_interval", allowed: AllocationConfig.CodingKeys.allCases.map(\.rawValue))) {
            try CompressionConfig.parse(yaml: "allocation:\n  sparse_interval: 5\n", path: "t.yaml")
        }
        #expect(throws: ConfigError.self) { try CompressionConfig.parse(yaml: "budgett: 5\n", path: "t.yaml") }
    }

    @Test func outOfRangeAndWrongTypesAreNamed() throws {
        #expect(throws: ConfigError.outOfRange(key: "allocation.min_tokens", value: "0", expected: "an integer in 1…16384")) {
            try CompressionConfig.parse(yaml: "allocation:\n  min_tokens: 0\n", path: "t.yaml")
        }
        #expect(throws: ConfigError.outOfRange(key: "budget", value: "-3", expected: "a positive number of tokens")) {
            try CompressionConfig.parse(yaml: "budget: -3\n", path: "t.yaml")
        }
        do {
            _ = try CompressionConfig.parse(yaml: "scoring:\n  sharpen: lots\n", path: "t.yaml")
            Issue.record("accepted a string for a number")
        } catch let error as ConfigError {
            #expect(error.localizedDescription.contains("scoring.sharpen = lots"), "\(error.localizedDescription)")
        } catch { Issue.record("\(error)") }
        // A name-valued key lists its words (Codable's own message named a Swift type).
        #expect(throws: ConfigError.invalidValue(key: "emission.format", value: "qwen2", expected: "one of qwen3vl, seed")) {
            try CompressionConfig.parse(yaml: "emission:\n  format: qwen2\n", path: "t.yaml")
        }
        #expect(throws: ConfigError.invalidValue(key: "emission.mode", value: "crop", expected: "one of resize, select")) {
            try CompressionConfig.parse(yaml: "emission:\n  mode: crop\n", path: "t.yaml")
        }
        #expect(throws: ConfigError.invalidValue(key: "allocation.zoom", value: "x", expected: "one of off, replace, follow, both")) {
            try CompressionConfig.parse(yaml: "allocation:\n  zoom: x\n", path: "t.yaml")
        }
        #expect(throws: ConfigError.invalidValue(key: "allocation.cover_when_affordable", value: "3", expected: "true or false")) {
            try CompressionConfig.parse(yaml: "allocation:\n  cover_when_affordable: 3\n", path: "t.yaml")
        }
        #expect(throws: ConfigError.invalidValue(key: "allocation.align_pairs", value: "sometimes", expected: "true or false")) {
            try CompressionConfig.parse(yaml: "allocation:\n  align_pairs: sometimes\n", path: "t.yaml")
        }
        #expect(try CompressionConfig.parse(yaml: "allocation:\n  align_pairs: false\n", path: "t.yaml").allocation.alignPairs == false)
        #expect(try CompressionConfig.parse(yaml: "allocation: {}\n", path: "t.yaml").allocation.alignPairs == true)
        #expect(throws: ConfigError.self) { try CompressionConfig.parse(yaml: "strategy: magic\n", path: "t.yaml") }
        #expect(throws: ConfigError.self) { try CompressionConfig.parse(yaml: "- a\n- b\n", path: "t.yaml") }
        #expect(throws: ConfigError.self) { try CompressionConfig.parse(yaml: "allocation: [1, 2]\n", path: "t.yaml") }
    }

    /// A value of the wrong type is shown as the file writes it: `"300"` and `3e2` were shown as
    /// 300 and 300.0, the very numbers the message asked for.
    @Test func aValueOfTheWrongTypeIsShownAsWritten() {
        let cases = [
            ("budget: \"300\"\n", "budget", #""300""#, "a whole number"), ("budget: 3e2\n", "budget", "3e2", "a whole number"),
            ("allocation:\n  min_tokens: '64'\n", "allocation.min_tokens", "'64'", "a whole number"),
            ("allocation: 3e2\n", "allocation", "3e2", "a mapping of keys"),
        ]
        for (text, key, value, expected) in cases {
            #expect(throws: ConfigError.invalidValue(key: key, value: value, expected: expected)) {
                try CompressionConfig.parse(yaml: text, path: "c.yaml")
            }
        }
        // A sweep file's own values, and its compression section (re-written for parsing, 3e2 was 300.0 there too).
        let sweep = "dataset: {videos: [{video: v.mp4, truth: t.yaml}]}\nstrategies: [arrcoc]\n"
        let sweeps = [
            ("budgets: [250, \"500\"]\n", "budgets[1]", #""500""#, "a number"), ("budgets: [250]\nmin_box_tokens: '16'\n", "min_box_tokens", "'16'", "a number"),
            ("budgets: [250]\ncompression: {budget: 3e2}\n", "budget", "3e2", "a whole number"),
        ]
        for (text, key, value, expected) in sweeps {
            #expect(throws: ConfigError.invalidValue(key: key, value: value, expected: expected)) {
                try SweepConfig.parse(yaml: sweep + text, path: "s.yaml", checkFiles: false) { $0 }
            }
        }
        // A good compression section still sets the base of every run.
        let base = try? SweepConfig.parse(yaml: sweep + "budgets: [250]\ncompression: {budget: 300, allocation: {min_tokens: 32}}\n", path: "s.yaml",
                                          checkFiles: false) { $0 }.base
        #expect(base?.budget == 300 && base?.allocation.minTokens == 32)
        // … and so does one a YAML merge key brings in (not in the document's own tree).
        let merged = try? SweepConfig.parse(yaml: sweep + "budgets: [250]\n<<: {compression: {budget: 300}}\n", path: "s.yaml",
                                            checkFiles: false) { $0 }.base
        #expect(merged?.budget == 300)
    }

    /// A list or a mapping in place of a value is named as one, beside what was expected in
    /// words: it said "expected a value of type Scalar" (Yams's word), and showed a mapping as
    /// `[AnyHashable("a"): 1]`.
    @Test func aListOrMappingInPlaceOfAValueIsNamedAsSuch() {
        let cases = [
            ("budget: [1, 2]\n", "budget", "[1, 2] (a list)", "a whole number"),
            ("allocation:\n  min_tokens: {a: 1}\n", "allocation.min_tokens", "{a: 1} (a mapping)", "a whole number"),
            ("scoring: {sharpen: [1]}\n", "scoring.sharpen", "[1] (a list)", "a number"),
            ("strategy: [uniform]\n", "strategy", "[uniform] (a list)", "text"),
            ("allocation: {cover_when_affordable: [true]}\n", "allocation.cover_when_affordable", "[true] (a list)", "true or false"),
            ("emission: {format: [seed]}\n", "emission.format", "[seed] (a list)", "one of qwen3vl, seed"),
            ("strategy_params: [1]\n", "strategy_params", "[1] (a list)", "a mapping"),
            ("strategy_params: {seed: ['1', {b: \"c\"}]}\n", "strategy_params.seed", #"['1', {b: "c"}] (a list)"#, "a number"),
            ("allocation: [1, 2]\n", "allocation", "[1, 2] (a list)", "a mapping of keys"),
        ]
        for (text, key, value, expected) in cases {
            #expect(throws: ConfigError.invalidValue(key: key, value: value, expected: expected), "\(text)") {
                try CompressionConfig.parse(yaml: text, path: "c.yaml")
            }
        }
        // A long list is cut, and still named.
        let long = #expect(throws: ConfigError.self) {
            try CompressionConfig.parse(yaml: "budget: [\((1...100).map(String.init).joined(separator: ", "))]\n", path: "c.yaml")
        }
        #expect(long?.localizedDescription == "budget = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, … (a list) is invalid; expected a whole number",
                "\(long?.localizedDescription ?? "")")
        // A sweep file's own values, and its compression section.
        let sweep = "dataset: {videos: [{video: v.mp4, truth: t.yaml}]}\nstrategies: [arrcoc]\n"
        let sweeps = [
            ("budgets: [250]\nseed: [1]\n", "seed", "[1] (a list)", "a number"),
            ("budgets: [250, {a: 1}]\n", "budgets[1]", "{a: 1} (a mapping)", "a number"),
            ("budgets: [250]\ndeltas: [[1]]\n", "deltas[0]", "[1] (a list)", "a number"),
            ("budgets: [250]\ncompression: {budget: [300]}\n", "budget", "[300] (a list)", "a whole number"),
        ]
        for (text, key, value, expected) in sweeps {
            #expect(throws: ConfigError.invalidValue(key: key, value: value, expected: expected), "\(text)") {
                try SweepConfig.parse(yaml: sweep + text, path: "s.yaml", checkFiles: false) { $0 }
            }
        }
    }

    /// A number out of range is shown as the file writes it: `1e30`, `.inf` and a huge integer
    /// were shown as parsed (1e+30, inf, 1e+20) or called "not a number".
    @Test func anOutOfRangeNumberIsShownAsWritten() {
        let cases = [
            ("allocation: {zoom_max_upscale: 1e30}\n", "allocation.zoom_max_upscale", "1e30", "a number in 0.25…8"),
            ("allocation: {sparse_interval_s: .nan}\n", "allocation.sparse_interval_s", ".nan", "a number in 0.5…86400"),
            ("analysis: {candidate_fps: .inf}\n", "analysis.candidate_fps", ".inf", "a number in 0.01…60"),
            ("strategy: random\nstrategy_params: {seed: 1e30}\n", "strategy_params.seed", "1e30", "a number in 0…1e15"),
        ]
        for (text, key, value, expected) in cases {
            #expect(throws: ConfigError.outOfRange(key: key, value: value, expected: expected), "\(text)") {
                try CompressionConfig.parse(yaml: text, path: "c.yaml")
            }
        }
        let budgets = "a whole number in 1…\(Limit.budgetTokens.intValue)"
        let sweep = "dataset: {videos: [{video: v.mp4, truth: t.yaml}]}\n"
        let sweeps = [
            ("budgets: [1e30]\nstrategies: [arrcoc]\n", "budgets[0]", "1e30", budgets),
            ("budgets: [99999999999999999999]\nstrategies: [arrcoc]\n", "budgets[0]", "99999999999999999999", budgets),
            ("budgets: {from: 100, to: 1e30}\nstrategies: [arrcoc]\n", "budgets", "from 100 to 1e30 in 5 steps",
             "1 ≤ from ≤ to ≤ \(Limit.budgetTokens.intValue) (\(Limit.budgetTokens.environmentVariable) raises it)"),
            ("budgets: [250]\nstrategies: [arrcoc]\nseed: 1e30\n", "seed", "1e30", "a whole number in 0…\(Int.max)"),
            ("budgets: [250]\nstrategies: [arrcoc]\ndeltas: [1, -.inf]\n", "deltas[1]", "-.inf", "a tolerance of 0…\(Limit.durationSeconds.intValue) seconds"),
            ("budgets: [250]\nstrategies: [arrcoc]\nmin_box_tokens: 1e400\n", "min_box_tokens", "1e400", "a finite number ≥ 0"),
            // Named as the sweep file names it, not as compress's `strategy_params.seed`.
            ("budgets: [250]\nstrategies: [{name: random, params: {seed: [1, 1e30]}}]\n", "strategies[0].params.seed[1]", "1e30",
             "a number in 0…1e15"),
            ("budgets: [250]\nstrategies: [arrcoc]\ncompression: {allocation: {zoom_max_upscale: 1e30}}\n", "allocation.zoom_max_upscale", "1e30",
             "a number in 0.25…8"),
        ]
        for (text, key, value, expected) in sweeps {
            #expect(throws: ConfigError.outOfRange(key: key, value: value, expected: expected), "\(text)") {
                try SweepConfig.parse(yaml: sweep + text, path: "s.yaml", checkFiles: false) { $0 }
            }
        }
        #expect(throws: ConfigError.outOfRange(key: "dataset.haystacks[0].scale", value: "[0.1, 1e30]", expected: "0 < min ≤ max ≤ 0.9 (fractions of the frame width)")) {
            try SweepConfig.parse(yaml: "dataset: {haystacks: [{background: bg.mp4, scale: [0.1, 1e30]}]}\nbudgets: [250]\nstrategies: [arrcoc]\n",
                                  path: "s.yaml", checkFiles: false) { $0 }
        }
        #expect(throws: ConfigError.invalidValue(key: "budgets[1]", value: "3e2", expected: "budgets listed once each (300 is listed twice)")) {
            try SweepConfig.parse(yaml: sweep + "budgets: [300, 3e2]\nstrategies: [arrcoc]\n", path: "s.yaml", checkFiles: false) { $0 }
        }
    }

    /// A whole number too large for `Int` is out of its key's own range, named as the key checks
    /// it: `budget: 99999999999999999999` named Int64's limit, and `budget: 1e30` was "expected a
    /// whole number" (it is one, just too large).
    @Test func aHugeWholeNumberIsOutOfItsKeysOwnRange() {
        let budget = "at most \(Limit.budgetTokens.intValue) tokens (\(Limit.budgetTokens.environmentVariable) raises it)"
        let cases = [
            ("budget: 99999999999999999999\n", "budget", "99999999999999999999", budget),
            ("budget: 1e30\n", "budget", "1e30", budget),
            ("budget: -1e30\n", "budget", "-1e30", "a positive number of tokens"),
            ("allocation: {min_tokens: 1e30}\n", "allocation.min_tokens", "1e30", "an integer in 1…16384"),
            ("analysis: {embedding_dim: -99999999999999999999}\n", "analysis.embedding_dim", "-99999999999999999999",
             "an integer in 2…\(CellDescriptor.length)"),
        ]
        for (text, key, value, expected) in cases {
            #expect(throws: ConfigError.outOfRange(key: key, value: value, expected: expected), "\(text)") {
                try CompressionConfig.parse(yaml: text, path: "c.yaml")
            }
        }
        // A sweep file's compression section, likewise.
        #expect(throws: ConfigError.outOfRange(key: "budget", value: "1e30", expected: budget)) {
            try SweepConfig.parse(yaml: "dataset: {videos: [{video: v.mp4, truth: t.yaml}]}\nbudgets: [250]\nstrategies: [arrcoc]\ncompression: {budget: 1e30}\n",
                                  path: "s.yaml", checkFiles: false) { $0 }
        }
        // A whole number within Int written with an exponent is still not one for an integer key.
        #expect(throws: ConfigError.invalidValue(key: "budget", value: "3e2", expected: "a whole number")) {
            try CompressionConfig.parse(yaml: "budget: 3e2\n", path: "c.yaml")
        }
    }

    /// A sweep strategy's unknown name is named at its own path (`strategies[1].name`), as
    /// written: it was reported under compress's key `strategy`.
    @Test func anUnknownSweepStrategyIsNamedAtItsPath() {
        let sweep = "dataset: {videos: [{video: v.mp4, truth: t.yaml}]}\nbudgets: [250]\n"
        let expected = "one of \(StrategyRegistry.names.joined(separator: ", "))"
        #expect(throws: ConfigError.invalidValue(key: "strategies[1].name", value: "magic", expected: expected)) {
            try SweepConfig.parse(yaml: sweep + "strategies: [arrcoc, magic]\n", path: "s.yaml", checkFiles: false) { $0 }
        }
        #expect(throws: ConfigError.invalidValue(key: "strategies[0].name", value: "'magic'", expected: expected)) {
            try SweepConfig.parse(yaml: sweep + "strategies: [{name: 'magic', params: {seed: [1]}}]\n", path: "s.yaml", checkFiles: false) { $0 }
        }
    }

    /// A sweep value of the wrong kind is refused naming it: `formats: seed` (no list) ran
    /// qwen3vl without a word, `moving: 'yes'` ran still needles, a list as a name was "missing",
    /// and `budgets: 5` was "empty".
    @Test func aSweepValueOfTheWrongKindIsRefusedNotIgnored() {
        let cases: [(String, String, String, String)] = [
            ("formats: seed", "formats", "seed", "a list of qwen3vl and/or seed"),
            ("modes: select", "modes", "select", "a list of resize and/or select"),
            ("deltas: 2", "deltas", "2", "a list of tolerances in seconds"),
            ("name: [a]", "name", "[a] (a list)", "text (quoted where it reads as a number)"),
            ("budgets: 5", "budgets", "5", "a list of token budgets or {from, to, steps}"),
            ("budgets:", "budgets", "missing", "a list of token budgets or {from, to, steps}"),
            ("strategies: arrcoc", "strategies", "arrcoc", "a list of {name, params}"),
            ("strategies: [{name: [arrcoc]}]", "strategies[0].name", "[arrcoc] (a list)", "a strategy name"),
            ("dataset: {videos: {video: v.mp4, truth: t.yaml}}", "dataset.videos", "{video: v.mp4, truth: t.yaml} (a mapping)", "a list of {video, truth}"),
            ("dataset: {haystacks: {background: bg.mp4}}", "dataset.haystacks", "{background: bg.mp4} (a mapping)", "a list of haystack recipes"),
            ("dataset: {haystacks: [{background: bg.mp4, moving: 'yes'}]}", "dataset.haystacks[0].moving", "'yes'", "true or false"),
            ("dataset: {haystacks: [{background: bg.mp4, needle: [a.png]}]}", "dataset.haystacks[0].needle", "[a.png] (a list)", "an image or video path, or builtin"),
            ("dataset: {haystacks: [{background: [bg.mp4]}]}", "dataset.haystacks[0].background", "[bg.mp4] (a list)", "a video path or sample name"),
        ]
        for (line, key, value, expected) in cases {
            var lines = ["dataset: {videos: [{video: v.mp4, truth: t.yaml}]}", "budgets: [250]", "strategies: [arrcoc]"]
            let field = String(line.prefix { $0 != ":" })
            lines.removeAll { $0.hasPrefix(field + ":") }
            if line != field + ":" { lines.append(line) }
            #expect(throws: ConfigError.invalidValue(key: key, value: value, expected: expected), "\(line)") {
                try SweepConfig.parse(yaml: lines.joined(separator: "\n"), path: "s.yaml", checkFiles: false) { $0 }
            }
        }
    }

    @Test func coarseToFineSectionLoadsAndIsChecked() throws {
        let c = try CompressionConfig.parse(yaml: """
            coarse_to_fine:
              max_windows: 3
              context_s: 4.5
            """, path: "t.yaml")
        #expect(c.coarseToFine.maxWindows == 3 && c.coarseToFine.contextSeconds == 4.5)
        // Keys left out keep their defaults.
        #expect(c.coarseToFine.maxKeyframeGapSeconds == 6 && c.coarseToFine.backgroundSeconds == 60)
        #expect(throws: ConfigError.outOfRange(key: "coarse_to_fine.max_keyframe_gap_s", value: "0", expected: "a number in 0.1…600")) {
            try CompressionConfig.parse(yaml: "coarse_to_fine:\n  max_keyframe_gap_s: 0\n", path: "t.yaml")
        }
        #expect(throws: ConfigError.outOfRange(key: "coarse_to_fine.max_windows", value: "-1", expected: "an integer in 0…1000")) {
            try CompressionConfig.parse(yaml: "coarse_to_fine:\n  max_windows: -1\n", path: "t.yaml")
        }
        #expect(throws: ConfigError.unknownKey(key: "coarse_to_fine.windows", allowed: CoarseToFine.Options.CodingKeys.allCases.map(\.rawValue))) {
            try CompressionConfig.parse(yaml: "coarse_to_fine:\n  windows: 3\n", path: "t.yaml")
        }
        do {
            _ = try CompressionConfig.parse(yaml: "coarse_to_fine:\n  context_s: wide\n", path: "t.yaml")
            Issue.record("accepted a string for a number")
        } catch let error as ConfigError {
            #expect(error.localizedDescription.contains("coarse_to_fine.context_s"))
        } catch { Issue.record("\(error)") }
    }
}
