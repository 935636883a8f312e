import Foundation

/// Everything an allocator decides from: candidate frames with their relevance, the grids a
/// frame may get, the budget and the sequence format (which sets the per-block text cost).
public struct AllocationInput: Sendable {
    /// Candidate frame times, increasing (seconds).
    public var times: [Double]
    /// Relevance per candidate frame, 0…1.
    public var relevance: [Double]
    /// Grids a block may have, fewest tokens first (`TokenGrid.levels`).
    public var levels: [THW]
    /// Tokens for the whole video part of the sequence, overhead included.
    public var budget: Int
    public var format: SequenceFormat
    public var config: AllocationConfig

    public init(times: [Double], relevance: [Double], levels: [THW], budget: Int, format: SequenceFormat, config: AllocationConfig) {
        self.times = times
        self.relevance = relevance
        self.levels = levels
        self.budget = budget
        self.format = format
        self.config = config
    }

    /// Candidate indices of unit `u` (a pair of consecutive candidates; the last may be single).
    func unitFrames(_ u: Int) -> [Int] { 2 * u + 1 < times.count ? [2 * u, 2 * u + 1] : [2 * u] }
    var unitCount: Int { (times.count + 1) / 2 }

    /// Time of a pair block (mean of its frames) or of a repeated frame.
    func time(of frames: [Int]) -> Double { frames.map { times[$0] }.reduce(0, +) / Double(frames.count) }

    /// Checks what every allocator needs; throws `AllocationError` naming the value.
    func validate() throws(AllocationError) {
        guard !times.isEmpty else { throw .noCandidates }
        guard relevance.count == times.count else { throw .relevanceCount(times: times.count, relevance: relevance.count) }
        if let bad = relevance.firstIndex(where: { !$0.isFinite }) { throw .nonFiniteRelevance(index: bad) }
        guard !levels.isEmpty else { throw .noLevels }
        guard budget > 0 else { throw .budgetNotPositive(budget: budget) }
        let minimum = levels[0].product + TimestampCost.overhead(seconds: times[0], format: format)
        guard budget >= minimum else { throw .budgetTooSmall(budget: budget, minimum: minimum) }
    }
}

/// Chooses timestamps and a token grid per chosen frame under a budget. One job, many
/// strategies (`arrcoc`, `uniform`, …) behind the same interface, so sweeps compare like with like.
public protocol BudgetAllocator: Sendable {
    /// The name used on the command line and in manifests.
    var name: String { get }
    /// Parameters worth recording in the manifest.
    var parameters: [String: String] { get }
    /// Blocks in time order whose total tokens (vision + overhead) never exceed the budget.
    func allocate(_ input: AllocationInput) throws -> Allocation
}

/// Why an allocation could not be made.
public enum AllocationError: Error, Equatable, LocalizedError {
    case noCandidates
    case noLevels
    case relevanceCount(times: Int, relevance: Int)
    case nonFiniteRelevance(index: Int)
    case budgetNotPositive(budget: Int)
    /// Not even one block of the smallest grid fits.
    case budgetTooSmall(budget: Int, minimum: Int)

    public var errorDescription: String? {
        switch self {
        case .noCandidates: return "no candidate frames to allocate"
        case .noLevels: return "no token grid fits between the minimum and maximum tokens per frame"
        case let .relevanceCount(t, r): return "\(r) relevance values for \(t) candidate frames"
        case let .nonFiniteRelevance(i): return "relevance of candidate frame \(i) is NaN or infinite"
        case let .budgetNotPositive(b): return "budget \(b) tokens: expected a positive number of tokens"
        case let .budgetTooSmall(b, m):
            return "budget \(b) tokens is below the smallest feasible sequence: one block needs \(m) tokens (vision tokens + timestamp + vision_start/vision_end)"
        }
    }
}
