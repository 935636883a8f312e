/// Whether, and how, the arrcoc allocator may show a region of a frame (a zoom block) instead of
/// the whole frame (YAML `allocation.zoom`). See Docs/engine.md, "Zoom blocks".
public enum ZoomMode: String, Sendable, Codable, CaseIterable {
    /// Whole frames only.
    case off
    /// A moment's block may show only a region of its frames.
    case replace
    /// A moment may get a zoom block after its whole-frame block, at the same timestamp.
    case follow
}
