import Foundation

/// Runs the built `arrcoc` executable (it sits beside the test bundle in the build folder).
public enum CLIRunner {
    public struct Result: Sendable {
        public let status: Int32
        public let exitedNormally: Bool
        public let stdout: String
        public let stderr: String
    }

    public static var executable: URL {
        get throws {
            var candidates: [URL] = []
            for base in [Bundle.main.bundleURL, URL(fileURLWithPath: CommandLine.arguments[0])] {
                var dir = base.deletingLastPathComponent()
                for _ in 0..<3 {
                    candidates.append(dir.appendingPathComponent("arrcoc"))
                    dir = dir.deletingLastPathComponent()
                }
            }
            guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
                throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: candidates.map(\.path).joined(separator: ", ")])
            }
            return found
        }
    }

    /// Runs `arrcoc arguments…` with extra environment variables; waits for it to finish.
    /// - Parameter via: a wrapper to run instead (such as `taskset`), given `arguments` whole.
    public static func run(_ arguments: [String], environment: [String: String] = [:], in directory: URL? = nil, via: URL? = nil) throws -> Result {
        let r = try ProcessRunner.run(try via ?? executable, arguments, environment: environment, in: directory)
        return Result(status: r.status, exitedNormally: r.exitedNormally,
                      stdout: String(decoding: r.stdout, as: UTF8.self), stderr: String(decoding: r.stderr, as: UTF8.self))
    }
}

/// Runs a process to completion, reading its two pipes concurrently so neither fills up.
public enum ProcessRunner {
    public static func run(
        _ executable: URL, _ arguments: [String], environment: [String: String] = [:], in directory: URL? = nil
    ) throws -> (status: Int32, exitedNormally: Bool, stdout: Data, stderr: Data) {
        let process = Process()
        process.executableURL = executable
        if let directory { process.currentDirectoryURL = directory }
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        nonisolated(unsafe) var errData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return (process.terminationStatus, process.terminationReason == .exit, outData, errData)
    }
}

extension CLIRunner {
    /// Starts `arrcoc arguments…` without waiting; output goes to the null device.
    public static func start(_ arguments: [String], environment: [String: String] = [:]) throws -> Process {
        let process = Process()
        process.executableURL = try executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }
}
