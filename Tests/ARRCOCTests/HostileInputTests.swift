import Foundation
import Testing
@testable import ARRCOC
import TestSupport

/// Crafted files and values that once trapped, hung or gave nonsense: each is now a clear error
/// naming the file and the value, or a correct result (issue 7).
@Suite struct HostileInputTests {
    static func write(_ data: Data, _ name: String) throws -> String {
        let path = FileFormatTests.temp(name)
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }

    static func safetensors(header: String, body: Int) -> Data {
        var h = Data(header.utf8)
        while h.count % 8 != 0 { h.append(0x20) }
        var out = Data()
        withUnsafeBytes(of: UInt64(h.count).littleEndian) { out.append(contentsOf: $0) }
        return out + h + Data(count: body)
    }

    // MARK: Readers

    @Test func safetensorsShapeWhoseProductOverflowsIsAnError() {
        let data = Self.safetensors(header: #"{"x":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,16]}}"#, body: 16)
        let error = #expect(throws: FormatError.self) { try Safetensors(data: data, path: "big.safetensors") }
        #expect(error?.localizedDescription.contains("big.safetensors") == true)
        #expect(error?.localizedDescription.contains("[4294967296, 4294967296]") == true)
        let negative = Self.safetensors(header: #"{"x":{"dtype":"F32","shape":[-1,-4],"data_offsets":[0,16]}}"#, body: 16)
        #expect(throws: FormatError.self) { try Safetensors(data: negative, path: "neg.safetensors") }
    }

    @Test func npyShapeWhoseProductOverflowsIsAnError() {
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        data.append(contentsOf: [UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)])
        data.append(Data(header.utf8) + Data(count: 16))
        let error = #expect(throws: FormatError.self) { try NPY.parse(data, path: "big.npy") }
        #expect(error?.localizedDescription.contains("big.npy") == true)
        let negative = Data(String(decoding: data, as: UTF8.self).replacingOccurrences(of: "4294967296, 4294967296", with: "-2, -8        ").utf8)
        #expect(throws: FormatError.self) { try NPY.parse(negative, path: "neg.npy") }
    }

    /// numpy reads a header as one dict literal with exactly three keys and refuses anything else;
    /// this reader took any text that mentioned them (an unclosed dict, an extra key).
    @Test func npyHeadersMustBeTheDictNumpyWrites() throws {
        func npy(_ header: String) -> Data {
            var h = header
            while (10 + h.utf8.count + 1) % 64 != 0 { h += " " }
            h += "\n"
            var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(h.utf8.count & 0xFF), UInt8(h.utf8.count >> 8)])
            data.append(Data(h.utf8) + Data(count: 8))
            return data
        }
        #expect(try NPY.parse(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }"), path: "ok.npy").shape == [2])
        let bad = [
            ("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), ", "one dict literal"),
            ("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'extra': 1}", "'extra'"),
            ("{'descr': '<f4', 'shape': (2,), }", "exactly 'descr', 'fortran_order' and 'shape'"),
            ("x{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", "one dict literal"),
        ]
        for (header, message) in bad {
            let error = #expect(throws: FormatError.self) { try NPY.parse(npy(header), path: "h.npy") }
            #expect(error?.localizedDescription.contains(message) == true, "\(header): \(error?.localizedDescription ?? "")")
        }
    }

    @Test func devicesAndDirectoriesAreRefusedBeforeReading() throws {
        for path in ["/dev/zero", "/tmp"] {
            let error = #expect(throws: FormatError.self) { _ = try SHA256.hexDigest(ofFile: path) }
            #expect(error?.localizedDescription.contains("not a regular file") == true)
            #expect(throws: (any Error).self) { try Safetensors(contentsOf: path) }
            #expect(throws: (any Error).self) { try NPY.readFloats(path: path) }
            #expect(throws: ConfigError.self) { try CompressionConfig.load(path: path) }
            #expect(throws: ConfigError.self) { try Truth.load(path: path) }
            #expect(throws: ConfigError.self) { try Manifest.load(path: path) }
        }
    }

    // MARK: Features metadata

    static func features(_ change: (inout FeatureSet) -> Void) throws -> String {
        var f = ScorerTests.features(frames: 5, cells: 6, needle: 1..<2)
        change(&f)
        let path = FileFormatTests.temp("f.safetensors")
        try f.write(to: path)
        return path
    }

    static func corrupt(_ f: inout FeatureSet, _ name: String) {
        switch name {
        case "width 0": f.info.source.width = 0
        case "width negative": f.info.source.width = -64
        case "height huge": f.info.source.height = Int.max
        case "fps 0": f.info.source.fps = 0
        case "fps 1e308": f.info.source.fps = 1e308
        case "duration 0": f.info.source.durationSeconds = 0
        case "duration 1e308": f.info.source.durationSeconds = 1e308
        case "candidate fps 0": f.info.analysis.candidateFPS = 0
        case "times beyond the duration": f.times[4] = 1e300
        default: f.times[0] = -1e9
        }
    }

    @Test(arguments: ["width 0", "width negative", "height huge", "fps 0", "fps 1e308", "duration 0", "duration 1e308",
                      "candidate fps 0", "times beyond the duration", "times before zero"])
    func featuresMetadataOutOfRangeIsAnErrorNamingTheFile(_ name: String) throws {
        let path = try Self.features { Self.corrupt(&$0, name) }
        do {
            _ = try FeatureSet(contentsOf: path)
            Issue.record("\(name): accepted")
        } catch {
            #expect(error.localizedDescription.contains(path), "\(name): \(error.localizedDescription)")
            #expect(error is FormatError || error is LimitError, "\(name)")
        }
    }

    // MARK: YAML

    @Test func yamlAliasBombIsRefusedQuickly() {
        var text = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        var previous = "a"
        for name in ["b", "c", "d", "e", "f", "g", "h", "i"] {
            text += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ", ") + "]\n"
            previous = name
        }
        #expect(text.utf8.count < 600)
        let start = Date()
        #expect(throws: LimitError.self) { try CompressionConfig.parse(yaml: text, path: "bomb.yaml") }
        #expect(throws: LimitError.self) { try SweepConfig.parse(yaml: text, path: "bomb.yaml", resolve: { $0 }) }
        #expect(Date().timeIntervalSince(start) < 30)  // generous: CI machines are loaded
    }

    /// Found by fuzzing the sweep loader: Yams traps on a mapping key that is a list or a mapping.
    @Test(arguments: ["{[1]: 2}", "? [a, b]\n: c\n", "name: x\nseed: {? {k: v} : 1}\n"])
    func mappingKeysThatAreNotPlainNamesAreRefused(_ text: String) {
        #expect(throws: ConfigError.self) { try SweepConfig.parse(yaml: text, path: "s.yaml", resolve: { $0 }) }
        #expect(throws: ConfigError.self) { try CompressionConfig.parse(yaml: text, path: "c.yaml") }
        #expect(throws: ConfigError.self) { try Truth.parse(yaml: text, path: "t.yaml") }
    }

    @Test(arguments: [
        ("seed: -1", "seed"), ("seed: 1e30", "seed"), ("seed: .nan", "seed"),
        ("budgets: [.inf]", "budgets[0]"), ("budgets: [.nan]", "budgets[0]"), ("budgets: [1e30]", "budgets[0]"), ("budgets: [-5]", "budgets[0]"),
        ("budgets: {from: 100, to: .inf}", "budgets"), ("budgets: {from: 100, to: 200, steps: 1e30}", "budgets.steps"),
        ("min_box_tokens: .inf", "min_box_tokens"),
    ])
    func sweepNumbersAreCheckedBeforeConversion(_ line: String, _ key: String) {
        var lines = ["dataset: {videos: [{video: v.mp4, truth: t.yaml}]}", "budgets: [1000]", "strategies: [arrcoc]"]
        let field = String(line.prefix { $0 != ":" })
        lines.removeAll { $0.hasPrefix(field + ":") }
        lines.append(line)
        let error = #expect(throws: ConfigError.self) {
            try SweepConfig.parse(yaml: lines.joined(separator: "\n"), path: "s.yaml", checkFiles: false, resolve: { $0 })
        }
        #expect(error?.localizedDescription.contains(key) == true, "\(line): \(error?.localizedDescription ?? "")")
    }

    @Test(arguments: ["clips: 1e30", "clips: -1", "events: .nan", "event_duration_s: [1, .inf]", "scale: [.nan, 0.2]"])
    func haystackRecipeNumbersAreChecked(_ field: String) {
        let text = "dataset: {haystacks: [{background: bg.mp4, \(field)}]}\nbudgets: [1000]\nstrategies: [arrcoc]\n"
        #expect(throws: ConfigError.self) { try SweepConfig.parse(yaml: text, path: "s.yaml", checkFiles: false, resolve: { $0 }) }
    }

    @Test func compressionConfigRefusesNonFiniteAndHugeValues() {
        for text in ["budget: 99999999999999999999", "budget: 0", "budget: 1e30", "allocation: {sparse_interval_s: .nan}",
                     "analysis: {candidate_fps: .inf}", "strategy: random\nstrategy_params: {seed: -1}"] {
            #expect(throws: ConfigError.self, "\(text)") { try CompressionConfig.parse(yaml: text, path: "c.yaml") }
        }
    }

    // MARK: Truth and manifests

    @Test func truthEventsFarBeyondAnyVideoAreRefused() throws {
        let path = try Self.write(Data("video: v.mp4\nquery: q.png\nevents:\n  - {start_s: 0, end_s: 1e15}\n".utf8), "t.yaml")
        let error = #expect(throws: LimitError.self) { try Truth.load(path: path) }
        #expect(error?.localizedDescription.contains("events[0].end_s") == true)
        #expect(error?.localizedDescription.contains(Limit.durationSeconds.environmentVariable) == true)
        let truth = Truth(video: "v", query: "q", events: [.init(startSeconds: 50, endSeconds: 60, box: nil)])
        #expect(throws: ConfigError.self) { try truth.validate(path: "t.yaml", duration: 14) }
        try truth.validate(path: "t.yaml", duration: 60)
    }

    /// Times and boxes out of range are shown as the truth file writes them (1e30, not 1e+30).
    @Test func truthNumbersOutOfRangeAreShownAsWritten() {
        let good = "video: v.mp4\nquery: q.png\nevents:\n  - {start_s: 1, end_s: 2}\n"
        #expect(throws: ConfigError.invalidValue(key: "events[0].start_s/end_s", value: "1e30…2 (in t.yaml)", expected: "0 ≤ start_s ≤ end_s")) {
            try Truth.parse(yaml: good.replacingOccurrences(of: "start_s: 1", with: "start_s: 1e30"), path: "t.yaml")
        }
        #expect(throws: ConfigError.invalidValue(key: "events[0].start_s/end_s", value: "1…-.inf (in t.yaml)", expected: "0 ≤ start_s ≤ end_s")) {
            try Truth.parse(yaml: good.replacingOccurrences(of: "end_s: 2", with: "end_s: -.inf"), path: "t.yaml")
        }
        #expect(throws: LimitError.exceeded(source: "t.yaml", what: "events[0].end_s", value: "1e15", limit: .durationSeconds)) {
            try Truth.parse(yaml: good.replacingOccurrences(of: "end_s: 2", with: "end_s: 1e15"), path: "t.yaml")
        }
        #expect(throws: ConfigError.invalidValue(key: "events[0].box", value: "[0.5, 0, 1e30, 0.25] (in t.yaml)", expected: "[x, y, w, h] within 0…1")) {
            try Truth.parse(yaml: good.replacingOccurrences(of: "end_s: 2", with: "end_s: 2, box: [0.5, 0, 1e30, 0.25]"), path: "t.yaml")
        }
    }

    /// Times beyond the video are shown as the truth file writes them: `Truth.validate(path:duration:)`
    /// showed them parsed (`50.0…60.0`).
    @Test func truthTimesBeyondTheVideoAreShownAsWritten() throws {
        let quoted = try Self.write(Data("video: v.mp4\nquery: q.png\nevents:\n  - {start_s: 1, end_s: 2}\n  - {start_s: 5e1, end_s: 6e1}\n".utf8), "times-as-written.yaml")
        let truth = try Truth.load(path: quoted)
        #expect(throws: ConfigError.outOfRange(key: "events[1]", value: "5e1…6e1 s (in \(quoted))", expected: "times within the video's 14.00 s")) {
            try truth.validate(path: quoted, duration: 14)
        }
        // A truth not read from that file (made in memory) shows its own numbers.
        let made = Truth(video: "v", query: "q", events: [.init(startSeconds: 50, endSeconds: 60, box: nil)])
        #expect(throws: ConfigError.outOfRange(key: "events[0]", value: "50…60 s (in none.yaml)", expected: "times within the video's 14.00 s")) {
            try made.validate(path: "none.yaml", duration: 14)
        }
    }

    /// A manifest's value of the wrong kind, or out of range, is named with its key and the value
    /// as the file writes it: the message named the key alone, or showed 1e300 as 1e+300.
    @Test func manifestValuesAreShownAsWritten() throws {
        let cases: [(Data, String, String)] = [
            (Self.manifestJSON(tokens: #""6""#), #"blocks[0].tokens = "6" (in "#, "expected a whole number"),
            (Self.manifestJSON(grid: "[1, 2, 3]"), "blocks[0].grid = [1, 2, 3] (a list) (in ", "expected a mapping"),
            (Self.manifestJSON(time: "1e300"), "blocks[0].time_s = 1e300 (in ", "expected 0…604800 seconds"),
            (Self.manifestJSON(tokens: "-6.0"), "blocks[0].tokens = -6.0 (in ", "expected "),
        ]
        for (json, start, expected) in cases {
            let path = try Self.write(json, "m-as-written.json")
            let error = #expect(throws: ConfigError.self) { try Manifest.load(path: path) }
            let text = error?.localizedDescription ?? ""
            #expect(text.hasPrefix(start) && text.contains(expected), "\(text)")
        }
    }

    static func manifestJSON(grid: String = #"{"t":1,"h":2,"w":3}"#, tokens: String = "6", time: String = "1.0", kept: String = "null") -> Data {
        let source = #"{"path":"v.mp4","sha256":"0","duration_s":10,"fps":25,"width":64,"height":64,"codec":"h264"}"#
        let plan = #"{"frames":4,"height":64,"width":64,"blocks":2,"vision_tokens":8,"overhead_tokens":16}"#
        return Data("""
            {"schema":"arrcoc.manifest/1","source":\(source),"query":{"kind":"image","path":"q.png","vectors":1},
             "format":"qwen3vl","mode":"resize","strategy":{"name":"arrcoc","parameters":{}},"budget":{"tokens":100,"used":14},
             "blocks":[{"index":0,"time_s":\(time),"timestamp":"<1.0 seconds>","timestamp_tokens":6,"tokens":\(tokens),
                        "grid":\(grid),"relevance":1,"density":"dense","frame_times_s":[0.5,1.5],"kept_cells":\(kept)}],
             "totals":{"blocks":1,"vision_tokens":6,"text_tokens":8,"sequence_length":14,"qwen3vl_default_tokens":24,
                       "qwen3vl_default":\(plan),"compression_ratio":1.7},
             "timestamp_placeholder_id":151643}
            """.utf8)
    }

    @Test func validManifestLoads() throws {
        let m = try Manifest.load(path: try Self.write(Self.manifestJSON(), "m.json"))
        #expect(m.blocks.count == 1 && m.blocks[0].grid == THW(t: 1, h: 2, w: 3))
    }

    @Test(arguments: [
        ("grid w 0", Self.manifestJSON(grid: #"{"t":1,"h":2,"w":0}"#)),
        ("grid overflowing", Self.manifestJSON(grid: #"{"t":1,"h":4294967296,"w":4294967296}"#)),
        ("tokens near Int.max", Self.manifestJSON(tokens: "9223372036854775000")),
        ("negative tokens", Self.manifestJSON(tokens: "-6")),
        ("time NaN-like", Self.manifestJSON(time: "1e300")),
        ("kept cell off the grid", Self.manifestJSON(kept: "[0, 6]")),
    ])
    func craftedManifestsAreRefusedNamingTheKey(_ name: String, _ json: Data) throws {
        let path = try Self.write(json, "m.json")
        do {
            _ = try Manifest.load(path: path)
            Issue.record("\(name): accepted")
        } catch {
            #expect(error.localizedDescription.contains(path), "\(name): \(error.localizedDescription)")
        }
    }

    // MARK: Loops and numerics

    @Test func tokenGridOfAnExtremeAspectRatioEndsAtOnce() {
        let start = Date()
        let wide = TokenGrid.grid(width: Int.max / 2, height: 1, target: 400, maximum: 400)
        #expect(wide.product <= 400 && wide.h == 1)
        let tall = TokenGrid.grid(width: 1, height: 1 << 40, target: 400, maximum: 400)
        #expect(tall.product <= 400 && tall.w == 1)
        #expect(!TokenGrid.levels(width: Int.max / 2, height: 1).isEmpty)
        #expect(Date().timeIntervalSince(start) < 1)
        // The one-step shrink gives the grids the step-by-step walk gave.
        #expect(TokenGrid.grid(width: 1920, height: 1080, target: 400, maximum: 400) == THW(t: 1, h: 15, w: 26))
    }

    @Test func normsOfHugeAndTinyVectorsDoNotOverflow() {
        var v: [Float] = [3e38, 3e38, 0, 0, 1e-30, 2e-30, 0, 0]
        DescriptorEmbedder.normalizeRows(&v, dimension: 4)
        let s = Float(0.5).squareRoot()
        #expect(abs(v[0] - s) < 1e-6 && abs(v[1] - s) < 1e-6)
        #expect(abs(v[4] - 1 / Float(5).squareRoot()) < 1e-6 && abs(v[5] - 2 / Float(5).squareRoot()) < 1e-6)
        var zero: [Float] = [0, 0]
        DescriptorEmbedder.normalizeRows(&zero, dimension: 2)
        #expect(zero == [0, 0])
    }

    @Test func queryOfHugeValuesStillMatches() throws {
        let f = ScorerTests.features(frames: 8, cells: 6, needle: 3..<5)
        let q = try Query(vectors: [3e37, 0, 0, 3e38], shape: [4], source: "q.npy", featuresDimension: 4)
        let scores = try OpponentProcessingScorer().score(f, query: q)
        #expect(scores.frameSimilarity.contains { $0 > 0.5 })
        #expect(scores.frames.firstIndex(of: scores.frames.max() ?? 0).map { (3..<5).contains($0) } == true)
    }

    @Test func blankVideoGetsAMessageAPersonUnderstands() throws {
        let analyzer = FeatureAnalyzer(rows: 2, cols: 2, dimension: 8)
        let black = RGBImage(width: 64, height: 64, pixels: [UInt8](repeating: 16, count: 64 * 64 * 3))
        for i in 0..<4 { try analyzer.add(black, time: Double(i)) }
        let source = FeatureInfo.Source(path: "black.mp4", sha256: "0", durationSeconds: 2, fps: 25, width: 64, height: 64, codec: "h264")
        let error = #expect(throws: FeatureError.self) { try analyzer.finish(source: source, candidateFPS: 2) }
        #expect(error == .noVariation(path: "black.mp4"))
        #expect(error?.localizedDescription.contains("black.mp4") == true)
        #expect(error?.localizedDescription.contains("NaN") == false)
    }

    @Test func limitsNameTheirEnvironmentVariable() {
        let error = LimitError.exceeded(source: "t.yaml", what: "number of events", value: "20000", limit: .events)
        #expect(error.localizedDescription == "t.yaml: number of events is 20000, beyond the limit of 10000 events; set ARRCOC_MAX_EVENTS to raise it if this is intended")
        #expect(CheckedMath.product([1 << 32, 1 << 32]) == nil)
        #expect(CheckedMath.product([3, 4]) == 12)
        #expect(CheckedMath.integer(1e30, in: 0...Int.max) == nil)
        #expect(CheckedMath.integer(-1, in: 0...10) == nil)
        #expect(CheckedMath.integer(.nan, in: 0...10) == nil)
        #expect(CheckedMath.integer(7, in: 0...10) == 7)
    }

    /// An `ARRCOC_MAX_…` variable that is not a positive number up to 2⁴⁸ is refused (it was
    /// silently ignored, and a huge one made the allocator overflow).
    @Test func limitVariablesMustBePositiveNumbersUpToTheCeiling() throws {
        for bad in ["abc", "0", "-1", "nan", "inf", "", "99999999999999999999", "281474976710657", "0.5", "1.5", "0x10", "1e2", "+5", " 100", "１２"] {
            #expect(throws: LimitError.badEnvironment(variable: "ARRCOC_MAX_BUDGET", value: bad)) {
                try Limit.checkEnvironment(["ARRCOC_MAX_BUDGET": bad])
            }
        }
        #expect(throws: Never.self) { try Limit.checkEnvironment(["ARRCOC_MAX_BUDGET": "281474976710656", "ARRCOC_MAX_EVENTS": "1"]) }
        #expect(throws: Never.self) { try Limit.checkEnvironment([:]) }
        let message = LimitError.badEnvironment(variable: "ARRCOC_MAX_QUERY_VECTORS", value: "abc").localizedDescription
        #expect(message.contains("ARRCOC_MAX_QUERY_VECTORS") && message.contains("\"abc\"") && message.contains("whole number from 1"), "\(message)")
    }

    /// Truth files refused unknown keys nowhere (a misspelt key was silently dropped), and a
    /// missing key printed Swift's raw decoding error.
    @Test func truthFilesRefuseUnknownKeysAndNameMissingOnes() throws {
        let good = "video: v.mp4\nquery: q.png\nevents:\n  - {start_s: 1, end_s: 2}\n"
        #expect(throws: Never.self) { try Truth.parse(yaml: good, path: "t.yaml") }
        let cases = [
            (good + "foo: 1\n", "t.yaml: unknown key 'foo'; allowed here: video, query, events"),
            (good.replacingOccurrences(of: "end_s: 2", with: "end_s: 2, bar: 3"), "t.yaml: unknown key 'events[0].bar'; allowed here: start_s, end_s, box"),
            ("video: v.mp4\n", "missing key 'query'"),
            (good.replacingOccurrences(of: ", end_s: 2", with: ""), "missing key 'events[0].end_s'"),
            (good.replacingOccurrences(of: "start_s: 1", with: "start_s: x"), "t.yaml: events[0].start_s = x is invalid; expected a number"),
            ("video: v.mp4\nquery: q.png\nevents: 5\n", "t.yaml: events = 5 is invalid; expected a list"),
            ("", "t.yaml: not a truth file (video, query, events[] with start_s, end_s, box): the file is empty"),
        ]
        for (text, message) in cases {
            do {
                _ = try Truth.parse(yaml: text, path: "t.yaml")
                Issue.record("accepted \(text)")
            } catch {
                #expect(error.localizedDescription.contains(message) && !error.localizedDescription.contains("Debug"), "\(error.localizedDescription)")
            }
        }
    }

    /// A value of the wrong type in a truth file is shown as the file writes it, beside what was
    /// expected: `start_s: abc` said only "expected a number", `events: 5` only "expected a list".
    @Test func aTruthValueOfTheWrongTypeIsShownAsWritten() {
        let good = "video: v.mp4\nquery: q.png\nevents:\n  - {start_s: 1, end_s: 2}\n"
        let cases = [
            (good.replacingOccurrences(of: "start_s: 1", with: "start_s: abc"), "events[0].start_s", "abc", "a number"),
            (good.replacingOccurrences(of: "start_s: 1", with: "start_s: \"1\""), "events[0].start_s", #""1""#, "a number"),
            (good.replacingOccurrences(of: "end_s: 2", with: "end_s: 2, box: [a, 0, 0, 0]"), "events[0].box[0]", "a", "a number"),
            (good.replacingOccurrences(of: "end_s: 2", with: "end_s: 2, box: 0.5"), "events[0].box", "0.5", "a list"),
            ("video: v.mp4\nquery: q.png\nevents: 5\n", "events", "5", "a list"),
            ("video: v.mp4\nquery: q.png\nevents: [5]\n", "events[0]", "5", "a mapping"),
            (good.replacingOccurrences(of: "start_s: 1", with: "start_s: "), "events[0].start_s", "nothing", "a number"),
            // A list or mapping is named as one, and what was expected said in words (not Yams's "Scalar").
            (good.replacingOccurrences(of: "start_s: 1", with: "start_s: [1, 2]"), "events[0].start_s", "[1, 2] (a list)", "a number"),
            ("video: v.mp4\nquery: {image: q.png}\nevents: []\n", "query", "{image: q.png} (a mapping)", "text"),
            ("video: v.mp4\nquery: q.png\nevents: {start_s: 1}\n", "events", "{start_s: 1} (a mapping)", "a list"),
        ]
        for (text, key, value, expected) in cases {
            #expect(throws: ConfigError.inFile(path: "t.yaml", error: .invalidValue(key: key, value: value, expected: expected)), "\(text)") {
                try Truth.parse(yaml: text, path: "t.yaml")
            }
        }
    }

    /// A value is shown escaped and at most 80 characters long in messages (a 100 000-character
    /// value was echoed whole, a NUL raw).
    @Test func configErrorsShowLongAndControlValuesSafely() {
        let long = ConfigError.invalidValue(key: "strategy", value: String(repeating: "x", count: 100_000), expected: "a name")
        let text = long.localizedDescription
        #expect(text.count < 200 && text.contains("(100000 characters)"), "\(text)")
        let nul = ConfigError.invalidValue(key: "strategy", value: "a\u{0}b", expected: "a name").localizedDescription
        #expect(!nul.contains("\u{0}") && nul.contains("a\\0b"), "\(nul)")
        #expect(ConfigError.unknownKey(key: "sigma", allowed: []).localizedDescription == "unknown key 'sigma'; nothing is allowed here")
    }

    /// A YAML syntax error quoted the offending line whole (200 kB for a 100 000-character key)
    /// and raw (a terminal escape sequence reached the terminal).
    @Test func yamlSyntaxErrorsAreShortAndEscaped() {
        for text in ["allocation:\n  " + String(repeating: "x", count: 100_000) + ": 1\n", "allocation:\n  zoom: \"o\u{1B}[31mff\n"] {
            do {
                _ = try CompressionConfig.parse(yaml: text, path: "c.yaml")
                Issue.record("accepted")
            } catch {
                let message = error.localizedDescription
                #expect(message.count < 600 && !message.unicodeScalars.contains { $0.value == 0x1B }, "\(message.prefix(200))")
                #expect(message.hasPrefix("c.yaml: not valid YAML"), "\(message.prefix(200))")
            }
        }
    }
}
