import Foundation

extension SweepRow {
    /// How a run ended: it allocated, or it failed with the error's description. The CSV field
    /// is `ok` or `error: <description>` (commas as semicolons, newlines as spaces, so the line
    /// stays one CSV record); `init(field:)` reads it back.
    public enum Status: Sendable, Equatable, CustomStringConvertible {
        case ok
        /// The run could not be made; `reason` is the error's description.
        case failed(reason: String)

        /// The status of a run that threw `error`.
        public init(error: any Error) {
            self = .failed(reason: error.localizedDescription)
        }

        /// Reads a `status` field of `results.csv`.
        public init(field: String) {
            if field == "ok" {
                self = .ok
            } else {
                self = .failed(reason: field.hasPrefix("error: ") ? String(field.dropFirst("error: ".count)) : field)
            }
        }

        public var isOK: Bool { self == .ok }

        /// The `status` field of `results.csv`.
        public var field: String {
            switch self {
            case .ok: "ok"
            case let .failed(reason): "error: " + reason.replacingOccurrences(of: ",", with: ";").replacingOccurrences(of: "\n", with: " ")
            }
        }

        public var description: String { field }
    }
}
