/// Limits a config file's shape before any parser sees it. The TOML and JSON parsers recurse
/// per level of nesting (a dotted key of 10,000 parts overflowed the server's stack and took
/// every app down with it); a config file is a few dozen lines, so anything deep, wide or
/// large is refused with a one-line error instead. Pure: a single pass over the bytes that
/// knows strings and comments, nothing else.
public enum ConfigShapeCheck {
    public struct Limits: Sendable {
        public var maximumBytes = 256 << 10
        /// Brackets and braces open at once, plus the parts of the key being read.
        public var maximumDepth = 24
        /// Keys, values and table headers, roughly: `=`, `:` and `,` outside strings.
        public var maximumItems = 20_000

        public init() {}
    }

    /// Nil when `text` is within `limits`, else what is wrong (without the file name).
    public static func problem(toml text: String, limits: Limits = Limits()) -> String? {
        problem(text, toml: true, limits: limits)
    }

    public static func problem(json text: String, limits: Limits = Limits()) -> String? {
        problem(text, toml: false, limits: limits)
    }

    private static func problem(_ text: String, toml: Bool, limits: Limits) -> String? {
        let bytes = Array(text.utf8)
        if bytes.count > limits.maximumBytes { return "is larger than \(limits.maximumBytes) bytes" }
        var index = 0
        var brackets = 0
        var keyParts = 0
        var items = 0
        // TOML: a key is being read (line start, or after `{` or `,` in an inline table) until `=`.
        var readingKey = toml
        var lineStart = true
        func tooDeep() -> String { "nests more than \(limits.maximumDepth) levels deep (tables, arrays or dotted keys)" }
        while index < bytes.count {
            let byte = bytes[index]
            // Strings: skipped whole; an unterminated one is the parser's to report.
            if byte == UInt8(ascii: "\"") || (toml && byte == UInt8(ascii: "'")) {
                let multiline = toml && index + 2 < bytes.count && bytes[index + 1] == byte && bytes[index + 2] == byte
                let escapes = byte == UInt8(ascii: "\"")
                index += multiline ? 3 : 1
                while index < bytes.count {
                    if escapes && bytes[index] == UInt8(ascii: "\\") {
                        index += 2
                        continue
                    }
                    if bytes[index] == byte {
                        if !multiline { break }
                        if index + 2 < bytes.count && bytes[index + 1] == byte && bytes[index + 2] == byte {
                            index += 2
                            break
                        }
                    }
                    if !multiline && bytes[index] == UInt8(ascii: "\n") { break }
                    index += 1
                }
                index += 1
                lineStart = false
                continue
            }
            if toml && byte == UInt8(ascii: "#") {
                while index < bytes.count && bytes[index] != UInt8(ascii: "\n") { index += 1 }
                continue
            }
            // TOML allows characters outside ASCII only in strings and comments; toml++ asserts
            // (and so aborts the process) on some of them in a key.
            if toml && byte >= 0x80 { return "holds a character outside quotes that is not ASCII" }
            if toml && byte < 0x20 && byte != UInt8(ascii: "\n") && byte != UInt8(ascii: "\t") && byte != UInt8(ascii: "\r") {
                return "holds a control character outside quotes"
            }
            switch byte {
            case UInt8(ascii: "\n"):
                if toml && brackets == 0 {
                    readingKey = true
                    keyParts = 0
                }
                lineStart = true
                index += 1
                continue
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                index += 1
                continue
            case UInt8(ascii: "["):
                if toml && lineStart && brackets == 0 {
                    // A table header: its dotted parts count as depth.
                    readingKey = true
                    keyParts = 1
                    index += 1
                    if index < bytes.count && bytes[index] == UInt8(ascii: "[") { index += 1 }
                    lineStart = false
                    items += 1
                    continue
                }
                brackets += 1
                if toml { readingKey = false }
            case UInt8(ascii: "{"):
                brackets += 1
                if toml { readingKey = true; keyParts = 1 }
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                if brackets > 0 { brackets -= 1 }
                if toml && brackets == 0 && byte == UInt8(ascii: "]") { readingKey = false }
            case UInt8(ascii: "."):
                if toml && readingKey {
                    keyParts += 1
                }
            case UInt8(ascii: "="):
                items += 1
                if toml { readingKey = false }
            case UInt8(ascii: ","), UInt8(ascii: ":"):
                items += 1
                if toml && byte == UInt8(ascii: ",") && brackets > 0 { readingKey = true; keyParts = 1 }
            default:
                if toml && readingKey && keyParts == 0 { keyParts = 1 }
            }
            lineStart = false
            if brackets + keyParts > limits.maximumDepth { return tooDeep() }
            if items > limits.maximumItems { return "has more than \(limits.maximumItems) keys and values" }
            index += 1
        }
        return nil
    }
}
