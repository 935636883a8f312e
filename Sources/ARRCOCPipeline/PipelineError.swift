import Foundation

/// Errors of the pipeline's own steps (not of a stage of the core, nor of decoding).
public enum PipelineError: Error, LocalizedError, Equatable {
    case noDemoVideo(reason: String)

    public var errorDescription: String? {
        switch self {
        case let .noDemoVideo(reason):
            return "no demo video: \(reason)"
        }
    }
}
