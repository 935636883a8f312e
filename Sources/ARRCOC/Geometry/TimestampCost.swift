import Foundation

/// How timestamps are written before each block, and what they cost in LLM tokens.
public enum SequenceFormat: String, Sendable, Codable, CaseIterable {
    /// What the real Qwen3-VL processor writes: `<12.5 seconds>` text before each block.
    case qwen3vl
    /// The explicit timestamp-token form `<t12>` (whole seconds), as the ARR-COC seed describes.
    case seed
}

/// Token cost of a block's timestamp text, measured with the real Qwen3 tokenizer (digits
/// tokenise one by one): `<0.3 seconds>` = 6 tokens, `<12.5 seconds>` = 7, `<125.0 seconds>` = 8,
/// i.e. integer digits + 5 (`<`, each digit, `.`, the decimal digit, ` seconds`, `>`). The seed's
/// `<t12>` written as text costs digits + 2 (`<t`, digits, `>`).
public enum TimestampCost {
    /// The text written before a block at `seconds`.
    public static func text(seconds: Double, format: SequenceFormat) -> String {
        switch format {
        case .qwen3vl: return "<\(oneDecimal(seconds)) seconds>"
        case .seed: return "<t\(Int(seconds.rounded(.down)))>"
        }
    }

    /// Tokens of `text(seconds:format:)`.
    public static func tokens(seconds: Double, format: SequenceFormat) -> Int {
        switch format {
        case .qwen3vl: return digits(of: oneDecimal(seconds)) + 4  // digits incl. the decimal one, + '<' '.' ' seconds' '>'
        case .seed: return digits(of: String(Int(seconds.rounded(.down)))) + 2
        }
    }

    /// Python's `f"{t:.1f}"`: C's printf rounding of the exact binary value.
    static func oneDecimal(_ t: Double) -> String { String(format: "%.1f", t) }

    private static func digits(of s: String) -> Int { s.filter(\.isNumber).count }

    /// Tokens around a block besides its vision tokens: timestamp + vision_start + vision_end.
    public static func overhead(seconds: Double, format: SequenceFormat) -> Int {
        tokens(seconds: seconds, format: format) + 2
    }
}
