import Foundation

/// One line of a deployment's log.
public struct LogLine: Codable, Sendable, Equatable {
    /// Position in the deployment's log, from 1, without gaps: the resume point of a stream.
    public var seq: Int
    public var time: Date
    public var deploymentId: String
    /// `build` or `deploy`.
    public var phase: String
    /// The replica that printed the line; nil for build output and the platform's own lines.
    public var replica: Int?
    /// `stdout`, `stderr` or `system` (Railyard's own lines).
    public var stream: String
    public var message: String
    /// From a line that was a JSON object: its `level` field.
    public var level: String?
    /// From a line that was a JSON object: the whole object, as printed.
    public var fields: String?

    public init(
        seq: Int, time: Date, deploymentId: String, phase: String, replica: Int?, stream: String, message: String,
        level: String?, fields: String?
    ) {
        self.seq = seq
        self.time = time
        self.deploymentId = deploymentId
        self.phase = phase
        self.replica = replica
        self.stream = stream
        self.message = message
        self.level = level
        self.fields = fields
    }

    /// Reads `level` and `message` (or `msg`) from a line that is a JSON object. On the path
    /// of every line an app prints, so it scans the bytes once instead of building the object
    /// (Foundation's parser was a fifth of the server's CPU under a chatty app).
    public static func structured(_ text: String) -> (message: String, level: String?, fields: String?) {
        guard text.utf8.first == UInt8(ascii: "{"), text.utf8.count <= 64 * 1024,
              let members = JSONObjectScanner.topLevelStrings(text, keys: ["message", "msg", "level", "severity"])
        else { return (text, nil, nil) }
        let message = members["message"] ?? members["msg"] ?? text
        let level = members["level"] ?? members["severity"]
        return (message, level?.lowercased(), text)
    }
}

