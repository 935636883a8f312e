/// Text from files and names as messages show it, shared by every module that reports them.
public enum Escaping {
    /// `text` with every control or format character written out (`\n`, `\0`, `\u{1B}`,
    /// `\u{9B}`, `\u{202E}`): C0 and C1 controls, bidirectional overrides and line separators
    /// cannot move the cursor, colour the terminal or reorder what is shown, and a crafted name
    /// cannot forge the lines around it. (`String`'s `debugDescription` keeps C1 controls such as
    /// U+009B, a one-byte CSI, as they are.)
    public static func escaped(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator:
                switch scalar {
                case "\n": out += "\\n"
                case "\t": out += "\\t"
                case "\r": out += "\\r"
                case "\0": out += "\\0"
                default: out += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
                }
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
