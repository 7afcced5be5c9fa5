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

        var bytes = [UInt8](repeating: 0, count: 24)
        func put(_ value: Int64, _ width: Int, at offset: Int) {
            var value = value
            for index in stride(from: offset + width - 1, through: offset, by: -1) {
                bytes[index] = UInt8(48 + value % 10)
                value /= 10
            }
        }
        put(min(max(year, 0), 9999), 4, at: 0)
        bytes[4] = 45
        put(month, 2, at: 5)
        bytes[7] = 45
        put(day, 2, at: 8)
        bytes[10] = 84
        put(millisOfDay / 3_600_000, 2, at: 11)
        bytes[13] = 58
        put(millisOfDay / 60_000 % 60, 2, at: 14)
        bytes[16] = 58
        put(millisOfDay / 1000 % 60, 2, at: 17)
        bytes[19] = 46
        put(millisOfDay % 1000, 3, at: 20)
        bytes[23] = 90
        return String(decoding: bytes, as: UTF8.self)
    }

    public static func parseTimestamp(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: .iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted).timeSeparator(.colon).dateSeparator(.dash)) {
            return date
        }
        return try? Date(text, strategy: .iso8601)
    }
}
