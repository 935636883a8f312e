import Foundation

/// How timestamps are written before each block, and what they cost in LLM tokens.
public enum SequenceFormat: String, Sendable, Codable, CaseIterable {
    /// What the real Qwen3-VL processor writes: `<12.5 seconds>` text before each block.
    case qwen3vl
    /// The explicit timestamp-token form `<t12>` (whole seconds), as the ARR-COC seed describes.
    case seed
}

/// A block's timestamp text, its Qwen token ids and their count, as the real Qwen3 tokenizer
/// splits it (digits tokenise one by one): `<12.5 seconds>` → `<`, `1`, `2`, `.`, `5`,
/// ` seconds`, `>` (integer digits + 5 tokens: `<0.3 seconds>` 6, `<125.0 seconds>` 8); the seed's
/// `<t12>` → `<t`, `1`, `2`, `>` (digits + 2).
public enum TimestampCost {
    /// The text written before a block at `seconds` (processing_qwen3_vl: `f"<{t:.1f} seconds>"`).
    public static func text(seconds: Double, format: SequenceFormat) -> String {
        switch format {
        case .qwen3vl: return "<\(oneDecimal(seconds)) seconds>"
        case .seed: return "<t\(wholeSeconds(seconds))>"
        }
    }

    /// The Qwen token ids of `text(seconds:format:)`, exactly what the tokenizer gives for it
    /// after a special token (`<|vision_end|>`) or a newline.
    public static func tokenIDs(seconds: Double, format: SequenceFormat) -> [Int64] {
        switch format {
        case .qwen3vl:
            let number = oneDecimal(seconds).compactMap { $0 == "." ? QwenTokens.period : QwenTokens.digit($0) }
            return [QwenTokens.lessThan] + number + [QwenTokens.spaceSeconds, QwenTokens.greaterThan]
        case .seed:
            let number = String(wholeSeconds(seconds)).compactMap(QwenTokens.digit)
            return [QwenTokens.lessThanT] + number + [QwenTokens.greaterThan]
        }
    }

    /// Tokens of `text(seconds:format:)`.
    public static func tokens(seconds: Double, format: SequenceFormat) -> Int {
        switch format {
        case .qwen3vl: return digits(of: oneDecimal(seconds)) + 4  // digits incl. the decimal one, + '<' '.' ' seconds' '>'
        case .seed: return digits(of: String(wholeSeconds(seconds))) + 2
        }
    }

    /// Python's `f"{t:.1f}"`: C's printf rounding of the exact binary value.
    static func oneDecimal(_ t: Double) -> String { String(format: "%.1f", max(t, 0)) }

    static func wholeSeconds(_ t: Double) -> Int { Int(max(t, 0).rounded(.down)) }

    private static func digits(of s: String) -> Int { s.filter(\.isNumber).count }

    /// Tokens around a block besides its vision tokens: timestamp + vision_start + vision_end.
    public static func overhead(seconds: Double, format: SequenceFormat) -> Int {
        tokens(seconds: seconds, format: format) + 2
    }
}
