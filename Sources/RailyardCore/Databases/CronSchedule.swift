import Foundation

/// A cron expression in UTC: five fields (minute, hour, day of month, month, day of week)
/// with `*`, lists, ranges, steps, month and weekday names, or one of the aliases `@hourly`,
/// `@daily` (`@midnight`), `@weekly`, `@monthly`, `@yearly` (`@annually`).
///
/// As in Vixie cron, when both the day of month and the day of week are restricted (neither
/// starts with `*`), a day matches when either does; `7` is Sunday as well as `0`. A schedule
/// that can never fire (`0 0 30 2 *`) is refused when parsed, so `next(after:)` always finds a
/// time within its bounded search.
public struct CronSchedule: Sendable, Equatable, CustomStringConvertible {
    /// The expression as given (trimmed).
    public let expression: String
    // One bit per allowed value.
    let minutes: UInt64
    let hours: UInt32
    let daysOfMonth: UInt32
    let months: UInt16
    let weekdays: UInt8
    let dayOfMonthRestricted: Bool
    let weekdayRestricted: Bool

    public var description: String { expression }

    /// Longer expressions are refused before anything is parsed.
    public static let maximumLength = 200
    /// More items in one field's list are refused (a field has at most 60 values).
    public static let maximumListItems = 60
    /// How far `next(after:)` looks: the Gregorian calendar repeats itself, weekdays included,
    /// every 400 years (146,097 days, a whole number of weeks), so a schedule that does not
    /// fire within them never does. (29 February on a Sunday, `0 0 29 2 */7`, waits up to 40.)
    static let searchDays: Int64 = 146_097

