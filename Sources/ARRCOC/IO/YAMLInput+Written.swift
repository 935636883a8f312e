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

    /// How the file writes the value at `path` (see `node(at:in:)`) under `root`: a scalar with
    /// the quotes it has (`"300"`, `'300'`, `3e2`); a list or a mapping in flow style, cut after
    /// about 60 characters, and said to be one (`[1, 2] (a list)`: in a message about a number,
    /// brackets alone do not say so to every reader); nil when there is nothing there.
    static func written(at path: [String], in root: Node) -> String? {
        switch node(at: path, in: root) {
        case let .scalar(scalar)?: text(of: scalar)
        case let node?: "\(flowText(of: node)) (\(node.mapping != nil ? "a mapping" : "a list"))"
        case nil: nil
        }
    }

    /// The path of `key` as errors name it (`dataset.haystacks[0].clips`) in a document's terms,
    /// for `node(at:in:)` (`dataset`, `haystacks`, `0`, `clips`).
    static func path(of key: String) -> [String] {
        key.split(whereSeparator: { ".[]".contains($0) }).map(String.init)
    }

    /// `error` with its value as `root` writes it (`1e30`, `.inf` and `99999999999999999999`,
    /// where the checked value prints as 1e+30, inf and 1e+20), where its key leads to a scalar
    /// that holds that very number; other errors as they are.
    static func asWritten(_ error: ConfigError, in root: Node) -> ConfigError {
        func written(_ key: String, _ value: String) -> String {
            Double(value).flatMap { Self.written(at: path(of: key), in: root, holding: $0) } ?? value
        }
        switch error {
        case let .outOfRange(key, value, expected): return .outOfRange(key: key, value: written(key, value), expected: expected)
        case let .invalidValue(key, value, expected): return .invalidValue(key: key, value: written(key, value), expected: expected)
        default: return error
        }
    }

    /// How `root` writes the number at `path` (see `node(at:in:)`) when that scalar holds `value`
    /// (`1e30` for 1e+30); nil when it holds another, or there is none.
    static func written(at path: [String], in root: Node, holding value: Double) -> String? {
        guard case let .scalar(scalar)? = node(at: path, in: root), let held = Double.construct(from: scalar),
              held == value || (held.isNaN && value.isNaN) else { return nil }
        return text(of: scalar)
    }

    /// How the YAML text `text` (or JSON, which YAML reads: a line of a JSON Lines file) writes
    /// the value at `key`, named as errors name it (`budgets[1]`, `params.seed`); nil where the
    /// text does not parse or has nothing there. For a message about text that was already read
    /// (`1e300` printed as parsed is 301 digits).
    public static func written(at key: String, inText text: String) -> String? {
        guard let root = try? Yams.compose(yaml: text) else { return nil }
        return written(at: path(of: key), in: root)
    }

    private static func text(of scalar: Node.Scalar) -> String {
        switch scalar.style {
        case .singleQuoted: "'\(scalar.string)'"
        case .doubleQuoted: "\"\(scalar.string)\""
        default: scalar.string
        }
    }

    /// `node` in flow style (`[1, {a: b}]`), its scalars as written, cut after `limit` characters.
    private static func flowText(of node: Node, limit: Int = 60) -> String {
        var out = ""
        /// Appends `node`; false once `out` is longer than `limit`.
        func append(_ node: Node) -> Bool {
            switch node {
            case let .scalar(scalar):
                out += text(of: scalar)
            case let .sequence(sequence):
                out += "["
                for (i, element) in sequence.enumerated() {
                    if i > 0 { out += ", " }
                    guard append(element) else { return false }
                }
                out += "]"
            case let .mapping(mapping):
                out += "{"
                for (i, pair) in mapping.enumerated() {
                    if i > 0 { out += ", " }
                    guard append(pair.key) else { return false }
                    out += ": "
                    guard append(pair.value) else { return false }
                }
                out += "}"
            case .alias:
                out += "*"
            }
            return out.count <= limit
        }
        return append(node) ? out : String(out.prefix(limit)) + "…"
    }

    /// `root` with `node` in place of the node at `path` (see `node(at:in:)`); nil when there is none.
    private static func replacing(at path: [String], in root: Node, with node: Node) -> Node? {
        guard let first = path.first else { return node }
        let rest = Array(path.dropFirst())
        switch root {
        case var .mapping(mapping):
            guard let child = mapping[first], let replaced = replacing(at: rest, in: child, with: node) else { return nil }
            mapping[first] = replaced
            return .mapping(mapping)
        case var .sequence(sequence):
            guard let i = Int(first), sequence.indices.contains(i), let replaced = replacing(at: rest, in: sequence[i], with: node) else { return nil }
            sequence[i] = replaced
            return .sequence(sequence)
        default:
            return nil
        }
    }

    /// The type that decoding `T` asks for at `path` where Yams says only that it wanted a scalar
    /// (`Node.Scalar`, for a list or mapping in its place): decoded again with a plain word there,
    /// the decoder names the type it wanted (`Int`, `Double`, `Bool`), or takes the word, or reads
    /// it and refuses it as a name (text, both). Nil where `path` is not in `root`'s own tree.
    private static func scalarType<T: Decodable>(_ type: T.Type, at path: [String], keyPath: String, in root: Node) -> Any.Type? {
        guard let probe = replacing(at: path, in: root, with: Node("x")) else { return nil }
        do { _ = try YAMLDecoder().decode(type, from: probe) } catch let error as DecodingError where error.keyPath == keyPath {
            if case let .typeMismatch(wanted, _) = error { return wanted }
        } catch {}
        return String.self
    }

    /// Decodes `T` from a checked document (`check`). A value that `T` refuses (of another type, or
    /// a name not among `choices`, keyed by key path) is an error naming its key path, the value
    /// as the file writes it, and what was expected in words (`budget = "300" is invalid;
    /// expected a whole number`).
    /// A whole number too large for `Int` (`99999999999999999999`, `1e30`) is out of range, in
    /// the words `validate` uses for its key: the value is decoded as `Int.max` (`Int.min` when
    /// negative) and `validate`'s error for that key is the one thrown.
    /// - Throws: that `ConfigError.invalidValue` or `.outOfRange`; the `DecodingError` itself for a
    ///   missing key or a top level of the wrong kind.
    static func decode<T: Decodable>(_ type: T.Type, from root: Node, choices: [String: [String]] = [:],
                                     validate: ((T) throws -> Void)? = nil) throws -> T {
        do { return try YAMLDecoder().decode(type, from: root) } catch let error as DecodingError {
            let keys = error.codingKeys
            if case .keyNotFound = error { throw error }
            guard !keys.isEmpty else { throw error }
            let path = keys.map { $0.intValue.map(String.init) ?? $0.stringValue }
            // Parsed where the file's own tree has nothing there (a value a merge key brings in).
            let value = written(at: path, in: root) ?? parsed(at: path, in: root.any).map { "\($0)" } ?? ""
            let expected: String
            switch error {
            case let .typeMismatch(wanted, _) where wanted is Node.Scalar.Type:
                expected = DecodingError.kind(scalarType(type, at: path, keyPath: error.keyPath, in: root) ?? wanted)
            case let .typeMismatch(wanted, _) where wanted is Int.Type:
                if let whole = Self.wholeNumberBeyondInt(at: path, in: root) {
                    throw outOfRange(type, key: error.keyPath, value: value, at: path, clamped: whole < 0 ? Int.min : Int.max, in: root,
                                     validate: validate)
                }
                expected = DecodingError.kind(wanted)
            case let .typeMismatch(wanted, _), let .valueNotFound(wanted, _): expected = DecodingError.kind(wanted)
            case let .dataCorrupted(context): expected = context.debugDescription
            default: expected = "a valid value"
            }
            throw ConfigError.invalidValue(key: error.keyPath, value: value.isEmpty ? "nothing" : value,
                                           expected: choices[error.keyPath].map { "one of \($0.joined(separator: ", "))" } ?? expected)
        }
    }

    /// The error for the whole number at `path`, beyond `Int`: `validate`'s for `key` with the
    /// value decoded as `clamped`, shown as `value`; Int's own range where it has none.
    private static func outOfRange<T: Decodable>(_ type: T.Type, key: String, value: String, at path: [String], clamped: Int,
                                                 in root: Node, validate: ((T) throws -> Void)?) -> ConfigError {
        if let validate, let probe = replacing(at: path, in: root, with: Node(String(clamped))) {
            do { try validate(try YAMLDecoder().decode(type, from: probe)) } catch let error as ConfigError {
                switch error {
                case let .outOfRange(k, _, expected) where k == key, let .invalidValue(k, _, expected) where k == key:
                    return .outOfRange(key: key, value: value, expected: expected)
                default: break
                }
            } catch {}
        }
        return .outOfRange(key: key, value: value, expected: "a whole number in \(Int.min)…\(Int.max)")
    }

    /// The value at `path` when it is a whole number too large for `Int`: plain digits
    /// (`99999999999999999999`, which Yams reads as text) or a float (`1e30`); nil otherwise.
    static func wholeNumberBeyondInt(at path: [String], in root: Node) -> Double? {
        guard case let .scalar(scalar)? = node(at: path, in: root), scalar.style == .plain else { return nil }
        let value = isPlainInteger(at: path, in: root) ? Double(scalar.string) : Double.construct(from: scalar)
        guard let value, value.isFinite, value == value.rounded(), value.magnitude >= 0x1p63 else { return nil }
        return value
    }

    /// Whether the value at `path` is an integer in plain digits (`99999999999999999999`: a
    /// whole number, too large for `Int`).
    static func isPlainInteger(at path: [String], in root: Node) -> Bool {
        guard case let .scalar(scalar)? = node(at: path, in: root), scalar.style == .plain else { return false }
        let digits = scalar.string.hasPrefix("-") || scalar.string.hasPrefix("+") ? scalar.string.dropFirst() : Substring(scalar.string)
        return !digits.isEmpty && digits.allSatisfy { $0.isASCII && $0.isNumber }
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
