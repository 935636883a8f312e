import CSystem
import Foundation

/// An output that appears whole or not at all, and never destroys what arrcoc did not write.
///
/// - An output is never an input: real paths are compared (and a directory output may not
///   contain an input).
/// - An existing output is replaced only with `force`, and only when it is arrcoc's own: a
///   directory holding arrcoc's marker (or an arrcoc manifest), or a file `recognise` accepts.
/// - Everything is written to a staging name in the nearest existing ancestor, registered with
///   `StagingRegistry` (removed on SIGINT/SIGTERM); `commit()` creates missing parent folders and
///   swaps the staging into place by rename (an atomic exchange for directories), so an
///   interruption at any point leaves the old output or the new one, whole. Stale staging
///   entries of dead processes are removed by the next run that stages beside them.
public final class StagedOutput: @unchecked Sendable {
    /// What is written.
    public enum Kind: Sendable {
        /// A directory of outputs; arrcoc marks it with `markerName`.
        case directory
        /// One file; an existing file is arrcoc's when `recognise` says so. `description` names
        /// the kind in errors ("a features file").
        case file(description: String, recognise: @Sendable (String) -> Bool)
    }

    /// The marker file in every output directory arrcoc writes.
    public static let markerName = ".arrcoc-output"

    public let destination: URL
    /// Where to write: a directory (kind `.directory`) or a file path (kind `.file`).
    public let staging: URL
    /// The staging directory registered for removal on a signal: `staging` itself for a
    /// directory output, the folder holding it for a file output — so that the temporary files
    /// a writer makes beside its file (an encoder's `.PID.tmp.NAME`) are inside it too, and one
    /// removal takes everything.
    private let root: URL
    private let kind: Kind
    private let command: String
    /// The output as the user gave it, and whether `--force` was given.
    private let path: String
    private let force: Bool
    private var committed = false

    /// - Parameters:
    ///   - path: the output as the user gave it.
    ///   - inputs: every file the command reads; the output may be none of them.
    ///   - command: written into the marker of a directory output.
    public init(path: String, kind: Kind, force: Bool, inputs: [String], command: String = "arrcoc") throws {
        let fm = FileManager.default
        guard !path.isEmpty else { throw OutputError.unwritable(path: "\"\"", reason: "the output path is empty; expected a file or folder name") }
        destination = URL(fileURLWithPath: path).standardizedFileURL
        self.kind = kind
        self.command = command
        let resolved = Self.resolve(destination.path)
        for input in inputs where !input.isEmpty {
            let r = Self.resolve(input)
            if r == resolved { throw OutputError.isInput(output: path, input: input) }
            if case .directory = kind, r.hasPrefix(resolved.hasSuffix("/") ? resolved : resolved + "/") {
                throw OutputError.containsInput(output: path, input: input)
            }
        }
        if fm.fileExists(atPath: destination.path) || Self.isSymlink(destination.path) {
            guard force else { throw OutputError.exists(path: path) }
            try Self.checkReplaceable(destination, path: path, kind: kind)
        }
        self.path = path
        self.force = force
        // Stage in the nearest existing ancestor: missing parents are created only on commit.
        let anchor = try Self.nearestFolder(containing: destination.deletingLastPathComponent(), for: path)
        Self.removeStale(in: anchor)
        let pid = ProcessInfo.processInfo.processIdentifier
        // The output's name in the staging names is for people only, so it is cut: a 250-byte
        // name (the file system takes 255) with the prefix was refused as "invalid".
        root = anchor.appendingPathComponent(".arrcoc-staging-\(pid)-\(UUID().uuidString.prefix(8))-\(Self.cut(destination.lastPathComponent, bytes: 64))")
        if case .directory = kind { staging = root } else { staging = root.appendingPathComponent(Self.stagedName(destination)) }
        // Plain copies: the closure below runs before `self` is fully initialised.
        let stagingRoot = root
        let isDirectoryOutput = staging == root
        do {
            // Created under the registry's lock: a signal either finds it registered or stops
            // this thread before it exists.
            try StagingRegistry.shared.create(stagingRoot.path) {
                try fm.createDirectory(at: stagingRoot, withIntermediateDirectories: false)
                if isDirectoryOutput {
                    let marker = "{\"tool\": \"arrcoc\", \"command\": \"\(command)\"}\n"
                    try Data(marker.utf8).write(to: stagingRoot.appendingPathComponent(Self.markerName))
                }
            }
        } catch {
            StagingRegistry.shared.remove(root.path)
            try? fm.removeItem(at: root)
            throw OutputError.unwritable(path: path, reason: error.localizedDescription)
        }
    }

