/// Text from files and names as messages show it, shared by every module that reports them.
public enum Escaping {
    /// `text` with every character that can steer a terminal or a reader written out: C0 and C1
    /// controls (`\n`, `\0`, `\u{1B}`, `\u{9B}`), bidirectional marks and overrides, and line
    /// separators. A crafted name then cannot move the cursor, colour the terminal, reorder what
    /// is shown or forge the lines around it. Joiners (U+200C, U+200D) are kept: names in
    /// Persian, Indic scripts and emoji need them. (`String`'s `debugDescription` keeps C1
    /// controls such as U+009B, a one-byte CSI, as they are.)
    public static func escaped(_ text: String) -> String {
        escaping(text, keepingLines: false)
    }

    /// A whole message, several lines of which may be its own (usage, lists): the same as
    /// `escaped`, but newlines and tabs are kept.
    public static func terminalSafe(_ text: String) -> String {
        escaping(text, keepingLines: true)
    }

    static func escaping(_ text: String, keepingLines: Bool) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if keepingLines, scalar == "\n" || scalar == "\t" {
                out.unicodeScalars.append(scalar)
                continue
            }
            guard steers(scalar) else {
                out.unicodeScalars.append(scalar)
                continue
            }
            switch scalar {
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case "\0": out += "\\0"
            default: out += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            }
        }
        return out
    }

    /// C0 and C1 controls, the bidirectional marks, embeddings, overrides and isolates, and the
    /// line and paragraph separators.
    static func steers(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x061C, 0x200E, 0x200F, 0x2028...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}
