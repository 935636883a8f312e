import Foundation

/// A value computed on another thread while the caller goes on, for work that overlaps the
/// decoding that follows instead of adding a pass before or after it: a file's SHA-256 (read
/// from the page cache by then) and an AVI's packet count (`VideoProbe`, a full read of the file
/// that would otherwise come before the first frame). See `VideoFileSource`.
/// `@unchecked Sendable`: `result` is written once, before `done` is signalled, and read after.
final class BackgroundResult<Value: Sendable, Failure: Error>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var result: Result<Value, Failure>? = nil

    /// Starts `work` now.
    init(qos: DispatchQoS.QoSClass, _ work: @escaping @Sendable () throws(Failure) -> Value) {
        DispatchQueue.global(qos: qos).async { [self] in
            result = Result { () throws(Failure) -> Value in try work() }
            done.signal()
        }
    }

    /// The result, waiting for it if the work is still running.
    func value() throws(Failure) -> Value {
        done.wait()
        done.signal()
        return try result!.get()
    }
}
