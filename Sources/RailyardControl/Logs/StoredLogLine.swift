import Foundation
import RailyardCore

/// One stored log line: its JSON exactly as written to the file (which is what the API sends,
/// byte for byte), and the three fields readers select by, read without decoding the line.
public struct StoredLogLine: Sendable, Equatable {
    public var seq: Int
    /// `2026-11-27T02:37:01.906Z`: fixed width, so the text's order is the time's order.
    public var time: String
    public var phase: String
    public var json: [UInt8]

    /// The line as a value (tests and callers that want fields; the API does not decode).
    public func decoded() -> LogLine? {
        try? JSONCoding.makeDecoder().decode(LogLine.self, from: Data(json))
    }
}

/// Reads `seq`, `time` and `phase` from a stored line.
///
/// Lines are written by `LogLine.writeJSON` (older ones by Foundation's encoder with sorted
/// keys; same text). Inside a JSON string every `"` is escaped, so a quote that is not preceded
/// by a backslash delimits a string: the byte sequence `"seq":` can only be the key itself, and
/// the keys come last in the line (`phase`, `replica`, `seq`, `stream`, `time`), so searching
/// from the end finds them after a few dozen bytes.
enum StoredLogScan {
    struct Keys: Equatable {
        var seq: Int
        var time: String
        var phase: String
    }

    private static let seqKey = Array(#""seq":"#.utf8)
    private static let timeKey = Array(#""time":""#.utf8)
    private static let phaseKey = Array(#""phase":""#.utf8)

    static func keys(_ line: UnsafeBufferPointer<UInt8>) -> Keys? {
        guard let seqAt = lastIndex(of: seqKey, in: line) else { return nil }
        var index = seqAt + seqKey.count
        var seq = 0
        let digits = index
        while index < line.count, (0x30...0x39).contains(line[index]), index - digits < 18 {
            seq = seq * 10 + Int(line[index] - 0x30)
            index += 1
        }
        guard index > digits,
              let time = stringValue(after: timeKey, in: line),
              let phase = stringValue(after: phaseKey, in: line)
        else { return nil }
        return Keys(seq: seq, time: time, phase: phase)
    }

    static func keys(_ line: [UInt8]) -> Keys? {
        line.withUnsafeBufferPointer { keys($0) }
    }

    /// The text of the string that follows the last `key` (which ends with its opening quote).
    private static func stringValue(after key: [UInt8], in line: UnsafeBufferPointer<UInt8>) -> String? {
        guard let at = lastIndex(of: key, in: line) else { return nil }
        let start = at + key.count
        var end = start
        while end < line.count, line[end] != UInt8(ascii: "\""), line[end] != UInt8(ascii: "\\") { end += 1 }
        guard end < line.count, line[end] == UInt8(ascii: "\"") else { return nil }
        return String(decoding: UnsafeBufferPointer(rebasing: line[start..<end]), as: UTF8.self)
    }

    private static func lastIndex(of needle: [UInt8], in haystack: UnsafeBufferPointer<UInt8>) -> Int? {
        guard haystack.count >= needle.count, let first = needle.first else { return nil }
        var start = haystack.count - needle.count
        while start >= 0 {
            if haystack[start] == first {
                var matched = true
                for offset in 1..<needle.count where haystack[start + offset] != needle[offset] {
                    matched = false
                    break
                }
                if matched { return start }
            }
            start -= 1
        }
        return nil
    }
}
