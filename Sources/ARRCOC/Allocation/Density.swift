/// Whether a block is part of a dense window (two consecutive candidate frames) or the sparse
/// context floor (one frame, repeated to fill Qwen3-VL's 2-frame temporal patch).
public enum Density: String, Sendable, Codable {
    case dense, sparse
}
