/// A TOML 1.0 reader for config files. Ours rather than a library's: the server parses
/// tenants' files, and the C++ parser we used (toml++, through TOMLKit) aborted the whole
/// process on some malformed headers and keys (an `assert`), and recursed once per dotted key
/// part. This one works on bytes, fails with a message and a line number on anything it does
/// not accept, and nests at most `maximumDepth` levels. Dates and times parse but are
/// reported as unsupported values: no config field takes one.
struct TOMLParser {
    struct Failure: Error, Equatable {
        let message: String
        let line: Int
    }

    static let maximumDepth = 32

    private let bytes: [UInt8]
    private var index = 0
    private var line = 1

    private init(_ text: String) { bytes = Array(text.utf8) }

    /// The document as a table.
    static func parse(_ text: String) throws(Failure) -> ConfigValue {
        var parser = TOMLParser(text)
        let root = try parser.document()
        return root.value
    }

    // MARK: Document model

    final class Table {
        var entries: [String: Node] = [:]
        /// Made by a `[header]`: no second header may name it.
        var headerDefined = false
        /// Made by a dotted key: no header may name it later.
        var dottedDefined = false
        /// An inline table is complete as written.
        var inline = false

        var value: ConfigValue {
            var result: [String: ConfigValue] = [:]
            for (key, node) in entries {
                switch node {
                case .value(let value): result[key] = value
                case .table(let table): result[key] = table.value
                case .tables(let tables): result[key] = .array(tables.map(\.value))
                }
            }
            return .table(result)
        }
    }

    enum Node {
        case value(ConfigValue)
        case table(Table)
        /// An array of tables (`[[name]]`).
        case tables([Table])
    }

    // MARK: Bytes

    private var atEnd: Bool { index >= bytes.count }
    private func peek(_ offset: Int = 0) -> UInt8? { index + offset < bytes.count ? bytes[index + offset] : nil }

    private func fail(_ message: String) -> Failure { Failure(message: message, line: line) }

    private mutating func skipSpaces() {
        while let byte = peek(), byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") { index += 1 }
    }

    private mutating func skipComment() throws(Failure) {
        guard peek() == UInt8(ascii: "#") else { return }
        while let byte = peek(), byte != UInt8(ascii: "\n") {
            if byte == UInt8(ascii: "\r") && peek(1) == UInt8(ascii: "\n") { break }
            if (byte < 0x20 && byte != UInt8(ascii: "\t")) || byte == 0x7F { throw fail("a control character in a comment") }
            index += 1
        }
    }

    /// A newline (LF or CRLF); false when there is none here.
    private mutating func newline() -> Bool {
        if peek() == UInt8(ascii: "\n") {
            index += 1
            line += 1
            return true
        }
        if peek() == UInt8(ascii: "\r") && peek(1) == UInt8(ascii: "\n") {
            index += 2
            line += 1
            return true
        }
        return false
    }

    /// Spaces, then an optional comment, then a newline or the end.
    private mutating func endOfLine() throws(Failure) {
        skipSpaces()
        try skipComment()
        if atEnd || newline() { return }
        throw fail("expected the end of the line, found '\(Self.shown(peek()))'")
    }

    /// Spaces, comments and newlines (inside arrays).
    private mutating func skipBlank() throws(Failure) {
        while true {
            skipSpaces()
            try skipComment()
            if !newline() { return }
        }
    }

    private static func shown(_ byte: UInt8?) -> String {
        guard let byte else { return "the end" }
        if byte >= 0x20 && byte < 0x7F { return String(UnicodeScalar(byte)) }
        return byte == UInt8(ascii: "\n") ? "a newline" : "byte \(byte)"
    }

    // MARK: Structure

