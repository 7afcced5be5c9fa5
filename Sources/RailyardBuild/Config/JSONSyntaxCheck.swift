/// Finds the first syntax error in a JSON document, with its line and column, by RFC 8259's
/// strict grammar. Foundation's parsers say only that a document is invalid, and accept a
/// trailing comma, which Railway (and every other strict reader) refuses; a config file that
/// works here must work there. Pure and iterative: one pass over the bytes with an explicit
/// stack, so no input can recurse it into the ground.
public enum JSONSyntaxCheck {
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        /// 1-based.
        public let line: Int
        /// 1-based, in characters (Unicode scalars) of the line.
        public let column: Int
        public let message: String

        public var description: String { "line \(line), column \(column): \(message)" }
    }

    /// Nil when `text` is one valid JSON value (a leading byte-order mark allowed), else the
    /// first error. Nesting past `maximumDepth` is an error too.
    public static func problem(_ text: String, maximumDepth: Int = 512) -> Problem? {
        var scanner = Scanner(bytes: Array(text.utf8), maximumDepth: maximumDepth)
        return scanner.run()
    }

    private enum Container { case object, array }

    /// What the grammar allows next.
    private enum Expectation {
        /// A value: the document's, an array's item, or an object's after `:`.
        case value
        /// The first item of an array, or `]`.
        case firstItemOrClose
        /// The first key of an object, or `}`.
        case firstKeyOrClose
        /// A key after `,`.
        case key
        case colon
        /// `,` or the container's closer.
        case separatorOrClose
        /// Nothing but whitespace.
        case end
    }

    private struct Scanner {
        let bytes: [UInt8]
        let maximumDepth: Int
        var index = 0
        var line = 1
        /// Where the current line starts, for columns.
        var lineStart = 0
        var stack: [Container] = []
        var expectation = Expectation.value

        init(bytes: [UInt8], maximumDepth: Int) {
            self.bytes = bytes
            self.maximumDepth = maximumDepth
            // A UTF-8 byte-order mark, which editors on some systems write.
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
                index = 3
                lineStart = 3
            }
        }

        mutating func run() -> Problem? {
            while true {
                skipWhitespace()
                guard index < bytes.count else {
                    if expectation == .end { return nil }
                    return problem(at: index, "expected \(expected), found the end of the file")
                }
                let byte = bytes[index]
                switch expectation {
                case .end:
                    return problem(at: index, "expected the end of the file after the document, found \(found(at: index))")
                case .colon:
                    guard byte == UInt8(ascii: ":") else {
                        return problem(at: index, "expected ':' after the key, found \(found(at: index))")
                    }
                    index += 1
                    expectation = .value
                case .separatorOrClose:
                    let closer = stack.last == .object ? UInt8(ascii: "}") : UInt8(ascii: "]")
                    if byte == UInt8(ascii: ",") {
                        index += 1
                        expectation = stack.last == .object ? .key : .value
                        // A trailing comma: say so rather than "expected a value".
                        skipWhitespace()
                        if index < bytes.count, bytes[index] == UInt8(ascii: "}") || bytes[index] == UInt8(ascii: "]") {
                            return problem(at: index, "a trailing comma before \(found(at: index)): JSON allows none; remove the comma")
                        }
                    } else if byte == closer {
                        index += 1
                        close()
                    } else {
                        return problem(at: index, "expected ',' or '\(Character(Unicode.Scalar(closer)))', found \(found(at: index))")
                    }
                case .firstKeyOrClose where byte == UInt8(ascii: "}"), .firstItemOrClose where byte == UInt8(ascii: "]"):
                    index += 1
                    close()
                case .firstKeyOrClose, .key:
                    guard byte == UInt8(ascii: "\"") else {
                        return problem(at: index, "expected a key (a string in double quotes), found \(found(at: index))")
                    }
                    if let problem = string() { return problem }
                    expectation = .colon
                case .value, .firstItemOrClose:
                    if let problem = value(byte) { return problem }
                }
            }
        }

        var expected: String {
            switch expectation {
            case .value: "a value"
            case .firstItemOrClose: "a value or ']'"
            case .firstKeyOrClose: "a key or '}'"
            case .key: "a key"
            case .colon: "':'"
            case .separatorOrClose: stack.last == .object ? "',' or '}'" : "',' or ']'"
            case .end: "the end of the file"
            }
        }

        /// Reads the value starting at `byte`, or opens a container.
        mutating func value(_ byte: UInt8) -> Problem? {
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                guard stack.count < maximumDepth else {
                    return problem(at: index, "nests more than \(maximumDepth) levels deep")
                }
                let isObject = byte == UInt8(ascii: "{")
                stack.append(isObject ? .object : .array)
                index += 1
                expectation = isObject ? .firstKeyOrClose : .firstItemOrClose
                return nil
            case UInt8(ascii: "\""):
                if let problem = string() { return problem }
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                if let problem = number() { return problem }
            case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
                let word = Array((byte == UInt8(ascii: "t") ? "true" : byte == UInt8(ascii: "f") ? "false" : "null").utf8)
                guard bytes[index...].starts(with: word), !isWordByte(at: index + word.count) else {
                    return problem(at: index, "expected \(expected), found \(found(at: index))")
                }
                index += word.count
            default:
                if byte == UInt8(ascii: "'") {
                    return problem(at: index, "expected \(expected), found \"'\": JSON strings take double quotes")
                }
                return problem(at: index, "expected \(expected), found \(found(at: index))")
            }
            expectation = stack.isEmpty ? .end : .separatorOrClose
            return nil
        }

        mutating func close() {
            stack.removeLast()
            expectation = stack.isEmpty ? .end : .separatorOrClose
        }

        /// A string from its opening quote (at `index`) to past its closing one.
        mutating func string() -> Problem? {
            let start = index
            index += 1
            while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "\""):
                    index += 1
                    return nil
                case UInt8(ascii: "\\"):
                    guard index + 1 < bytes.count else { index = bytes.count; continue }
                    let escaped = bytes[index + 1]
                    if escaped == UInt8(ascii: "u") {
                        let digits = bytes[min(index + 2, bytes.count)..<min(index + 6, bytes.count)]
                        guard digits.count == 4, digits.allSatisfy(isHexDigit) else {
                            return problem(at: index, "\\u in a string takes four hexadecimal digits")
                        }
                        index += 6
                    } else if Array(#""\/bfnrt"#.utf8).contains(escaped) {
                        index += 2
                    } else {
                        return problem(at: index, "unknown escape in a string: \(found(at: index + 1)) after '\\' (use \\\\ for a backslash)")
                    }
                case 0..<0x20:
                    if byte == UInt8(ascii: "\n") {
                        return problem(at: start, "this string does not end on its line (a line break inside a string must be written \\n)")
                    }
                    return problem(at: index, "a control character inside a string (write it as an escape such as \\t)")
                default:
                    index += 1
                }
            }
            return problem(at: start, "this string does not end: its closing '\"' is missing")
        }

        /// A number as RFC 8259 has it: no leading zeros, no `+`, no bare `.`, no hex.
        mutating func number() -> Problem? {
            let start = index
            func digits() -> Int {
                let first = index
                while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
                return index - first
            }
            func bad() -> Problem {
                problem(at: start, "\(found(at: start)) is not a JSON number")
            }
            if bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count else { return bad() }
            if bytes[index] == UInt8(ascii: "0") {
                index += 1
            } else if digits() == 0 {
                return bad()
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                if digits() == 0 { return bad() }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                if digits() == 0 { return bad() }
            }
            // `01`, `1x`, `1.2.3`: the number runs on into something that is not one.
            if isWordByte(at: index) || (index < bytes.count && bytes[index] == UInt8(ascii: ".")) { return bad() }
            return nil
        }

        mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                    index += 1
                case UInt8(ascii: "\n"):
                    index += 1
                    line += 1
                    lineStart = index
                default:
                    return
                }
            }
        }

        func isHexDigit(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
        }

        /// Letters, digits, `_`, `+`, `-` and non-ASCII: what runs together into one word.
        func isWordByte(at position: Int) -> Bool {
            guard position < bytes.count else { return false }
            let byte = bytes[position]
            return byte >= 0x80 || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-")
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
        }

        /// What is at `position`, for a message: a quoted word or character (at most 20
        /// characters of it), or the end of the file.
        func found(at position: Int) -> String {
            guard position < bytes.count else { return "the end of the file" }
            var end = position
            if isWordByte(at: position) || bytes[position] == UInt8(ascii: ".") {
                while end < bytes.count, end - position < 20, isWordByte(at: end) || bytes[end] == UInt8(ascii: ".") { end += 1 }
            } else {
                end += 1
                // The rest of a multi-byte character.
                while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
            }
            let text = String(decoding: bytes[position..<end], as: UTF8.self)
            return text.contains("'") ? "\"\(text)\"" : "'\(text)'"
        }

        func problem(at position: Int, _ message: String) -> Problem {
            // Every error lies on the current line: lines advance only in whitespace, and a
            // string or number that reaches a line break is reported where it starts.
            let start = min(lineStart, position)
            let column = bytes[start..<min(position, bytes.count)].reduce(1) { $1 & 0xC0 == 0x80 ? $0 : $0 + 1 }
            return Problem(line: line, column: column, message: message)
        }
    }
}
