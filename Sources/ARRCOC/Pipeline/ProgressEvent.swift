/// What a long-running library call reports while it works. The library never prints: a command
/// line renders these on stderr, an app may show them in its own way or ignore them.
public enum ProgressEvent: Sendable, Equatable {
    /// A task starts; `total` units (frames, runs) when known.
    case started(task: String, total: Int?)
    /// One more unit of the current task is done (`done` so far).
    case advanced(done: Int)
    /// The current task ended.
    case finished
    /// A message worth showing (a video of a sweep is ready, a file is generated).
    case note(String)
}

/// Receives `ProgressEvent`s; may be called from any thread.
public typealias ProgressHandler = @Sendable (ProgressEvent) -> Void

/// Counts units of a task and reports them through a `ProgressHandler`.
struct ProgressCounter {
    let handler: ProgressHandler
    private(set) var done = 0

    init(_ handler: @escaping ProgressHandler, task: String, total: Int?) {
        self.handler = handler
        handler(.started(task: task, total: total))
    }

    mutating func advance() {
        done += 1
        handler(.advanced(done: done))
    }

    func finish() {
        handler(.finished)
    }
}