    /// Whether `--force` may replace what is at `destination` (an existing path): only an output
    /// arrcoc wrote, holding nothing arrcoc did not write. Checked when the command starts and
    /// again at the swap, since something else may have been put there meanwhile.
    static func checkReplaceable(_ destination: URL, path: String, kind: Kind) throws {
        let fm = FileManager.default
        let resolved = resolve(destination.path)
        var isDirectory: ObjCBool = false
        _ = fm.fileExists(atPath: destination.path, isDirectory: &isDirectory)
        switch kind {
        case .directory:
            guard isDirectory.boolValue, !Self.isSymlink(destination.path), Self.isArrcocDirectory(destination) else {
                throw OutputError.notArrcocOutput(path: path, expected: "an output directory")
            }
            // Only what the marker lists is arrcoc's: a directory whose marker lists nothing
            // (an older version's output, a sweep or batch run, a damaged marker) may hold a
            // user's files, and is never replaced.
            guard let foreign = Self.foreignEntries(destination) else {
                throw OutputError.unlistedOutput(path: path)
            }
            if !foreign.isEmpty { throw OutputError.holdsForeignFiles(path: path, entries: foreign) }
            let cwd = Self.resolve(fm.currentDirectoryPath)
            if cwd == resolved || cwd.hasPrefix(resolved + "/") {
                throw OutputError.containsWorkingDirectory(output: path)
            }
        case let .file(description, recognise):
            guard !isDirectory.boolValue, !Self.isSymlink(destination.path), recognise(destination.path) else {
                throw OutputError.notArrcocOutput(path: path, expected: description)
            }
        }
    }

    /// Moves the staged output into place (creating missing parent folders now).
    public func commit() throws {
        let fm = FileManager.default
        guard fm.fileExists(atPath: staging.path) else {
            throw OutputError.unwritable(path: destination.path, reason: "nothing was written")
        }
        do {
            try fm.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw OutputError.unwritable(path: destination.path, reason: error.localizedDescription)
        }
        if case .directory = kind {
            // The marker lists what arrcoc wrote, so that a later --force can tell a user's files
            // added since from its own.
            let files = Self.entries(of: staging).filter { $0 != Self.markerName }
            let marker: [String: Any] = ["tool": "arrcoc", "command": command, "files": files]
            do {
                let data = try JSONSerialization.data(withJSONObject: marker, options: [.sortedKeys])
                // Still under the staging name: nobody sees it before the rename below.
                try (data + Data("\n".utf8)).write(to: staging.appendingPathComponent(Self.markerName))
            } catch {
                throw OutputError.unwritable(path: destination.path, reason: error.localizedDescription)
            }
        }
        // Something may have been put at the output path since the command started (another
        // program, another run): replaced only with --force, and only if it is still an output
        // arrcoc may replace; otherwise the staged output moves in only where nothing is.
        let replacing = fm.fileExists(atPath: destination.path) || Self.isSymlink(destination.path)
        if replacing {
            guard force else { throw OutputError.appeared(path: path) }
            try Self.checkReplaceable(destination, path: path, kind: kind)
        }
        if !replacing {
            if arrcoc_rename_noreplace(staging.path, destination.path) != 0 {
                if errno == EEXIST { throw OutputError.appeared(path: path) }
                // Filesystems without RENAME_NOREPLACE: checked just above, then a plain rename.
                guard rename(staging.path, destination.path) == 0 else { throw Self.renameError(destination.path) }
            }
            if case .file = kind { try? fm.removeItem(at: root) }
        } else if case .directory = kind {
            // Swap both names at once; the old output ends up at the staging name and is removed.
            if arrcoc_exchange_paths(staging.path, destination.path) == 0 {
                // Files added to the old output between the check and the swap are a user's:
                // swap back and refuse, rather than delete them.
                let foreign = Self.foreignEntries(staging)
                if foreign?.isEmpty != true {
                    guard arrcoc_exchange_paths(staging.path, destination.path) == 0 else {
                        // Never reached in practice (the same exchange just worked); the old
                        // output is kept where it now is, and named.
                        committed = true
                        throw OutputError.unwritable(path: path, reason: "files were added to it during the swap; its previous contents are at \(staging.path)")
                    }
                    throw foreign.map { OutputError.holdsForeignFiles(path: path, entries: $0) } ?? OutputError.unlistedOutput(path: path)
                }
                try? fm.removeItem(at: staging)
            } else {
                // Filesystems without RENAME_EXCHANGE: two renames; the old output is kept aside
                // until the new one is in place.
                let aside = staging.path + ".old"
                guard rename(destination.path, aside) == 0 else { throw Self.renameError(destination.path) }
                guard rename(staging.path, destination.path) == 0 else {
                    let error = Self.renameError(destination.path)
                    _ = rename(aside, destination.path)
                    throw error
                }
                try? fm.removeItem(atPath: aside)
            }
        } else {
            // rename(2) replaces a file atomically; the staging folder (and any temporary file a
            // writer left in it) goes afterwards.
            guard rename(staging.path, destination.path) == 0 else { throw Self.renameError(destination.path) }
            try? fm.removeItem(at: root)
        }
        committed = true
        StagingRegistry.shared.remove(root.path)
    }

