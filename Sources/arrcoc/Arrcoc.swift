import ARRCOCPipeline
import ArgumentParser
import Foundation
import TextEscaping

/// The `arrcoc` command line: compress video for Qwen3-VL-style models under a token budget.
@main
struct Arrcoc: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "arrcoc",
        abstract: "ARR-COC adaptive compression of video for Qwen3-VL-style vision-language models.",
        discussion: """
            Start with `arrcoc demo` (no arguments). `arrcoc probe FILE` tells what a video holds; \
            `arrcoc frames FILE` samples it to PNG files.
            """,
        subcommands: [DemoCommand.self, CompressCommand.self, AnalyzeCommand.self, HaystackCommand.self, EvalCommand.self, SweepCommand.self, BatchCommand.self, PreviewCommand.self, ProbeCommand.self, FramesCommand.self]
    )

    /// ArgumentParser's own `main`, except that an error's message is printed terminal-safe
    /// (`Escaping.terminalSafe`): a name or value with an escape sequence in it, quoted by any
    /// error, cannot steer the terminal. Help and version text go out as ArgumentParser prints
    /// them; exit codes are ArgumentParser's. Text that is not UTF-8 (`checkTextIsUTF8`) is no
    /// usage mistake: its message goes out alone, without the usage line ArgumentParser adds.
    static func main() {
        do { try checkTextIsUTF8() } catch { fail("Error: \(error.message)", code: .validationFailure) }
        do {
            var command = try parseAsRoot()
            try command.run()
            StagingRegistry.shared.holdIfInterrupted()
        } catch {
            // An error because a signal's cleanup removed the staging under the command: the
            // cleanup exits (128 + signal) once it is done.
            StagingRegistry.shared.holdIfInterrupted()
            let code = exitCode(for: error)
            let text = fullMessage(for: error)
            if code == .success {
                if !text.isEmpty { print(text) }
                Foundation.exit(code.rawValue)
            }
            fail(text, code: code)
        }
    }

    /// Writes `text` (unless empty) terminal-safe to standard error and exits with `code`.
    private static func fail(_ text: String, code: ExitCode) -> Never {
        if !text.isEmpty { FileHandle.standardError.write(Data((Escaping.terminalSafe(text) + "\n").utf8)) }
        Foundation.exit(code.rawValue)
    }

    /// Refuses an argument, the working directory or an environment variable arrcoc reads (`HOME`,
    /// `TMPDIR`, `XDG_CACHE_HOME`, `ARRCOC_*`) that is not valid UTF-8 (a name from another
    /// system's encoding, `bad\xFF.mp4`). Swift decodes them as UTF-8, replacing such bytes, so a
    /// file would otherwise be looked for, or an output written, under another name.
    static func checkTextIsUTF8() throws(ValidationError) {
        func check(_ raw: UnsafePointer<CChar>, _ what: @autoclosure () -> String, _ remedy: String) throws(ValidationError) {
            let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(raw).assumingMemoryBound(to: UInt8.self), count: strlen(raw))
            guard String(validating: bytes, as: UTF8.self) == nil else { return }
            let shown = bytes.map { (0x20..<0x7F).contains($0) && $0 != 0x5C ? String(UnicodeScalar($0)) : String(format: "\\x%02X", $0) }.joined()
            throw ValidationError("\(what()) (\"\(shown)\") is not valid UTF-8; expected UTF-8 text. arrcoc reads file names and values as UTF-8: \(remedy)")
        }
        let rename = "rename the file (convmv does it for a whole tree) or give a symbolic link with a UTF-8 name"
        for i in 1..<max(1, Int(CommandLine.argc)) {   // argc may be 0 (an exec with an empty argv)
            guard let raw = CommandLine.unsafeArgv[i] else { continue }
            try check(raw, "argument \(i)", rename)
        }
        var cwd = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        if getcwd(&cwd, cwd.count) != nil {
            try cwd.withUnsafeBufferPointer { (p) throws(ValidationError) in try check(p.baseAddress!, "the current directory", "run it from a folder whose path is UTF-8") }
        }
        var entry: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> = environ
        while let pair = entry.pointee {
            let name = String(decoding: UnsafeRawBufferPointer(start: pair, count: strcspn(pair, "=")), as: UTF8.self)
            if ["HOME", "TMPDIR", "XDG_CACHE_HOME"].contains(name) || name.hasPrefix("ARRCOC_") {
                try check(UnsafePointer(pair), "the environment variable \(name)", "set it to a UTF-8 path")
            }
            entry += 1
        }
    }
}
