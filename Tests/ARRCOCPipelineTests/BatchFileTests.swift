import ARRCOC
@testable import ARRCOCPipeline
import Foundation
import Testing

/// How a batch file's bytes become lines: CRLF and CR line ends are line ends, and bytes that are
/// not UTF-8 are refused naming the line, the byte and its place (decoded with replacement
/// characters, a path named another file).
@Suite struct BatchFileTests {
    static let job = #"{"video": "v.mp4", "query_image": "q.png", "budget": 300, "id": "ID"}"#

    @Test(arguments: ["\n", "\r\n", "\r"])
    func everyLineEndSeparatesJobs(_ end: String) throws {
        let text = ["a", "b", "c"].map { Self.job.replacingOccurrences(of: "ID", with: $0) }.joined(separator: end) + end
        let jobs = try BatchJob.parse(text, source: "jobs.jsonl", base: CompressionConfig()) { $0 }
        #expect(jobs.map(\.id) == ["a", "b", "c"])
    }

    @Test func bytesThatAreNotUTF8AreRefusedNamingTheLineAndByte() throws {
        var data = Data((Self.job + "\n").utf8)
        data += Data(#"{"video": "v"#.utf8) + Data([0xFF]) + Data(#".mp4", "query_image": "q.png", "budget": 300}"#.utf8)
        #expect(throws: BatchError.invalidLine(source: "jobs.jsonl", line: 2, key: "",
                                               reason: "byte 0xFF at byte 13 of the line is not UTF-8; expected UTF-8 text (JSON Lines are UTF-8)")) {
            try BatchJob.text(data, source: "jobs.jsonl")
        }
        #expect(try BatchJob.text(Data("é\n".utf8), source: "jobs.jsonl") == "é\n")
    }

    /// Foundation's decoders keep one of a repeated key's values without a word: the first
    /// `budget` of `{"budget": 300, "budget": 400}` was the job's.
    @Test func aKeyGivenTwiceInALineIsRefusedNamingIt() {
        let ok = #""video": "v.mp4", "query_image": "q.png""#
        for line in [#"{\#(ok), "budget": 300, "budget": 400}"#, #"{\#(ok), "budget": 300, "bud\u0067et": 400}"#] {
            #expect(throws: BatchError.invalidLine(source: "jobs.jsonl", line: 2, key: "", reason: #"key "budget" appears twice; give each key once"#)) {
                try BatchJob.parse(Self.job + "\n" + line + "\n", source: "jobs.jsonl", base: CompressionConfig()) { $0 }
            }
        }
        // A key's name inside a string (escaped quotes and all), or in a nested object, is no second key.
        let quoted = try? BatchJob.parse(#"{"video": "budget\": \"budget\\", "query_image": "q.png", "budget": 300}"#,
                                         source: "jobs.jsonl", base: CompressionConfig()) { $0 }
        #expect(quoted?.first?.video == #"budget": "budget\"#)
        #expect {
            try BatchJob.parse(#"{\#(ok), "params": {"budget": 1}, "budget": 300}"#, source: "jobs.jsonl", base: CompressionConfig()) { $0 }
        } throws: { error in
            !error.localizedDescription.contains("twice")
        }
        // Inside a nested object too, named by its path; an array of objects keeps each one's keys.
        let nested = #"{\#(ok), "budget": 300, "strategy": "random", "params": {"seed": 1, "seed": 2}}"#
        #expect(throws: BatchError.invalidLine(source: "jobs.jsonl", line: 1, key: "", reason: #"key "params.seed" appears twice; give each key once"#)) {
            try BatchJob.parse(nested + "\n", source: "jobs.jsonl", base: CompressionConfig()) { $0 }
        }
        #expect(BatchJob.repeatedKey(in: #"{"a": [{"x": 1}, {"x": 2}], "b": {"x": [1, {"x": 3}]}}"#) == nil)
        #expect(BatchJob.repeatedKey(in: #"{"a": [{"x": 1, "y": {}, "x": 2}]}"#) == "a.x")
    }

    /// A value is shown as the line writes it: `1e300` was printed as parsed, 301 digits, and
    /// `2.50` as 2.5; a strategy parameter out of range was named as compress names it
    /// (`strategy_params.seed`); a wrong `budgets` or `params` did not say what it was.
    @Test func valuesAreShownAsTheLineWritesThem() {
        let ok = #""video": "v.mp4", "query_image": "q.png""#
        let tokens = "expected a whole number of tokens in 1…\(Limit.budgetTokens.intValue) (\(Limit.budgetTokens.environmentVariable) raises the limit)"
        let cases = [
            (#"{\#(ok), "budget": 1e300}"#, "budget", "\(tokens), got 1e300"),
            (#"{\#(ok), "budget": 2.50}"#, "budget", "\(tokens), got 2.50"),
            (#"{\#(ok), "budgets": [500, 99999999999999999999]}"#, "budgets[1]", "\(tokens), got 99999999999999999999"),
            (#"{"video":"v.mp4","query_image":"q.png","budgets":[500,1E+300]}"#, "budgets[1]", "\(tokens), got 1E+300"),
            (#"{\#(ok), "budget": 500, "id": 1e300}"#, "id", "expected a non-empty string, got 1e300"),
            (#"{\#(ok), "budget": 500, "strategy": "random", "params": {"seed": 1e300}}"#, "params.seed",
             "expected a number in 0…1e15, got 1e300"),
            (#"{\#(ok), "budgets": 500}"#, "budgets", "expected a list of 1…64 budgets, got 500"),
            (#"{\#(ok), "budgets": []}"#, "budgets", "expected a list of 1…64 budgets, got an empty list"),
            (#"{\#(ok), "budget": 500, "params": [1]}"#, "params", "expected an object of numbers, got a list"),
        ]
        for (line, key, reason) in cases {
            #expect(throws: BatchError.invalidLine(source: "jobs.jsonl", line: 1, key: key, reason: reason), "\(line)") {
                try BatchJob.parse(line + "\n", source: "jobs.jsonl", base: CompressionConfig()) { $0 }
            }
        }
        // A line YAML cannot read (a surrogate pair escaped) shows the parsed number, short.
        #expect(throws: BatchError.invalidLine(source: "jobs.jsonl", line: 1, key: "budget", reason: "\(tokens), got 1e+300")) {
            try BatchJob.parse(#"{"video": "\ud83d\ude00.mp4", "query_image": "q.png", "budget": 1e300}"#, source: "jobs.jsonl", base: CompressionConfig()) { $0 }
        }
    }

    /// An object with a bad number or escape in it was "not a JSON object": it is not valid JSON,
    /// and the parser's reason is named (JSONDecoder's own says only "not valid JSON").
    @Test(arguments: [
        (#"{"video": "v.mp4", "query_image": "q.png", "budget": 0300}"#, "leading zero"),
        (#"{"video": "v.mp4", "query_image": "q.png", "budget": 300, "id": "\ud800"}"#, "surrogate"),
        (#"{"video": "v.mp4", "query_image": "q.png", "budget": 300"#, "end of file"),
    ])
    func aLineThatIsNotValidJSONIsRefusedWithTheParsersReason(_ line: String, _ reason: String) {
        #expect {
            try BatchJob.parse(line + "\n", source: "jobs.jsonl", base: CompressionConfig()) { $0 }
        } throws: { error in
            error.localizedDescription.hasPrefix("jobs.jsonl:1: not valid JSON (") && error.localizedDescription.contains(reason)
        }
    }

    @Test(arguments: ["[1]", "3", #""video""#, "null"])
    func validJSONThatIsNotAnObjectIsRefusedAsSuch(_ line: String) {
        #expect(throws: BatchError.invalidLine(source: "jobs.jsonl", line: 1, key: "", reason: "not a JSON object (the line must be one object)")) {
            try BatchJob.parse(line + "\n", source: "jobs.jsonl", base: CompressionConfig()) { $0 }
        }
    }
}
