/// A grid size in (temporal, height, width) units, as Qwen-VL's `*_grid_thw` tensors hold it.
///
/// Follows mlx-swift-lm's `THW`: the unit is whatever the caller says (16-px patches in
/// `video_grid_thw`, 32-px LLM tokens in a manifest's `grid`).
public struct THW: Sendable, Hashable, Codable, CustomStringConvertible {
    public var t: Int
    public var h: Int
    public var w: Int

    public init(t: Int, h: Int, w: Int) {
        self.t = t
        self.h = h
        self.w = w
    }

    /// Number of cells, `t · h · w`.
    public var product: Int { t * h * w }

    public var description: String { "\(t)×\(h)×\(w)" }
}
