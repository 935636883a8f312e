import Foundation

/// What can go wrong in a coarse-to-fine analysis; each case names the value at fault.
public enum CoarseToFineError: Error, LocalizedError, Equatable {
    /// A features file that is not a coarse pass was given where one is needed.
    case notCoarse(path: String, pass: String)
    /// A coarse features file without the built-in embedder's state: fine windows could not be
    /// embedded in its space.
    case noEmbedderState(path: String)
    /// An option out of range.
    case invalidOption(name: String, value: Double, expected: String)

    public var errorDescription: String? {
        switch self {
        case let .notCoarse(path, pass):
            return "\(path) is a \(pass) features file; coarse-to-fine needs one from `arrcoc analyze --coarse` (analysis.pass = coarse)"
        case let .noEmbedderState(path):
            return "\(path) carries no fitted embedder state (embedder_mean, embedder_projection), so the fine windows cannot be embedded in its space"
        case let .invalidOption(name, value, expected):
            return "coarse-to-fine option \(name) = \(value); expected \(expected)"
        }
    }
}
