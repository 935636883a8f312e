import Foundation
import Yams

/// YAML read with bounds (config, sweep and truth files): the file is a regular file within
/// `Limit.yamlBytes`, and its document, aliases expanded, has at most `Limit.yamlNodes` nodes.
///
/// An alias bomb (a few hundred bytes whose anchors refer to each other ten levels deep) expands
/// to billions of nodes; libyaml and Yams's composer share the aliased nodes, but constructing
/// Swift values or decoding copies every one. Counting the expansion first, and stopping at the
/// limit, costs at most `Limit.yamlNodes` steps. Keys must be plain scalars (Yams traps on others).
public enum YAMLInput {
    /// The text of the YAML file at `path`.
    /// - Throws: `ConfigError.unreadable` (missing, not a regular file, not UTF-8) or `LimitError`.
    public static func read(path: String) throws -> String {
        let data: Data
        do { data = try SideFile.read(path: path, limit: .yamlBytes) } catch let error as FormatError {
            if case let .unreadable(_, reason) = error { throw ConfigError.unreadable(path: path, reason: reason) }
            throw error
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError.unreadable(path: path, reason: "not UTF-8 text")
        }
        return text
    }

    /// What YAML 1.1 (Yams) makes of a plain scalar that a reader expecting decimal numbers would
    /// read otherwise, or nil: a leading zero (`0300` is octal, 192, where `--budget 0300` is
    /// 300), `0o`/`0x`/`0b` prefixes, digit separators (`1_000`), base 60 (`1:30` is 90).
    static func yaml11Reading(_ s: String) -> String? {
        let body = s.hasPrefix("-") || s.hasPrefix("+") ? s.dropFirst() : Substring(s)
        guard let first = body.first, first.isASCII, first.isNumber else { return nil }
        let digits = body.prefix { $0 != "." }
        if body.count >= 2, first == "0", let second = body.dropFirst().first {
            if "oOxXbB".contains(second) { return "a base-\(second == "x" || second == "X" ? 16 : second == "b" || second == "B" ? 2 : 8) prefix" }
            if digits.count >= 2, digits.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "_") }) { return "octal, for the leading zero" }
        }
        let numeric = body.allSatisfy { $0.isASCII && ($0.isNumber || "_.:".contains($0)) }
        if numeric, body.contains("_") { return "digits separated by _" }
        if numeric, body.contains(":"), body.split(separator: ":").count >= 2, !body.hasSuffix(":") { return "base 60, for the colons" }
        return nil
    }

    /// Throws unless `text` is within `Limit.yamlBytes` and expands to at most `Limit.yamlNodes`;
    /// returns its document (nil when empty).
    @discardableResult
    public static func check(_ text: String, path: String) throws -> Node? {
        try Limit.yamlBytes.check(text.utf8.count, in: path, what: "YAML size")
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            throw ConfigError.unreadable(path: path, reason: "not valid YAML: \(ConfigError.shown("\(error)", limit: 400))")
        }
        guard let root else { return nil }
        let limit = Limit.yamlNodes.intValue
        var count = 0
        var stack: [Node] = [root]
        while let node = stack.popLast() {
            count += 1
            guard count <= limit else {
                throw LimitError.exceeded(source: path, what: "the document with its aliases expanded", value: "more than \(limit) nodes",
                                          limit: .yamlNodes)
            }
            switch node {
            case let .mapping(mapping):
                for (key, value) in mapping {
                    // Yams turns keys into strings and traps on any other key (found by fuzzing:
                    // `{[1]: 2}` or `? [a]`); arrcoc's files only ever have plain keys.
                    guard case .scalar = key else {
                        let line = key.mark.map { " at line \($0.line)" } ?? ""
                        throw ConfigError.unreadable(path: path, reason: "a mapping key\(line) is a list or mapping; keys must be plain names")
                    }
                    stack.append(value)
                }
            case let .sequence(sequence):
                stack.append(contentsOf: sequence)
            case let .scalar(scalar):
                if scalar.style == .plain, let reading = yaml11Reading(scalar.string) {
                    let line = node.mark.map { " at line \($0.line)" } ?? ""
                    throw ConfigError.unreadable(path: path, reason: "the value \(ConfigError.shown(scalar.string))\(line) is a YAML 1.1 number form "
                        + "(\(reading)) that reads differently elsewhere; expected a plain decimal number, or quotes if it is text")
                }
            default:
                break
            }
        }
        return root
    }
}