    public struct SyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
        /// The field in error (`minute`, `hour`, `day of month`, `month`, `day of week`), if one is.
        public let field: String?
        public let message: String
        public var description: String { field.map { "the \($0) field: \(message)" } ?? message }
    }

    struct Field {
        let name: String
        let range: ClosedRange<Int>
        let names: [String: Int]
    }

    static let fields: [Field] = [
        Field(name: "minute", range: 0...59, names: [:]),
        Field(name: "hour", range: 0...23, names: [:]),
        Field(name: "day of month", range: 1...31, names: [:]),
        Field(name: "month", range: 1...12, names: [
            "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
            "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
        ]),
        // 7 is Sunday too; folded into 0 below.
        Field(name: "day of week", range: 0...7, names: ["sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6]),
    ]

    static let aliases: [String: String] = [
        "@hourly": "0 * * * *", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@weekly": "0 0 * * 0",
        "@monthly": "0 0 1 * *", "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *",
    ]

    /// Parses `text`, or throws a `SyntaxError` that names the field and what is wrong with it.
    public init(parsing text: String) throws(SyntaxError) {
        // Bounded before anything else: a 10 KB string costs a length check.
        guard text.utf8.count <= Self.maximumLength else {
            throw SyntaxError(field: nil, message: "a cron expression has at most \(Self.maximumLength) characters")
        }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        // Fields are split at spaces and tabs only; anything else odd (a Unicode digit, a
        // control character) is then refused by the field it is in.
        var body = trimmed
        if trimmed.hasPrefix("@") {
            guard let expanded = Self.aliases[trimmed.lowercased()] else {
                throw SyntaxError(field: nil, message: "unknown alias '\(trimmed)': use @hourly, @daily, @weekly, @monthly or @yearly")
            }
            body = expanded
        }
        let parts = body.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard parts.count == 5 else {
            throw SyntaxError(field: nil, message: "a cron expression has 5 fields (minute hour day-of-month month day-of-week), not \(parts.count)")
        }
        var masks: [UInt64] = []
        for (part, field) in zip(parts, Self.fields) {
            masks.append(try Self.parseField(String(part), field))
        }
        // Sunday is 0 and 7.
        var weekdays = masks[4]
        if weekdays & (1 << 7) != 0 { weekdays = (weekdays | 1) & ~(1 << 7) }
        self.expression = trimmed
        self.minutes = masks[0]
        self.hours = UInt32(masks[1])
        self.daysOfMonth = UInt32(masks[2])
        self.months = UInt16(masks[3])
        self.weekdays = UInt8(weekdays)
        self.dayOfMonthRestricted = !parts[2].hasPrefix("*")
        self.weekdayRestricted = !parts[4].hasPrefix("*")
        if let problem = neverFires() { throw SyntaxError(field: "day of month", message: problem) }
        // What the simple check above cannot see (29 February only on a given weekday fires
        // once in decades, but fires) is decided by the bounded search itself.
        guard next(after: Date(timeIntervalSince1970: 0)) != nil else {
            throw SyntaxError(field: "day of week", message: "the schedule never fires: the chosen days of month and of week never meet")
        }
    }

    /// The first whole minute strictly after `date` that the schedule fires at; nil only for a
    /// date so far out that the search bounds are passed (a parsed schedule always fires).
    public func next(after date: Date) -> Date? {
        let seconds = date.timeIntervalSince1970
        guard seconds.isFinite, abs(seconds) < 1e13 else { return nil }
        let start = (Int64((seconds / 60).rounded(.down)) + 1) * 60
        let firstDay = Self.floorDivide(start, 86_400)
        let startMinute = Int((start - firstDay * 86_400) / 60)
        var day = firstDay
        while day - firstDay <= Self.searchDays {
            let (year, month, dayOfMonth) = Self.civil(fromDays: day)
            guard months & (1 << month) != 0 else {
                // A month not chosen is skipped whole: the search is months, not days, long.
                day += Int64(Self.length(ofMonth: month, in: year) - dayOfMonth + 1)
                continue
            }
            if dayMatches(dayOfMonth: dayOfMonth, weekday: Self.weekday(ofDays: day)),
               let minute = firstMinute(from: day == firstDay ? startMinute : 0) {
                return Date(timeIntervalSince1970: TimeInterval(day * 86_400 + Int64(minute) * 60))
            }
            day += 1
        }
        return nil
    }

    func dayMatches(dayOfMonth: Int, weekday: Int) -> Bool {
        let byDay = daysOfMonth & (1 << dayOfMonth) != 0
        let byWeekday = weekdays & (1 << weekday) != 0
        if dayOfMonthRestricted && weekdayRestricted { return byDay || byWeekday }
        return byDay && byWeekday
    }

    /// The first minute of the day (0–1439) at or after `from` the schedule allows.
    func firstMinute(from: Int) -> Int? {
        for hour in (from / 60)..<24 where hours & (1 << hour) != 0 {
            let lowest = hour == from / 60 ? from % 60 : 0
            let allowed = minutes & (~UInt64(0) << lowest)
            if allowed != 0 { return hour * 60 + allowed.trailingZeroBitCount }
        }
        return nil
    }

    /// Why the day-of-month and month fields never meet (every chosen day is past the end of
    /// every chosen month); nil when they do, or when the day of week decides instead.
    func neverFires() -> String? {
        // With both day fields restricted, any chosen weekday fires in any month.
        if dayOfMonthRestricted && weekdayRestricted { return nil }
        let lengths = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        for month in 1...12 where months & (1 << month) != 0 {
            let days = daysOfMonth & (UInt32.max >> (31 - lengths[month]))
            if days != 0 { return nil }
        }
        let firstDay = daysOfMonth.trailingZeroBitCount
        return "the schedule never fires: no chosen month has a day \(firstDay)"
    }

    static func parseField(_ text: String, _ field: Field) throws(SyntaxError) -> UInt64 {
        let items = text.split(separator: ",", omittingEmptySubsequences: false)
        guard items.count <= maximumListItems else {
            throw SyntaxError(field: field.name, message: "a list has at most \(maximumListItems) items")
        }
        var mask: UInt64 = 0
        for item in items {
            mask |= try parseItem(String(item), field)
        }
        return mask
    }

    /// One list item: `*`, `N`, `A-B`, each optionally followed by `/STEP`.
    static func parseItem(_ item: String, _ field: Field) throws(SyntaxError) -> UInt64 {
        guard !item.isEmpty else { throw SyntaxError(field: field.name, message: "an empty list item") }
        let pieces = item.split(separator: "/", omittingEmptySubsequences: false)
        guard pieces.count <= 2 else { throw SyntaxError(field: field.name, message: "'\(item)' has more than one /") }
        var step = 1
        if pieces.count == 2 {
            step = try number(String(pieces[1]), field, isStep: true)
            guard step >= 1 else { throw SyntaxError(field: field.name, message: "a step of 0 never advances: use 1 or more") }
            guard step <= field.range.upperBound - field.range.lowerBound + 1 else {
                throw SyntaxError(field: field.name, message: "the step \(step) is larger than the field's range \(field.range.lowerBound)–\(field.range.upperBound)")
            }
        }
        let base = String(pieces[0])
        let low: Int
        var high: Int
        if base == "*" {
            (low, high) = (field.range.lowerBound, field.range.upperBound)
            // `*` in the day of week is 0–6 (7 would repeat Sunday).
            if field.name == "day of week" { high = 6 }
        } else {
            let bounds = base.split(separator: "-", omittingEmptySubsequences: false)
            guard bounds.count <= 2 else { throw SyntaxError(field: field.name, message: "'\(base)' is not a value or a range A-B") }
            low = try number(String(bounds[0]), field, isStep: false)
            if bounds.count == 2 {
                high = try number(String(bounds[1]), field, isStep: false)
                guard low <= high else {
                    throw SyntaxError(field: field.name, message: "the range \(base) runs backwards: write the smaller value first")
                }
            } else {
                // `N/STEP` runs from N to the end of the field, as in Vixie cron.
                high = pieces.count == 2 ? field.range.upperBound : low
            }
        }
        var mask: UInt64 = 0
        for value in stride(from: low, through: high, by: step) { mask |= 1 << UInt64(value) }
        return mask
    }

    /// A value of the field: ASCII digits (at most three, so nothing overflows) or a name.
    static func number(_ text: String, _ field: Field, isStep: Bool) throws(SyntaxError) -> Int {
        guard !text.isEmpty else { throw SyntaxError(field: field.name, message: "a value is missing") }
        if !isStep, let named = field.names[text.lowercased()] { return named }
        guard text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
            let names = field.names.isEmpty ? "" : " or a name such as \(field.name == "month" ? "jan" : "mon")"
            throw SyntaxError(field: field.name, message: "'\(text)' is not a number\(names)")
        }
        guard text.utf8.count <= 3, let value = Int(text) else {
            throw SyntaxError(field: field.name, message: "'\(text.prefix(12))\(text.count > 12 ? "…" : "")' is out of range \(field.range.lowerBound)–\(field.range.upperBound)")
        }
        if isStep { return value }
        guard field.range.contains(value) else {
            throw SyntaxError(field: field.name, message: "\(value) is out of range \(field.range.lowerBound)–\(field.range.upperBound)")
        }
        return value
    }

    // MARK: Calendar arithmetic (proleptic Gregorian, UTC)

    static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        let quotient = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? quotient - 1 : quotient
    }

    static func length(ofMonth month: Int, in year: Int64) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// 0 is Sunday; 1 January 1970 was a Thursday.
    static func weekday(ofDays days: Int64) -> Int {
        Int(((days % 7) + 11) % 7)
    }

    /// Year, month (1–12) and day (1–31) of the day `days` after 1 January 1970 (Howard
    /// Hinnant's `civil_from_days`).
    static func civil(fromDays days: Int64) -> (year: Int64, month: Int, day: Int) {
        let z = days + 719_468
        let era = floorDivide(z, 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * monthIndex + 2) / 5 + 1)
        let month = Int(monthIndex < 10 ? monthIndex + 3 : monthIndex - 9)
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
