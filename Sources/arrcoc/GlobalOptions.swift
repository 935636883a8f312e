import ARRCOC
import ArgumentParser
import Foundation
import Logging

/// Options every subcommand takes: how much to log.
struct GlobalOptions: ParsableArguments {
    @Flag(name: .shortAndLong, help: "Log progress and FFmpeg's own error messages (to stderr).")
    var verbose = false

    @Flag(name: .long, help: "Log everything, FFmpeg's chatter included.")
    var debug = false

    /// Refuses a malformed `ARRCOC_MAX_…` limit before any work.
    func validate() throws {
        try Limit.checkEnvironment()
    }

    /// Sets up swift-log once for the process: warnings only unless asked.
    func bootstrapLogging() {
        let level: Logger.Level = debug ? .trace : (verbose ? .info : .warning)
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}

/// Writes a line to standard error (progress, summaries that are not the command's output).
func printErr(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
