import ARRCOC
import Foundation

/// Renders the library's `ProgressEvent`s on stderr: a self-rewriting line on a terminal, a few
/// plain lines (every tenth) otherwise. Thread-safe: sweeps report from several threads.
final class TerminalProgress: @unchecked Sendable {
    private let enabled: Bool
    private let isTerminal = isatty(STDERR_FILENO) != 0
    private let lock = NSLock()
    private var label = ""
    private var total: Int? = nil
    private var done = 0
    private var lastReported = -1
    private var started = Date()

    init(enabled: Bool = true) {
        self.enabled = enabled
    }

    /// The handler to give the library.
    var handler: ProgressHandler {
        { [self] event in lock.withLock { handle(event) } }
    }

    private func handle(_ event: ProgressEvent) {
        switch event {
        case let .started(task, total):
            label = ConfigError.escaped(task)
            self.total = total
            done = 0
            lastReported = -1
            started = Date()
        case let .advanced(count):
            done = count
            guard enabled else { return }
            if isTerminal {
                if let total, total > 0 {
                    let elapsed = Date().timeIntervalSince(started)
                    let eta = elapsed / Double(max(done, 1)) * Double(max(total - done, 0))
                    write(String(format: "\r%@: %d/%d (%d%%, ETA %.0f s)   ", label, done, total, min(100, done * 100 / total), eta))
                } else {
                    write("\r\(label): \(done)   ")
                }
            } else if let total, total > 0 {
                let decile = done * 10 / total
                if decile > lastReported, decile < 10 {
                    lastReported = decile
                    write("\(label): \(done)/\(total)\n")
                }
            }
        case .finished:
            guard enabled else { return }
            if isTerminal { write("\n") }
            write(String(format: "%@: %d in %.1f s\n", label, done, Date().timeIntervalSince(started)))
        case let .note(text):
            guard enabled else { return }
            write((isTerminal ? "\r" : "") + ConfigError.escaped(text) + "\n")
        }
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