    private mutating func document() throws(Failure) -> Table {
        let root = Table()
        var current = root
        while true {
            skipSpaces()
            guard let byte = peek() else { break }
            if byte == UInt8(ascii: "#") {
                try endOfLine()
            } else if newline() {
                continue
            } else if byte == UInt8(ascii: "[") {
                let array = peek(1) == UInt8(ascii: "[")
                index += array ? 2 : 1
                skipSpaces()
                let keys = try key()
                skipSpaces()
                if array {
                    guard peek() == UInt8(ascii: "]"), peek(1) == UInt8(ascii: "]") else { throw fail("expected ]] after the table name") }
                    index += 2
                    current = try appendTable(keys, in: root)
                } else {
                    guard peek() == UInt8(ascii: "]") else { throw fail("expected ] after the table name") }
                    index += 1
                    current = try defineTable(keys, in: root)
                }
                try endOfLine()
            } else {
                let keys = try key()
                skipSpaces()
                guard peek() == UInt8(ascii: "=") else { throw fail("expected = after the key '\(keys.joined(separator: "."))'") }
                index += 1
                skipSpaces()
                let value = try value(depth: 1)
                try assign(value, to: keys, in: current)
                try endOfLine()
            }
        }
        return root
    }

    /// A key: bare or quoted parts joined by dots.
    private mutating func key() throws(Failure) -> [String] {
        var parts: [String] = []
        while true {
            skipSpaces()
            guard let byte = peek() else { throw fail("expected a key, found the end") }
            if byte == UInt8(ascii: "\"") {
                if peek(1) == UInt8(ascii: "\""), peek(2) == UInt8(ascii: "\"") { throw fail("a key cannot be a multi-line string") }
                parts.append(try basicString())
            } else if byte == UInt8(ascii: "'") {
                if peek(1) == UInt8(ascii: "'"), peek(2) == UInt8(ascii: "'") { throw fail("a key cannot be a multi-line string") }
                parts.append(try literalString())
            } else if Self.isBare(byte) {
                let start = index
                while let next = peek(), Self.isBare(next) { index += 1 }
                parts.append(String(decoding: bytes[start..<index], as: UTF8.self))
            } else {
                throw fail("expected a key, found '\(Self.shown(byte))'")
            }
            if parts.count > Self.maximumDepth { throw fail("a key has more than \(Self.maximumDepth) parts") }
            skipSpaces()
            guard peek() == UInt8(ascii: ".") else { return parts }
            index += 1
        }
    }

    private static func isBare(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }

    /// Walks (making as needed) the tables on the way to a header's last key.
    private func parent(of keys: [String], in root: Table) throws(Failure) -> Table {
        var table = root
        for key in keys.dropLast() {
            switch table.entries[key] {
            case nil:
                let made = Table()
                table.entries[key] = .table(made)
                table = made
            case .table(let next)?:
                if next.inline { throw fail("'\(key)' is an inline table and cannot be extended") }
                table = next
            case .tables(let tables)?:
                guard let last = tables.last else { throw fail("'\(key)' is empty") }
                table = last
            case .value?:
                throw fail("'\(key)' is already a value, not a table")
            }
        }
        return table
    }

    private func defineTable(_ keys: [String], in root: Table) throws(Failure) -> Table {
        let parent = try parent(of: keys, in: root)
        guard let name = keys.last else { throw fail("a table needs a name") }
        switch parent.entries[name] {
        case nil:
            let table = Table()
            table.headerDefined = true
            parent.entries[name] = .table(table)
            return table
        case .table(let table)?:
            if table.headerDefined || table.dottedDefined || table.inline { throw fail("the table '\(keys.joined(separator: "."))' is defined twice") }
            table.headerDefined = true
            return table
        default:
            throw fail("'\(keys.joined(separator: "."))' is already defined")
        }
    }

    private func appendTable(_ keys: [String], in root: Table) throws(Failure) -> Table {
        let parent = try parent(of: keys, in: root)
        guard let name = keys.last else { throw fail("a table needs a name") }
        let table = Table()
        table.headerDefined = true
        switch parent.entries[name] {
        case nil: parent.entries[name] = .tables([table])
        case .tables(let tables)?: parent.entries[name] = .tables(tables + [table])
        default: throw fail("'\(keys.joined(separator: "."))' is already defined and is not an array of tables")
        }
        return table
    }