/// Checks that a text is one JSON object and reads some of its top-level string members.
enum JSONObjectScanner {
    /// The string values of `keys` among the object's top-level members (absent when a key is
    /// missing or not a string), or nil when the text is not exactly one well-formed JSON object.
    static func topLevelStrings(_ text: String, keys: Set<String>) -> [String: String]? {
        var found: [String: String] = [:]
        let valid = text.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            var scanner = Scanner(bytes: bytes)
            return scanner.object(keys: keys, found: &found) && scanner.atEnd()
        } ?? {
            let copy = Array(text.utf8)
            return copy.withUnsafeBufferPointer { bytes in
                var scanner = Scanner(bytes: bytes)
                return scanner.object(keys: keys, found: &found) && scanner.atEnd()
            }
        }()
        return valid ? found : nil
    }

    struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0
        var depth = 0

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        mutating func atEnd() -> Bool {
            skipSpace()
            return index == bytes.count
        }

        mutating func take(_ byte: UInt8) -> Bool {
            skipSpace()
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        /// An object; when `keys` is given (top level), records the string members named.
        mutating func object(keys: Set<String>?, found: inout [String: String]) -> Bool {
            depth += 1
            defer { depth -= 1 }
            guard depth <= 64, take(UInt8(ascii: "{")) else { return false }
            if take(UInt8(ascii: "}")) { return true }
            while true {
                skipSpace()
                guard let key = string(decode: true), take(UInt8(ascii: ":")) else { return false }
                skipSpace()
                if let keys, let key, keys.contains(key), index < bytes.count, bytes[index] == UInt8(ascii: "\"") {
                    guard let value = string(decode: true), let value else { return false }
                    found[key] = value
                } else if !value(found: &found) {
                    return false
                }
                if take(UInt8(ascii: ",")) { continue }
                return take(UInt8(ascii: "}"))
            }
        }

        mutating func value(found: inout [String: String]) -> Bool {
            skipSpace()
            guard index < bytes.count else { return false }
            switch bytes[index] {
            case UInt8(ascii: "{"): return object(keys: nil, found: &found)
            case UInt8(ascii: "["):
                depth += 1
                defer { depth -= 1 }
                guard depth <= 64 else { return false }
                index += 1
                if take(UInt8(ascii: "]")) { return true }
                while true {
                    guard value(found: &found) else { return false }
                    if take(UInt8(ascii: ",")) { continue }
                    return take(UInt8(ascii: "]"))
                }
            case UInt8(ascii: "\""): return string(decode: false) != nil
            case UInt8(ascii: "t"): return literal("true")
            case UInt8(ascii: "f"): return literal("false")
            case UInt8(ascii: "n"): return literal("null")
            default: return number()
            }
        }

        mutating func literal(_ word: StaticString) -> Bool {
            let count = word.utf8CodeUnitCount
            guard index + count <= bytes.count else { return false }
            for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { return false }
            index += count
            return true
        }

        mutating func number() -> Bool {
            let start = index
            if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
            let digitsStart = index
            while index < bytes.count, (0x30...0x39).contains(bytes[index]) { index += 1 }
            guard index > digitsStart else { return false }
            if bytes[digitsStart] == 0x30, index - digitsStart > 1 { return false }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                let fraction = index
                while index < bytes.count, (0x30...0x39).contains(bytes[index]) { index += 1 }
                guard index > fraction else { return false }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                let exponent = index
                while index < bytes.count, (0x30...0x39).contains(bytes[index]) { index += 1 }
                guard index > exponent else { return false }
            }
            return index > start
        }

        /// A string: nil when malformed; `.some(nil)` when well formed and `decode` is false.
        mutating func string(decode: Bool) -> String?? {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
            index += 1
            let start = index
            var plain = true
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    let end = index
                    index += 1
                    guard decode else { return .some(nil) }
                    if plain { return .some(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)) }
                    return Self.unescape(UnsafeBufferPointer(rebasing: bytes[start..<end])).map { .some($0) } ?? nil
                }
                if byte < 0x20 { return nil }
                if byte == UInt8(ascii: "\\") {
                    plain = false
                    index += 1
                    guard index < bytes.count else { return nil }
                    switch bytes[index] {
                    case UInt8(ascii: "u"):
                        guard index + 4 < bytes.count,
                              (1...4).allSatisfy({ Self.hexValue(bytes[index + $0]) != nil })
                        else { return nil }
                        index += 4
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                         UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                        break
                    default: return nil
                    }
                }
                index += 1
            }
            return nil
        }

        static func hexValue(_ byte: UInt8) -> UInt32? {
            switch byte {
            case 0x30...0x39: UInt32(byte - 0x30)
            case 0x41...0x46: UInt32(byte - 0x41 + 10)
            case 0x61...0x66: UInt32(byte - 0x61 + 10)
            default: nil
            }
        }

        /// The text of a string's body whose escapes were already checked.
        static func unescape(_ body: UnsafeBufferPointer<UInt8>) -> String? {
            var scalars = String.UnicodeScalarView()
            var utf8: [UInt8] = []
            var index = 0
            func flush() {
                if !utf8.isEmpty { scalars.append(contentsOf: String(decoding: utf8, as: UTF8.self).unicodeScalars); utf8.removeAll() }
            }
            func hex4(_ at: Int) -> UInt32 {
                (0..<4).reduce(0) { $0 << 4 | (hexValue(body[at + $1]) ?? 0) }
            }
            while index < body.count {
                let byte = body[index]
                guard byte == UInt8(ascii: "\\") else { utf8.append(byte); index += 1; continue }
                index += 1
                let escape = body[index]
                index += 1
                switch escape {
                case UInt8(ascii: "n"): utf8.append(0x0A)
                case UInt8(ascii: "t"): utf8.append(0x09)
                case UInt8(ascii: "r"): utf8.append(0x0D)
                case UInt8(ascii: "b"): utf8.append(0x08)
                case UInt8(ascii: "f"): utf8.append(0x0C)
                case UInt8(ascii: "u"):
                    var code = hex4(index)
                    index += 4
                    if (0xD800...0xDBFF).contains(code), index + 6 <= body.count, body[index] == UInt8(ascii: "\\"),
                       body[index + 1] == UInt8(ascii: "u")
                    {
                        let low = hex4(index + 2)
                        if (0xDC00...0xDFFF).contains(low) {
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                            index += 6
                        }
                    }
                    flush()
                    scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
                default: utf8.append(escape)
                }
            }
            flush()
            return String(scalars)
        }
    }
}
