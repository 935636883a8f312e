/// Qwen3-VL's token ids (from the model's tokenizer, the Qwen2 byte-level BPE vocabulary shared by
/// Qwen2.5/Qwen3/Qwen3-VL): the vision special tokens and the pieces of the timestamp text.
public enum QwenTokens {
    public static let visionStart: Int64 = 151_652
    public static let visionEnd: Int64 = 151_653
    public static let imagePad: Int64 = 151_655
    public static let videoPad: Int64 = 151_656

    /// `.`
    public static let period: Int64 = 13
    /// `0`; digits are consecutive ids (`9` = 24) and always tokenise one by one (the
    /// pre-tokeniser splits `\p{N}` singly).
    public static let digitZero: Int64 = 15
    /// `<`
    public static let lessThan: Int64 = 27
    /// `>`
    public static let greaterThan: Int64 = 29
    /// ` seconds` (with its leading space: `Ġseconds`).
    public static let spaceSeconds: Int64 = 6486
    /// `<t`, the start of the seed format's `<t12>`.
    public static let lessThanT: Int64 = 62752

    /// The id of one decimal digit character.
    static func digit(_ c: Character) -> Int64? {
        guard let v = c.wholeNumberValue, c.isASCII else { return nil }
        return digitZero + Int64(v)
    }
}
