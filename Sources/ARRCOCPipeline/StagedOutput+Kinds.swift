import ARRCOC
import Foundation

extension StagedOutput.Kind {
    /// A features file (`arrcoc analyze`): an existing one is arrcoc's when its safetensors
    /// header carries arrcoc's features metadata.
    public static let featuresFile = StagedOutput.Kind.file(description: "a features file") { path in
        guard let header = safetensorsHeader(path),
              let meta = header["__metadata__"] as? [String: Any], let info = meta["arrcoc"] as? String else { return false }
        return info.contains(FeatureInfo.schemaName)
    }

    /// A truth file (`arrcoc haystack --truth`): an existing one is arrcoc's when it parses as one.
    public static let truthFile = StagedOutput.Kind.file(description: "a truth file") { path in
        (try? Truth.load(path: path)) != nil
    }

    /// A clip arrcoc encoded (`arrcoc haystack --out`): its container's comment tag says so.
    public static let haystackClip = StagedOutput.Kind.file(description: "a clip") { path in
        VideoFileSource.isArrcocClip(path)
    }

    /// A clip needle's query image (`arrcoc haystack`, `CLIP.query.png`): an existing one is
    /// arrcoc's only when it holds exactly `expected`, the PNG arrcoc writes for this needle (a
    /// deterministic encoding of its first frame); any other file there may be a user's.
    public static func queryImage(_ expected: Data) -> StagedOutput.Kind {
        .file(description: "this needle's query image (its first frame)") { path in
            FileManager.default.contents(atPath: path) == expected
        }
    }

    /// The JSON header of a safetensors file, read without loading the tensors; nil when the
    /// file is not one.
    static func safetensorsHeader(_ path: String) -> [String: Any]? {
        guard let file = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? file.close() }
        guard let prefix = try? file.read(upToCount: 8), prefix.count == 8 else { return nil }
        let length = prefix.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard length > 1, length <= 100_000_000, let json = try? file.read(upToCount: Int(length)), json.count == Int(length) else { return nil }
        return (try? JSONSerialization.jsonObject(with: json)) as? [String: Any]
    }
}
