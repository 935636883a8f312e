import Foundation

/// A file arrcoc reads is not what it should be. Each case names the file and what was expected.
public enum FormatError: Error, Equatable, LocalizedError {
    /// The file could not be read at all.
    case unreadable(path: String, reason: String)
    /// The file could not be written.
    case unwritable(path: String, reason: String)
    /// The bytes do not follow the format (`format` names it: safetensors, npy, …).
    case malformed(path: String, format: String, reason: String)
    /// A tensor the file must hold is missing.
    case missingTensor(path: String, name: String)
    /// A tensor has the wrong element type or shape.
    case wrongTensor(path: String, name: String, expected: String, found: String)
    /// Values that must be finite are not (NaN or infinity).
    case nonFinite(path: String, name: String, index: Int)

    public var errorDescription: String? {
        switch self {
        case let .unreadable(path, reason):
            return "\(path): cannot read (\(reason))"
        case let .unwritable(path, reason):
            return "\(path): cannot write (\(reason))"
        case let .malformed(path, format, reason):
            return "\(path): not a valid \(format) file (\(reason))"
        case let .missingTensor(path, name):
            return "\(path): tensor '\(name)' is missing"
        case let .wrongTensor(path, name, expected, found):
            return "\(path): tensor '\(name)' should be \(expected), found \(found)"
        case let .nonFinite(path, name, index):
            return "\(path): '\(name)' holds NaN or infinity at element \(index)"
        }
    }
}