    deinit {
        if !committed {
            try? FileManager.default.removeItem(at: root)
        }
        StagingRegistry.shared.remove(root.path)
    }

    // MARK: - Rules

    /// Refuses two outputs of one command that collide (`OutputError.outputsCollide`): the same
    /// path, or `output` inside `other` when that is a directory output. Each is named as
    /// the user gave it (for example `--save-features f`, `--out DIR`).
    public static func checkSeparate(_ output: (path: String, name: String), from other: (path: String, name: String), otherIsDirectory: Bool) throws {
        let a = resolve(URL(fileURLWithPath: output.path).standardizedFileURL.path)
        let b = resolve(URL(fileURLWithPath: other.path).standardizedFileURL.path)
        if a == b { throw OutputError.outputsCollide(output: output.name, other: other.name, inside: false) }
        if otherIsDirectory, a.hasPrefix(b.hasSuffix("/") ? b : b + "/") {
            throw OutputError.outputsCollide(output: output.name, other: other.name, inside: true)
        }
    }

    /// `name`'s longest prefix of whole characters within `bytes` UTF-8 bytes.
    static func cut(_ name: String, bytes: Int) -> String {
        var out = "", used = 0
        for c in name {
            used += c.utf8.count
            if used > bytes { break }
            out.append(c)
        }
        return out
    }

    /// The staged file's name: the output's own, or for a name near the file system's limit
    /// (writers add temporary suffixes beside it) `staged` with its extension, which encoders
    /// choose the container by.
    static func stagedName(_ destination: URL) -> String {
        let name = destination.lastPathComponent
        guard name.utf8.count > 200 else { return name }
        let ext = cut(destination.pathExtension, bytes: 16)
        return ext.isEmpty ? "staged" : "staged.\(ext)"
    }

    /// The real path of `path`, resolving symbolic links of its existing part.
    static func resolve(_ path: String) -> String {
        var url = URL(fileURLWithPath: path).standardizedFileURL
        var rest: [String] = []
        while !FileManager.default.fileExists(atPath: url.path), url.path != "/" {
            rest.insert(url.lastPathComponent, at: 0)
            url.deleteLastPathComponent()
        }
        var real = url.resolvingSymlinksInPath().path
        for part in rest { real = (real as NSString).appendingPathComponent(part) }
        return real
    }

