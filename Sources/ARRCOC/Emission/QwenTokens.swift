/// Qwen3-VL's special token ids (from the model's tokenizer) and arrcoc's placeholder for
/// timestamp text in `input_ids`.
public enum QwenTokens {
    public static let visionStart: Int64 = 151_652
    public static let visionEnd: Int64 = 151_653
    public static let imagePad: Int64 = 151_655
    public static let videoPad: Int64 = 151_656
    /// Written at each timestamp-text position of `input_ids`; a loader replaces each run with
    /// its tokenizer's ids for the block's `timestamp` text from the manifest (same length,
    /// digits tokenise one by one).
    public static let timestampPlaceholder: Int64 = -1
}
