import Foundation

/// The JSON settings shared by the server, the client and the CLI's `--json` output: ISO 8601
/// dates, sorted keys so output is stable for scripts and diffs.
public enum JSONCoding {
    public static func makeEncoder(pretty: Bool = false) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(formatTimestamp(date))
        }
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    public static func makeDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = parseTimestamp(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an ISO 8601 time: \(text)")
            }
            return date
        }
        return decoder
    }

    /// `2026-11-27T02:37:01.906Z`: UTC, milliseconds. Hand-written because this runs for every
    /// timestamp of every listed item, and Foundation's format styles cost microseconds each.
    public static func formatTimestamp(_ date: Date) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        appendTimestamp(date, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `formatTimestamp`'s 24 bytes, added to the end of `bytes` (no string made: the HTTP log's
    /// writer stamps every request's line).
    public static func appendTimestamp(_ date: Date, to bytes: inout [UInt8]) {
        // Nearest millisecond: times come from the store as whole milliseconds, which a Double
        // may hold a hair below.
        let millis = Int64((date.timeIntervalSince1970 * 1000).rounded())
        var days = millis / 86_400_000
        var millisOfDay = millis % 86_400_000
        if millisOfDay < 0 {
            millisOfDay += 86_400_000
            days -= 1
        }
        // Civil date from days since 1970 (Howard Hinnant's algorithm).
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)

        let base = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: 24))
        func put(_ value: Int64, _ width: Int, at offset: Int) {
            var value = value
            for index in stride(from: offset + width - 1, through: offset, by: -1) {
                bytes[base + index] = UInt8(48 + value % 10)
                value /= 10
            }
        }
        put(min(max(year, 0), 9999), 4, at: 0)
        bytes[base + 4] = 45
        put(month, 2, at: 5)
        bytes[base + 7] = 45
        put(day, 2, at: 8)
        bytes[base + 10] = 84
        put(millisOfDay / 3_600_000, 2, at: 11)
        bytes[base + 13] = 58
        put(millisOfDay / 60_000 % 60, 2, at: 14)
        bytes[base + 16] = 58
        put(millisOfDay / 1000 % 60, 2, at: 17)
        bytes[base + 19] = 46
        put(millisOfDay % 1000, 3, at: 20)
        bytes[base + 23] = 90
    }

    /// An RFC 3339 date-time (`2026-11-27T02:37:01Z`, `…01.65+22:31`, `t`/`z` in lower case, a
    /// space for `T`), or the same with its offset written without a colon. Read by hand:
    /// Foundation's ISO 8601 parser refused fractional seconds before a numeric offset (a
    /// schemathesis find: a valid `since` answered 400).
    public static func parseTimestamp(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes.count <= 64 else { return nil }
        var index = 0
        func number(_ digits: Int) -> Int? {
            guard index + digits <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[index..<index + digits] {
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            index += digits
            return value
        }
        func expect(_ allowed: Set<UInt8>) -> Bool {
            guard index < bytes.count, allowed.contains(bytes[index]) else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect([45]), let month = number(2), expect([45]), let day = number(2),
              expect([84, 116, 32]), let hour = number(2), expect([58]), let minute = number(2), expect([58]),
              let second = number(2)
        else { return nil }
        var fraction = 0.0
        if index < bytes.count, bytes[index] == 46 {
            index += 1
            var scale = 0.1
            let start = index
            while index < bytes.count, (48...57).contains(bytes[index]) {
                fraction += Double(bytes[index] - 48) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        var offset = 0
        if expect([90, 122]) {
            offset = 0
        } else {
            guard index < bytes.count, bytes[index] == 43 || bytes[index] == 45 else { return nil }
            let sign = bytes[index] == 45 ? -1 : 1
            index += 1
            guard let offsetHours = number(2) else { return nil }
            _ = expect([58])
            guard let offsetMinutes = number(2), offsetHours <= 23, offsetMinutes <= 59 else { return nil }
            offset = sign * (offsetHours * 3600 + offsetMinutes * 60)
        }
        guard index == bytes.count, (1...12).contains(month), hour <= 23, minute <= 59, second <= 60 else { return nil }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        guard (1...days).contains(day) else { return nil }
        // Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let epochDays = era * 146_097 + dayOfEra - 719_468
        // A leap second (`:60`) is read as the last instant of its minute.
        let seconds = Double(epochDays * 86_400 + hour * 3600 + minute * 60 + min(second, 59) - offset)
            + (second == 60 ? 0.999 : fraction)
        return Date(timeIntervalSince1970: seconds)
    }
}