    static func isSymlink(_ path: String) -> Bool {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) != nil
    }

    /// A directory arrcoc wrote: it holds the marker, or an arrcoc manifest (older outputs).
    static func isArrcocDirectory(_ url: URL) -> Bool {
        let fm = FileManager.default
        if fm.fileExists(atPath: url.appendingPathComponent(markerName).path) { return true }
        guard let data = fm.contents(atPath: url.appendingPathComponent("manifest.json").path),
              let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return false }
        return json["schema"] as? String == "arrcoc.manifest/1"
    }

    /// The nearest existing ancestor of `url` (itself included), which must be a folder: an
    /// output under a file (`--out notes.txt/x`) is named as such, not as Foundation's error code.
    static func nearestFolder(containing url: URL, for path: String) throws -> URL {
        let fm = FileManager.default
        var anchor = url
        while !fm.fileExists(atPath: anchor.path), anchor.path != "/" { anchor.deleteLastPathComponent() }
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: anchor.path, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw OutputError.unwritable(path: path, reason: "\(anchor.path) is a file, not a folder")
        }
        return anchor
    }

    /// Creates the folder `url` (and its parents) for an output that grows in place (a sweep, a
    /// batch, a merge); errors name the path and the reason, not Foundation's error domain.
    public static func createFolder(_ url: URL) throws {
        let fm = FileManager.default
        _ = try nearestFolder(containing: url.standardizedFileURL, for: url.path)
        do { try fm.createDirectory(at: url, withIntermediateDirectories: true) } catch {
            let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
            let reason = underlying?.domain == NSPOSIXErrorDomain ? String(cString: strerror(Int32(underlying!.code))) : error.localizedDescription
            throw OutputError.unwritable(path: url.path, reason: reason)
        }
    }

    /// The entries under `directory`, as paths relative to it (a folder's with a trailing `/`),
    /// sorted; symbolic links are listed, not followed.
    static func entries(of directory: URL) -> [String] {
        var out: [String] = []
        func walk(_ url: URL, _ prefix: String) {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: url.path) else { return }
            for name in names {
                let child = url.appendingPathComponent(name)
                var isDirectory: ObjCBool = false
                if !isSymlink(child.path), FileManager.default.fileExists(atPath: child.path, isDirectory: &isDirectory), isDirectory.boolValue {
                    out.append(prefix + name + "/")
                    walk(child, prefix + name + "/")
                } else {
                    out.append(prefix + name)
                }
            }
        }
        walk(directory, "")
        return out.sorted()
    }

    /// What `directory` (an arrcoc output) holds that its marker does not list as arrcoc's: a
    /// user's files added since. Nil when there is no marker listing files (outputs of older
    /// versions, the sweep and batch directories, which grow as they resume, a damaged marker).
    static func foreignEntries(_ directory: URL) -> [String]? {
        guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(markerName).path),
              let marker = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let files = marker["files"] as? [String] else { return nil }
        let known = Set(files).union([markerName])
        return entries(of: directory).filter { !known.contains($0) }
    }

    /// Removes staging entries of processes that no longer run, and the temporary files writers
    /// made beside them (`.PID.tmp.<staging>`, `.<staging>.PID.tmp`).
    static func removeStale(in directory: URL) {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: directory.path) else { return }
        for name in names {
            guard let marker = name.range(of: ".arrcoc-staging-") else { continue }
            let pidText = name[marker.upperBound...].prefix { $0.isNumber }
            guard let pid = Int32(pidText), pid > 0, pid != ProcessInfo.processInfo.processIdentifier else { continue }
            if kill(pid, 0) != 0, errno == ESRCH {
                try? fm.removeItem(at: directory.appendingPathComponent(name))
            }
        }
    }

    /// Removes the temporary files of writes that a killed process left in `directory`: regular
    /// files named as `AtomicWrite` and `AtomicFile` name them (`.NAME.PID.tmp`) or as the video
    /// encoder does (`.PID.tmp.NAME`), of a process that no longer runs. For folders a run holds
    /// (`DirectoryLock`): a sweep's clips and cache, which SIGKILL would otherwise fill.
    static func removeStaleTemporaryFiles(in directory: URL) {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: directory.path) else { return }
        for name in names where name.hasPrefix(".") {
            let parts = name.dropFirst().split(separator: ".", omittingEmptySubsequences: false)
            let pidText: Substring?
            if parts.count >= 3, parts[1] == "tmp" {
                pidText = parts[0]  // .PID.tmp.NAME
            } else if parts.count >= 3, parts[parts.count - 1] == "tmp" {
                pidText = parts[parts.count - 2]  // .NAME.PID.tmp
            } else {
                pidText = nil
            }
            guard let pidText, pidText.allSatisfy(\.isNumber), let pid = Int32(pidText), pid > 0,
                  pid != ProcessInfo.processInfo.processIdentifier, kill(pid, 0) != 0, errno == ESRCH else { continue }
            let url = directory.appendingPathComponent(name)
            var status = stat()
            guard lstat(url.path, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { continue }  // not a link or folder
            try? fm.removeItem(at: url)
        }
    }

    private static func renameError(_ path: String) -> OutputError {
        .unwritable(path: path, reason: String(cString: strerror(errno)))
    }
}
