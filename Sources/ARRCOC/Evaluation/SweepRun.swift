import Foundation

/// One run of a sweep: a video under one strategy variant, format, mode, budget and tolerance.
public struct SweepRun: Sendable, Equatable {
    public var index: Int
    public var video: String
    public var strategy: String
    public var parameters: [String: Double]
    public var format: SequenceFormat
    public var mode: SpendMode
    public var budget: Int
    public var delta: Double

    /// `k=v;k=v`, keys sorted (the CSV's `params`).
    public var parameterText: String {
        parameters.keys.sorted().map { "\($0)=\(SweepRow.number(parameters[$0]!))" }.joined(separator: ";")
    }

    /// The identity of a run in results files: its first seven CSV fields.
    public var key: String {
        [video, strategy, parameterText, format.rawValue, mode.rawValue, "\(budget)", SweepRow.number(delta)].joined(separator: ",")
    }

    /// Every run of `config` for the named videos, in a fixed order: video, strategy, variant,
    /// format, mode, budget, delta.
    public static func all(_ config: SweepConfig, videos: [String]) -> [SweepRun] {
        var runs: [SweepRun] = []
        for video in videos {
            for s in config.strategies {
                for variant in s.variants {
                    for format in config.formats {
                        for mode in config.modes {
                            for budget in config.budgets {
                                for delta in config.deltas {
                                    runs.append(SweepRun(index: runs.count, video: video, strategy: s.name, parameters: variant,
                                                         format: format, mode: mode, budget: budget, delta: delta))
                                }
                            }
                        }
                    }
                }
            }
        }
        return runs
    }
}
