import Foundation

/// Why an allocation could not be made.
public enum AllocationError: Error, Equatable, LocalizedError {
    case noCandidates
    case noLevels
    case relevanceCount(times: Int, relevance: Int)
    case nonFiniteRelevance(index: Int)
    case exploitOutOfRange(exploit: Double)
    case peakedOutOfRange(peaked: Double)
    case budgetNotPositive(budget: Int)
    /// Beyond `Limit.ceiling` (2⁴⁸ tokens), whatever `ARRCOC_MAX_BUDGET` says.
    case budgetTooLarge(budget: Int)
    /// Not even one block of the smallest grid fits.
    case budgetTooSmall(budget: Int, minimum: Int)
    /// The per-cell relevance map does not match the candidate frames.
    case cellMapShape(frames: Int, rows: Int, cols: Int, values: Int)

    public var errorDescription: String? {
        switch self {
        case .noCandidates: return "no candidate frames to allocate"
        case .noLevels: return "no token grid fits between the minimum and maximum tokens per frame"
        case let .relevanceCount(t, r): return "\(r) relevance values for \(t) candidate frames"
        case let .nonFiniteRelevance(i): return "relevance of candidate frame \(i) is NaN or infinite"
        case let .exploitOutOfRange(e): return "exploit \(e): expected a number in 0…1"
        case let .peakedOutOfRange(p): return "peaked \(p): expected the scorer's exploit, a number in 0…1"
        case let .budgetNotPositive(b): return "budget \(b) tokens: expected a positive number of tokens"
        case let .budgetTooLarge(b): return "budget \(b) tokens: expected at most \(Int(Limit.ceiling)) (2^48) tokens"
        case let .budgetTooSmall(b, m):
            return "budget \(b) tokens is below the smallest feasible sequence: one whole frame at the smallest grid needs \(m) tokens (vision tokens + timestamp + vision_start/vision_end); every sequence starts from such a block"
        case let .cellMapShape(f, r, c, v):
            return "cell relevance map of \(v) values does not fit \(f) frames of \(r)×\(c) cells (or the source size is not positive)"
        }
    }
}
