import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// The elements of an SVG document, parsed as XML (which also checks that it is well formed).
public final class SVGStructure: NSObject, XMLParserDelegate {
    public private(set) var elements: [(name: String, attributes: [String: String])] = []
    public private(set) var texts: [String] = []
    private var text = ""

    public init(_ svg: String) throws {
        super.init()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = self
        guard parser.parse() else {
            throw ParseFailure(reason: parser.parserError.map { "\($0)" } ?? "unknown", line: parser.lineNumber)
        }
    }

    public struct ParseFailure: Error, CustomStringConvertible {
        public let reason: String
        public let line: Int
        public var description: String { "SVG is not well-formed XML at line \(line): \(reason)" }
    }

    public func attributes(class name: String) -> [[String: String]] {
        elements.filter { $0.attributes["class"] == name }.map(\.attributes)
    }

    public func count(class name: String) -> Int { attributes(class: name).count }

    public func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                       attributes: [String: String] = [:]) {
        elements.append((name, attributes))
        text = ""
    }

    public func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    public func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "text" { texts.append(text) }
        text = ""
    }
}

/// Headless Chromium (Debian's `chromium`), for tests that look at rendered SVG.
public enum Chromium {
    /// Renders `svg` to a PNG screenshot; nil when Chromium is not installed.
    public static func screenshot(svg: URL, width: Int, height: Int) throws -> String? {
        guard let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            return nil
        }
        let png = svg.deletingPathExtension().path + ".png"
        _ = try ProcessRunner.run(URL(fileURLWithPath: chromium), [
            "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--screenshot=\(png)",
            "--window-size=\(width),\(height)", svg.absoluteString,
        ])
        guard FileManager.default.fileExists(atPath: png) else { throw FFmpegTool.Failure(command: [chromium], status: 1, stderr: "no screenshot") }
        return png
    }
}
