import Foundation

/// Where arrcoc keeps what it fetches or generates once: `$XDG_CACHE_HOME/arrcoc`, else
/// `$HOME/.cache/arrcoc` (the environment is honoured, as the setup scripts do; Foundation's
/// home lookup reads the password database and would ignore `$HOME`).
public enum CacheDirectory {
    /// The cache root, `…/arrcoc`.
    public static var root: URL {
        let env = ProcessInfo.processInfo.environment
        if let xdg = env["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
            return URL(fileURLWithPath: xdg).appendingPathComponent("arrcoc")
        }
        let home = env["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? FileManager.default.homeDirectoryForCurrentUser.path
        return URL(fileURLWithPath: home).appendingPathComponent(".cache/arrcoc")
    }

    /// The sample videos (`Scripts/fetch-samples.sh`): `$ARRCOC_SAMPLES`, else `root/samples`.
    public static var samples: URL {
        if let dir = ProcessInfo.processInfo.environment["ARRCOC_SAMPLES"], !dir.isEmpty {
            return URL(fileURLWithPath: dir)
        }
        return root.appendingPathComponent("samples")
    }

    /// Clips and images arrcoc generates once and reuses (demo haystacks, needles).
    public static var generated: URL { root.appendingPathComponent("generated") }

    /// A path as given if it exists, else a sample of that name in the sample cache.
    public static func resolveSample(_ name: String) -> String? {
        if FileManager.default.fileExists(atPath: name) { return name }
        let sample = samples.appendingPathComponent(name).path
        return FileManager.default.fileExists(atPath: sample) ? sample : nil
    }
}
