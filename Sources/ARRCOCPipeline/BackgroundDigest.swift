import ARRCOC
import Foundation

/// A file's SHA-256 computed on another thread, so that hashing overlaps the decoding that reads
/// the same file (from the page cache by then) instead of adding a pass after it.
/// `@unchecked Sendable`: `result` is written once, before `done` is signalled, and read after.
final class BackgroundDigest: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var result: Result<String, FormatError> = .failure(.unreadable(path: "", reason: "not hashed"))

    /// Starts hashing `path` now.
    init(path: String) {
        DispatchQueue.global(qos: .utility).async { [self] in
            result = Result { () throws(FormatError) -> String in try SHA256.hexDigest(ofFile: path) }
            done.signal()
        }
    }

    /// The digest, waiting for it if the hashing is still running.
    func value() throws(FormatError) -> String {
        done.wait()
        done.signal()
        return try result.get()
    }
}
