import Foundation

/// The sample videos Scripts/fetch-samples.sh puts in the cache ($ARRCOC_SAMPLES, default
/// ~/.cache/arrcoc/samples). Tests require them: the README's test command fetches them first.
public enum Samples {
    public static let all = [
        "cockatoo.mp4", "bigbuckbunny.mp4", "bikes.mp4", "vtest.avi", "Megamind.avi",
        "Megamind_bugy.avi", "display-dual-monitors.webm",
    ]

    public static var directory: URL {
        if let dir = ProcessInfo.processInfo.environment["ARRCOC_SAMPLES"], !dir.isEmpty {
            return URL(fileURLWithPath: dir)
        }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/arrcoc/samples")
    }

    /// Path of a sample; throws when it has not been fetched.
    public static func path(_ name: String) throws -> String {
        let p = directory.appendingPathComponent(name).path
        guard FileManager.default.fileExists(atPath: p) else { throw SampleMissing(name: name, directory: directory.path) }
        return p
    }

    public struct SampleMissing: Error, CustomStringConvertible {
        public let name: String
        public let directory: String
        public var description: String { "sample \(name) is not in \(directory): run Scripts/fetch-samples.sh" }
    }
}
