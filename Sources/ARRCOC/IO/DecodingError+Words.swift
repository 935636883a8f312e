import Foundation
import Yams

/// A decoding error in the words of the file it came from: `events[0].end_s`, not Swift's
/// `events.Index 0.end_s`; "a number", not `Double`.
extension DecodingError {
    /// The keys that lead to the value at fault (with the missing key, for `keyNotFound`).
    var codingKeys: [any CodingKey] {
        switch self {
        case let .typeMismatch(_, c), let .valueNotFound(_, c), let .dataCorrupted(c):
            return c.codingPath
        case let .keyNotFound(k, c):
            return c.codingPath + [k]
        @unknown default:
            return []
        }
    }

    /// The path of the value at fault as the file's keys write it (`events[0].end_s`); empty at
    /// the top level.
    var keyPath: String {
        var out = ""
        for key in codingKeys {
            if let i = key.intValue { out += "[\(i)]" } else { out += (out.isEmpty ? "" : ".") + key.stringValue }
        }
        return out
    }

    /// What a value of `type` is, in a file's words.
    static func kind(_ type: Any.Type) -> String {
        switch type {
        case is Double.Type, is Float.Type: "a number"
        case is Int.Type, is UInt64.Type, is Int64.Type: "a whole number"
        case is String.Type: "text"
        case is Bool.Type: "true or false"
        // Yams's own word where it cannot tell which (`YAMLInput.decode` finds out where it can).
        case is Node.Scalar.Type: "a single value (not a list or mapping)"
        default:
            ["Array", "Unkeyed", "Sequence"].contains(where: "\(type)".contains) ? "a list"
                : (["Dictionary", "Keyed", "Mapping"].contains(where: "\(type)".contains) ? "a mapping" : "a value of type \(type)")
        }
    }
}