    private func assign(_ value: ConfigValue, to keys: [String], in start: Table) throws(Failure) {
        var table = start
        for key in keys.dropLast() {
            switch table.entries[key] {
            case nil:
                let made = Table()
                made.dottedDefined = true
                table.entries[key] = .table(made)
                table = made
            case .table(let next)? where next.dottedDefined && !next.inline:
                table = next
            default:
                throw fail("'\(key)' is already defined")
            }
        }
        guard let name = keys.last else { throw fail("a key needs a name") }
        guard table.entries[name] == nil else { throw fail("the key '\(keys.joined(separator: "."))' is defined twice") }
        table.entries[name] = .value(value)
    }

    // MARK: Values

    private mutating func value(depth: Int) throws(Failure) -> ConfigValue {
        guard depth <= Self.maximumDepth else { throw fail("values nest more than \(Self.maximumDepth) levels deep") }
        guard let byte = peek() else { throw fail("expected a value, found the end") }
        switch byte {
        case UInt8(ascii: "\""):
            if peek(1) == UInt8(ascii: "\""), peek(2) == UInt8(ascii: "\"") { return .string(try multilineBasicString()) }
            return .string(try basicString())
        case UInt8(ascii: "'"):
            if peek(1) == UInt8(ascii: "'"), peek(2) == UInt8(ascii: "'") { return .string(try multilineLiteralString()) }
            return .string(try literalString())
        case UInt8(ascii: "t"):
            try word("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try word("false")
            return .bool(false)
        case UInt8(ascii: "["):
            index += 1
            var items: [ConfigValue] = []
            while true {
                try skipBlank()
                if peek() == UInt8(ascii: "]") {
                    index += 1
                    return .array(items)
                }
                items.append(try value(depth: depth + 1))
                try skipBlank()
                if peek() == UInt8(ascii: ",") {
                    index += 1
                } else if peek() == UInt8(ascii: "]") {
                    index += 1
                    return .array(items)
                } else {
                    throw fail("expected , or ] in an array, found '\(Self.shown(peek()))'")
                }
            }
        case UInt8(ascii: "{"):
            index += 1
            let table = Table()
            skipSpaces()
            if peek() == UInt8(ascii: "}") {
                index += 1
                table.inline = true
                return table.value
            }
            while true {
                let keys = try key()
                if keys.count + depth > Self.maximumDepth { throw fail("values nest more than \(Self.maximumDepth) levels deep") }
                skipSpaces()
                guard peek() == UInt8(ascii: "=") else { throw fail("expected = after the key '\(keys.joined(separator: "."))'") }
                index += 1
                skipSpaces()
                try assign(try value(depth: depth + 1), to: keys, in: table)
                skipSpaces()
                if peek() == UInt8(ascii: ",") {
                    index += 1
                } else if peek() == UInt8(ascii: "}") {
                    index += 1
                    table.inline = true
                    return table.value
                } else {
                    throw fail("expected , or } in an inline table, found '\(Self.shown(peek()))'")
                }
            }
        default:
            return try number()
        }
    }

    private mutating func word(_ expected: String) throws(Failure) {
        let word = Array(expected.utf8)
        guard index + word.count <= bytes.count, bytes[index..<(index + word.count)].elementsEqual(word) else {
            throw fail("expected a value")
        }
        index += word.count
        if let next = peek(), Self.isBare(next) { throw fail("expected a value") }
    }

    /// Integers (decimal, 0x, 0o, 0b, with `_` between digits), floats (with `inf` and `nan`),
    /// and dates and times, which are recognised and refused.
    private mutating func number() throws(Failure) -> ConfigValue {
        let start = index
        while let byte = peek(), Self.isBare(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: ":") {
            index += 1
        }
        // A date's time may follow a space: 1979-05-27 07:32:00.
        if peek() == UInt8(ascii: " "), let digit = peek(1), digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "9"),
           index - start == 10, bytes[start + 4] == UInt8(ascii: "-")
        {
            index += 1
            while let byte = peek(), Self.isBare(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: ":") {
                index += 1
            }
        }
        let token = String(decoding: bytes[start..<index], as: UTF8.self)
        guard !token.isEmpty else { throw fail("expected a value, found '\(Self.shown(peek()))'") }
        if token.contains(":") || (token.count >= 10 && token.dropFirst(4).first == "-" && token.prefix(4).allSatisfy(\.isNumber)) {
            throw fail("dates and times are not supported in config files ('\(token.prefix(40))')")
        }
        switch token {
        case "inf", "+inf": return .double(.infinity)
        case "-inf": return .double(-.infinity)
        case "nan", "+nan", "-nan": return .double(.nan)
        default: break
        }
        for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where token.hasPrefix(prefix) {
            guard let digits = Self.digits(token.dropFirst(2)), let integer = Int(digits, radix: radix) else {
                throw fail("'\(token.prefix(40))' is not a number")
            }
            return .integer(integer)
        }
        var unsigned = Substring(token)
        if unsigned.hasPrefix("+") || unsigned.hasPrefix("-") { unsigned = unsigned.dropFirst() }
        guard let digits = Self.digits(unsigned) else { throw fail("'\(token.prefix(40))' is not a number") }
        let sign = token.hasPrefix("-") ? "-" : ""
        if digits.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) {
            // A float: digits on both sides of a point; an exponent of digits.
            let lowered = digits.lowercased()
            let parts = lowered.split(separator: "e", omittingEmptySubsequences: false)
            let mantissa = parts[0].split(separator: ".", omittingEmptySubsequences: false)
            let wellFormed = parts.count <= 2 && mantissa.count <= 2 && mantissa.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isNumber) }
                && (parts.count == 1 || Self.isExponent(parts[1])) && !(mantissa[0].count > 1 && mantissa[0].hasPrefix("0"))
            guard wellFormed, let double = Double(sign + digits) else { throw fail("'\(token.prefix(40))' is not a number") }
            return .double(double)
        }
        guard digits.allSatisfy(\.isNumber), !(digits.count > 1 && digits.hasPrefix("0")), let integer = Int(sign + digits) else {
            throw fail("'\(token.prefix(40))' is not a number (or too large)")
        }
        return .integer(integer)
    }

    private static func isExponent(_ text: Substring) -> Bool {
        var digits = text
        if digits.hasPrefix("+") || digits.hasPrefix("-") { digits = digits.dropFirst() }
        return !digits.isEmpty && digits.allSatisfy(\.isNumber)
    }

    /// The digits of a number with its `_` separators taken out; nil when one is not between
    /// two digits.
    private static func digits(_ text: Substring) -> String? {
        var result = ""
        var previous: Character?
        for character in text {
            if character == "_" {
                guard let previous, previous.isHexDigit else { return nil }
            } else if previous == "_" && !character.isHexDigit {
                return nil
            }
            if character != "_" { result.append(character) }
            previous = character
        }
        if previous == "_" || result.isEmpty { return nil }
        return result
    }

    // MARK: Strings

    private mutating func basicString() throws(Failure) -> String {
        index += 1
        var result: [UInt8] = []
        while true {
            guard let byte = peek() else { throw fail("a string is not closed") }
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return String(decoding: result, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try escape(into: &result)
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                throw fail("a string is not closed on its line")
            default:
                if (byte < 0x20 && byte != UInt8(ascii: "\t")) || byte == 0x7F { throw fail("a control character in a string") }
                result.append(byte)
                index += 1
            }
        }
    }

    private mutating func escape(into result: inout [UInt8]) throws(Failure) {
        index += 1
        guard let code = peek() else { throw fail("a string is not closed") }
        index += 1
        switch code {
        case UInt8(ascii: "b"): result.append(0x08)
        case UInt8(ascii: "t"): result.append(0x09)
        case UInt8(ascii: "n"): result.append(0x0A)
        case UInt8(ascii: "f"): result.append(0x0C)
        case UInt8(ascii: "r"): result.append(0x0D)
        case UInt8(ascii: "\""): result.append(0x22)
        case UInt8(ascii: "\\"): result.append(0x5C)
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let count = code == UInt8(ascii: "u") ? 4 : 8
            guard index + count <= bytes.count,
                  let value = UInt32(String(decoding: bytes[index..<(index + count)], as: UTF8.self), radix: 16),
                  let scalar = Unicode.Scalar(value)
            else { throw fail("an escape \\\(code == UInt8(ascii: "u") ? "u" : "U") is not a Unicode scalar value") }
            index += count
            result += Array(String(Character(scalar)).utf8)
        default:
            throw fail("an unknown escape \\\(Self.shown(code)) in a string")
        }
    }

    /// `"""…"""`: a newline right after the opening quotes is dropped; a backslash at the end
    /// of a line joins it to the next non-blank text.
    private mutating func multilineBasicString() throws(Failure) -> String {
        index += 3
        _ = newline()
        var result: [UInt8] = []
        while true {
            guard let byte = peek() else { throw fail("a multi-line string is not closed") }
            if closesMultiline(UInt8(ascii: "\""), into: &result) { return String(decoding: result, as: UTF8.self) }
            if byte == UInt8(ascii: "\\") {
                // A line-ending backslash?
                var look = index + 1
                while look < bytes.count, bytes[look] == UInt8(ascii: " ") || bytes[look] == UInt8(ascii: "\t") { look += 1 }
                if look < bytes.count, bytes[look] == UInt8(ascii: "\n") || (bytes[look] == UInt8(ascii: "\r") && look + 1 < bytes.count && bytes[look + 1] == UInt8(ascii: "\n")) {
                    index = look
                    while true {
                        if newline() { continue }
                        if let next = peek(), next == UInt8(ascii: " ") || next == UInt8(ascii: "\t") {
                            index += 1
                            continue
                        }
                        break
                    }
                    continue
                }
                try escape(into: &result)
                continue
            }
            if newline() {
                result.append(UInt8(ascii: "\n"))
                continue
            }
            if (byte < 0x20 && byte != UInt8(ascii: "\t")) || byte == 0x7F { throw fail("a control character in a string") }
            result.append(byte)
            index += 1
        }
    }

    /// At three closing quotes: takes them (and up to two more, which belong to the string's
    /// text) and returns true.
    private mutating func closesMultiline(_ quote: UInt8, into result: inout [UInt8]) -> Bool {
        guard peek() == quote, peek(1) == quote, peek(2) == quote else { return false }
        var quotes = 3
        while quotes < 5, peek(quotes) == quote { quotes += 1 }
        result += Array(repeating: quote, count: quotes - 3)
        index += quotes
        return true
    }

    private mutating func literalString() throws(Failure) -> String {
        index += 1
        let start = index
        while true {
            guard let byte = peek() else { throw fail("a string is not closed") }
            if byte == UInt8(ascii: "'") {
                index += 1
                return String(decoding: bytes[start..<(index - 1)], as: UTF8.self)
            }
            if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") { throw fail("a string is not closed on its line") }
            if (byte < 0x20 && byte != UInt8(ascii: "\t")) || byte == 0x7F { throw fail("a control character in a string") }
            index += 1
        }
    }

    private mutating func multilineLiteralString() throws(Failure) -> String {
        index += 3
        _ = newline()
        var result: [UInt8] = []
        while true {
            guard let byte = peek() else { throw fail("a multi-line string is not closed") }
            if closesMultiline(UInt8(ascii: "'"), into: &result) { return String(decoding: result, as: UTF8.self) }
            if newline() {
                result.append(UInt8(ascii: "\n"))
                continue
            }
            if (byte < 0x20 && byte != UInt8(ascii: "\t")) || byte == 0x7F { throw fail("a control character in a string") }
            result.append(byte)
            index += 1
        }
    }
}
