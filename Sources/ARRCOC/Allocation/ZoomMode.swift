/// Whether, and how, the arrcoc allocator may show a region of a frame (a zoom block) instead of
/// the whole frame (YAML `allocation.zoom`). See Docs/engine.md, "Zoom blocks".
public enum ZoomMode: String, Sendable, Codable, CaseIterable {
    /// Whole frames only.
    case off
    /// A moment's block may show only a region of its frames.
    case replace
    /// A moment may get a zoom block after its whole-frame block, at the same timestamp.
    case follow
    /// Both kinds of option, priced by the same solver: a zoom alone while tokens are dear, the
    /// whole frame and its zoom once the budget affords the moment's context too.
    case both

    /// Decodes the name; also YAML 1.1's boolean `false`, which is what an unquoted `off` reads as.
    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let flag = try? c.decode(Bool.self), !flag {
            self = .off
            return
        }
        let name = try c.decode(String.self)
        guard let mode = ZoomMode(rawValue: name) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "zoom '\(name)': expected off, replace, follow or both")
        }
        self = mode
    }
}
