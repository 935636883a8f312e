import Foundation
import Yams

/// Values as a YAML file writes them, for messages: `"300"` and `3e2` are shown so, where the
/// parsed value shows 300 or 300.0, the very number a message asks for.
extension YAMLInput {
    /// The node at `path` (mapping keys, and list indices as digits) under `root`; nil when there
    /// is none.
    static func node(at path: [String], in root: Node) -> Node? {
        var node = root
        for component in path {
            switch node {
            case let .mapping(mapping):
                guard let next = mapping[component] else { return nil }
                node = next
            case let .sequence(sequence):
                guard let i = Int(component), sequence.indices.contains(i) else { return nil }
                node = sequence[i]
            default:
                return nil
            }
        }
        return node
    }

    /// How the file writes the scalar at `path` (see `node(at:in:)`) under `root`: its text with
    /// the quotes it has (`"300"`, `'300'`, `3e2`); nil when `path` leads to no scalar.
    static func written(at path: [String], in root: Node) -> String? {
        guard case let .scalar(scalar)? = node(at: path, in: root) else { return nil }
        switch scalar.style {
        case .singleQuoted: return "'\(scalar.string)'"
        case .doubleQuoted: return "\"\(scalar.string)\""
        default: return scalar.string
        }
    }

    /// Decodes `T` from a checked document (`check`). A value that `T` refuses (of another type, or
    /// a name not among `choices`, keyed by key path) is an error naming its key path, the value
    /// as the file writes it, and what was expected in words (`budget = "300" is invalid;
    /// expected a whole number`).
    /// - Throws: that `ConfigError.invalidValue`; the `DecodingError` itself for a missing key or
    ///   a top level of the wrong kind.
    static func decode<T: Decodable>(_ type: T.Type, from root: Node, choices: [String: [String]] = [:]) throws -> T {
        do { return try YAMLDecoder().decode(type, from: root) } catch let error as DecodingError {
            let keys = error.codingKeys
            if case .keyNotFound = error { throw error }
            guard !keys.isEmpty else { throw error }
            let path = keys.map { $0.intValue.map(String.init) ?? $0.stringValue }
            // Parsed where the file has no scalar there (a list, or a value a merge key brings in).
            let value = written(at: path, in: root) ?? parsed(at: path, in: root.any).map { "\($0)" } ?? ""
            let expected: String
            switch error {
            case let .typeMismatch(type, _), let .valueNotFound(type, _): expected = DecodingError.kind(type)
            case let .dataCorrupted(context): expected = context.debugDescription
            default: expected = "a valid value"
            }
            throw ConfigError.invalidValue(key: error.keyPath, value: value.isEmpty ? "nothing" : value,
                                           expected: choices[error.keyPath].map { "one of \($0.joined(separator: ", "))" } ?? expected)
        }
    }

    /// The parsed value at `path` (mapping keys, or list indices as digits) in `root`; nil when absent.
    private static func parsed(at path: [String], in root: Any?) -> Any? {
        var value = root
        for component in path {
            if let mapping = value as? [String: Any] {
                value = mapping[component]
            } else if let sequence = value as? [Any], let i = Int(component), sequence.indices.contains(i) {
                value = sequence[i]
            } else {
                return nil
            }
        }
        return value
    }
}
