import Foundation
import Testing
import TestSupport

/// Docs/cli.md is the `--help` text of every command, written by Scripts/gen-cli-docs.sh: these
/// tests fail when the committed file and the built binary disagree.
@Suite struct CLIDocsTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let regenerate = "regenerate it with `Scripts/gen-cli-docs.sh` (or `Scripts/gen-cli-docs.sh --binary .build/debug/arrcoc`) and commit Docs/cli.md"

    /// The document the generator writes for the binary under test.
    static func generated() throws -> String {
        let script = repository.appendingPathComponent("Scripts/gen-cli-docs.sh")
        let r = try ProcessRunner.run(URL(fileURLWithPath: "/bin/bash"), [script.path, "--binary", try CLIRunner.executable.path, "--stdout"])
        guard r.status == 0 else {
            throw FFmpegTool.Failure(command: ["Scripts/gen-cli-docs.sh"], status: r.status, stderr: String(decoding: r.stderr, as: UTF8.self))
        }
        return String(decoding: r.stdout, as: UTF8.self)
    }

    @Test func committedCLIReferenceMatchesTheHelpOfTheBuiltBinary() throws {
        let committed = try String(contentsOf: Self.repository.appendingPathComponent("Docs/cli.md"), encoding: .utf8)
        let current = try Self.generated()
        guard committed != current else { return }
        let old = committed.split(separator: "\n", omittingEmptySubsequences: false)
        let new = current.split(separator: "\n", omittingEmptySubsequences: false)
        let line = zip(old, new).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(old.count, new.count)
        let was = line < old.count ? String(old[line]) : "(end of file)"
        let now = line < new.count ? String(new[line]) : "(end of output)"
        Issue.record("Docs/cli.md differs from the binary's --help at line \(line + 1): the file has \"\(was)\", the binary prints \"\(now)\"; \(Self.regenerate)")
    }

    /// The subcommand names in the SUBCOMMANDS section of `arrcoc --help`.
    static func subcommands() throws -> [String] {
        let help = try CLIRunner.run(["--help"], environment: ["COLUMNS": "80"])
        #expect(help.status == 0)
        var inList = false
        var names: [String] = []
        for line in help.stdout.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "SUBCOMMANDS:" { inList = true; continue }
            if inList && line.isEmpty { break }
            if inList, line.hasPrefix("  "), !line.hasPrefix("   "), let name = line.split(separator: " ").first { names.append(String(name)) }
        }
        #expect(names.count >= 8, "\(help.stdout)")
        return names
    }

    /// Every subcommand `arrcoc --help` lists has its section, and nested ones (`sweep merge`) too:
    /// the generator walks the SUBCOMMANDS sections, so a new command cannot be left out.
    @Test func referenceHasASectionPerSubcommandIncludingNestedOnes() throws {
        let document = try Self.generated()
        let names = try Self.subcommands()
        for name in names + ["sweep run", "sweep merge"] {
            #expect(document.contains("\n## arrcoc \(name)\n"), "no section for `arrcoc \(name)`")
        }
    }

    /// The README's command table has one row per subcommand: none missing, none twice.
    @Test func readmeListsEverySubcommandOnce() throws {
        let readme = try String(contentsOf: Self.repository.appendingPathComponent("README.md"), encoding: .utf8)
        let rows = readme.split(separator: "\n").filter { $0.hasPrefix("| `arrcoc ") }
        for name in try Self.subcommands() {
            let count = rows.filter { $0.hasPrefix("| `arrcoc \(name) ") || $0.hasPrefix("| `arrcoc \(name)`") }.count
            #expect(count == 1, "README.md's command table has \(count) rows for `arrcoc \(name)`: give it exactly one")
        }
    }

    /// The preview image the README shows is a PNG under 200 KB.
    @Test func readmePreviewImageIsAPNGUnder200KB() throws {
        let readme = try String(contentsOf: Self.repository.appendingPathComponent("README.md"), encoding: .utf8)
        let image = try #require(readme.firstMatch(of: /!\[[^\]]*\]\((Docs\/images\/[^)]+\.png)\)/)?.1, "no PNG from Docs/images in the README")
        let data = try Data(contentsOf: Self.repository.appendingPathComponent(String(image)))
        #expect(data.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        #expect(data.count < 200_000, "\(image) is \(data.count) bytes")
    }
}
