import Foundation
import TextEscaping

/// A configuration value (YAML key or command-line flag) is wrong; the case names the key.
public enum ConfigError: Error, Equatable, LocalizedError {
    case outOfRange(key: String, value: String, expected: String)
    case unknownKey(key: String, allowed: [String])
    case invalidValue(key: String, value: String, expected: String)
    case unreadable(path: String, reason: String)
    /// Any of the above, found in the file at `path`.
    indirect case inFile(path: String, error: ConfigError)

    public var errorDescription: String? {
        switch self {
        case let .outOfRange(key, value, expected):
            return "\(Self.shown(key)) = \(Self.shown(value)) is out of range; expected \(expected)"
        case let .unknownKey(key, allowed):
            return "unknown key '\(Self.shown(key))'; " + (allowed.isEmpty ? "nothing is allowed here" : "allowed here: \(allowed.joined(separator: ", "))")
        case let .invalidValue(key, value, expected):
            return "\(Self.shown(key)) = \(Self.shown(value)) is invalid; expected \(expected)"
        case let .unreadable(path, reason):
            return "\(path): \(reason)"
        case let .inFile(path, error):
            return "\(path): \(error.errorDescription ?? "")"
        }
    }

    /// A value from a file or a flag as a message shows it: control characters escaped, at most
    /// `limit` characters (a 100 000-character value is not echoed whole).
    public static func shown(_ text: String, limit: Int = 80) -> String {
        let escaped = escaped(text)
        return escaped.count > limit ? String(escaped.prefix(limit)) + "… (\(text.count) characters)" : escaped
    }

    /// `text` with the characters that steer a terminal written out (`Escaping.escaped`).
    public static func escaped(_ text: String) -> String { Escaping.escaped(text) }

    /// This error as found in the file at `path` (errors that already name a file are kept).
    public func located(in path: String) -> ConfigError {
        switch self {
        case .unreadable, .inFile: self
        default: .inFile(path: path, error: self)
        }
    }

    /// A number as a message shows a bound or a parsed value: whole numbers as integers (`8`,
    /// not 8.0), round ones of a million or more by their exponent (`1e15`, which a YAML file can
    /// write back, not 1000000000000000.0); others as Swift prints them (`0.25`).
    public static func number(_ x: Double) -> String {
        guard x.isFinite, x == x.rounded(), x.magnitude < 1e18 else { return "\(x)" }
        return number(Int(x))
    }

    /// `number(_:)` for an integer: `16384`, `1e15`, `9223372036854775807`.
    public static func number(_ i: Int) -> String {
        var mantissa = i.magnitude, exponent = 0
        while mantissa >= 10, mantissa % 10 == 0 { mantissa /= 10; exponent += 1 }
        return mantissa < 10 && exponent >= 6 ? "\(i < 0 ? "-" : "")\(mantissa)e\(exponent)" : "\(i)"
    }

    static func check(_ key: String, _ value: Double, in range: ClosedRange<Double>) throws(ConfigError) {
        guard value.isFinite, range.contains(value) else {
            throw .outOfRange(key: key, value: "\(value)", expected: "a number in \(number(range.lowerBound))…\(number(range.upperBound))")
        }
    }

    static func check(_ key: String, _ value: Int, in range: ClosedRange<Int>) throws(ConfigError) {
        guard range.contains(value) else {
            throw .outOfRange(key: key, value: "\(value)", expected: "an integer in \(number(range.lowerBound))…\(number(range.upperBound))")
        }
    }
}
