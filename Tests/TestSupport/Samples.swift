import ARRCOCPipeline
import Foundation

/// The sample videos Scripts/fetch-samples.sh puts in the cache (`CacheDirectory.samples`). Tests require them: the README's test command fetches them first.
public enum Samples {
    public static let all = [
        "cockatoo.mp4", "bigbuckbunny.mp4", "bikes.mp4", "vtest.avi", "Megamind.avi",
        "Megamind_bugy.avi", "display-dual-monitors.webm",
    ]

    public static var directory: URL { CacheDirectory.samples }

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
