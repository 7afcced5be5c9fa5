import Foundation
import Testing
@testable import RailyardCore

/// Cron expressions for scheduled backups: when they fire (UTC), and every malformed or hostile
/// expression refused quickly with the field it is wrong in.
struct CronScheduleTests {
    static func time(_ text: String) -> Date {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        guard let date = formatter.date(from: text) else { fatalError("bad test time \(text)") }
        return date
    }

    static let firings: [(cron: String, after: String, next: String)] = [
        ("0 3 * * *", "2024-01-01T00:00:00Z", "2024-01-01T03:00:00Z"),
        // Strictly after: at 03:00 the next is tomorrow's.
        ("0 3 * * *", "2024-01-01T03:00:00Z", "2024-01-02T03:00:00Z"),
        ("* * * * *", "2024-01-01T00:00:30Z", "2024-01-01T00:01:00Z"),
        ("* * * * *", "2024-12-31T23:59:00Z", "2025-01-01T00:00:00Z"),
        ("*/15 * * * *", "2024-01-01T00:14:59Z", "2024-01-01T00:15:00Z"),
        ("5-10/2 * * * *", "2024-01-01T00:07:00Z", "2024-01-01T00:09:00Z"),
        ("5-10/2 * * * *", "2024-01-01T00:09:00Z", "2024-01-01T01:05:00Z"),
        // N/STEP runs to the end of the field.
        ("10/20 * * * *", "2024-01-01T00:31:00Z", "2024-01-01T00:50:00Z"),
        ("0,30 9-17 * * *", "2024-01-01T17:30:00Z", "2024-01-02T09:00:00Z"),
        // 2024-01-06 is a Saturday.
        ("0 0 * * mon-fri", "2024-01-06T12:00:00Z", "2024-01-08T00:00:00Z"),
        ("0 0 * * 7", "2024-01-01T00:00:00Z", "2024-01-07T00:00:00Z"),
        ("0 0 * * SUN", "2024-01-01T00:00:00Z", "2024-01-07T00:00:00Z"),
        // Both day fields restricted: either one (Friday 5 January comes before the 15th).
        ("0 0 1,15 * 5", "2024-01-01T00:00:00Z", "2024-01-05T00:00:00Z"),
        // Only the weekday restricted: both must hold.
        ("0 12 * JAN,jul sun", "2024-02-01T00:00:00Z", "2024-07-07T12:00:00Z"),
        ("30 23 31 12 *", "2024-12-31T23:30:00Z", "2025-12-31T23:30:00Z"),
        ("0 0 31 * *", "2024-04-01T00:00:00Z", "2024-05-31T00:00:00Z"),
        // 2100 is not a leap year.
        ("0 0 29 2 *", "2097-01-01T00:00:00Z", "2104-02-29T00:00:00Z"),
        // 29 February on a Sunday only: decades apart, but it fires.
        ("0 0 29 2 */7", "2088-03-01T00:00:00Z", "2128-02-29T00:00:00Z"),
        ("@hourly", "2024-01-01T00:00:00Z", "2024-01-01T01:00:00Z"),
        ("@daily", "2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z"),
        ("@weekly", "2024-01-02T00:00:00Z", "2024-01-07T00:00:00Z"),
        ("@monthly", "2024-01-31T12:00:00Z", "2024-02-01T00:00:00Z"),
        ("@YEARLY", "2024-06-01T00:00:00Z", "2025-01-01T00:00:00Z"),
        // Before 1970 too.
        ("0 0 1 1 *", "1969-06-01T00:00:00Z", "1970-01-01T00:00:00Z"),
    ]

    @Test(arguments: firings)
    func firesWhenItSays(_ firing: (cron: String, after: String, next: String)) throws {
        let schedule = try CronSchedule(parsing: firing.cron)
        #expect(schedule.next(after: Self.time(firing.after)) == Self.time(firing.next), "\(firing.cron) after \(firing.after)")
    }

    @Test func successiveTimesAdvanceAndMatchABruteForceSearch() throws {
        // Every minute of eight days, checked against the fields one by one.
        for cron in ["*/7 1-3,22 * * *", "0 0 13 * fri", "15 */6 1-7 * mon", "0 0 * 2 *", "59 23 28-31 * *"] {
            let schedule = try CronSchedule(parsing: cron)
            var time = Self.time("2024-02-25T00:00:00Z")
            let end = Self.time("2024-03-04T00:00:00Z")
            var expected: [Date] = []
            var minute = time
            while minute < end {
                minute += 60
                let days = Int64(minute.timeIntervalSince1970) / 86_400
                let (_, month, day) = CronSchedule.civil(fromDays: days)
                let secondsOfDay = Int(Int64(minute.timeIntervalSince1970) % 86_400)
                if schedule.months & (1 << month) != 0,
                   schedule.dayMatches(dayOfMonth: day, weekday: CronSchedule.weekday(ofDays: days)),
                   schedule.hours & (1 << (secondsOfDay / 3600)) != 0,
                   schedule.minutes & (1 << ((secondsOfDay % 3600) / 60)) != 0 {
                    expected.append(minute)
                }
            }
            var found: [Date] = []
            while let next = schedule.next(after: time), next < end {
                #expect(next > time)
                found.append(next)
                time = next
            }
            #expect(found == expected, "\(cron)")
            #expect(!found.isEmpty, "\(cron)")
        }
    }

    @Test func civilDatesMatchFoundation() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        for days in stride(from: Int64(-140_000), through: 800_000, by: 997) {
            let date = Date(timeIntervalSince1970: TimeInterval(days * 86_400))
            let parts = calendar.dateComponents([.year, .month, .day, .weekday], from: date)
            let (year, month, day) = CronSchedule.civil(fromDays: days)
            #expect(parts.month == month && parts.day == day && parts.year.map(Int64.init) == year, "\(days)")
            #expect(parts.weekday.map { $0 - 1 } == CronSchedule.weekday(ofDays: days), "\(days)")
        }
    }

    static let refused: [(cron: String, field: String?)] = [
        ("", nil), ("* * * *", nil), ("* * * * * *", nil), ("@reboot", nil), ("@every 5m", nil),
        ("60 * * * *", "minute"), ("-1 * * * *", "minute"), ("* 24 * * *", "hour"), ("* * 0 * *", "day of month"),
        ("* * 32 * *", "day of month"), ("* * * 0 *", "month"), ("* * * 13 *", "month"), ("* * * * 8", "day of week"),
        ("*/0 * * * *", "minute"), ("* */0 * * *", "hour"), ("*/61 * * * *", "minute"), ("5-3 * * * *", "minute"),
        ("* * * dec-jan *", "month"), ("* * * * fri-mon", "day of week"), ("1-2-3 * * * *", "minute"),
        ("*/5/2 * * * *", "minute"), (",5 * * * *", "minute"), ("5, * * * *", "minute"), ("5,,6 * * * *", "minute"),
        ("jan * * * *", "minute"), ("* * * * monday", "day of week"), ("* * * january *", "month"),
        ("99999999999999999999999999 * * * *", "minute"), ("* 18446744073709551617 * * *", "hour"),
        ("*/99999999999999999999 * * * *", "minute"), ("0x10 * * * *", "minute"), ("+5 * * * *", "minute"),
        ("1.5 * * * *", "minute"), ("1e1 * * * *", "minute"), ("? * * * *", "minute"), ("L * * * *", "minute"),
        // Unicode digits and look-alikes are not digits here.
        ("\u{0661} * * * *", "minute"), ("\u{FF15} * * * *", "minute"), ("* \u{0969} * * *", "hour"), ("* * * * \u{2167}", "day of week"),
        ("0 0\n* * * *", "hour"), ("0 0 * * *\u{0}", "day of week"), ("0 0 * * *;rm", "day of week"),
        // Never fires.
        ("0 0 30 2 *", "day of month"), ("0 0 31 4,6,9,11 *", "day of month"), ("0 0 31 2-4/2 *", "day of month"),
        // A list longer than any field.
        (Array(repeating: "0", count: 61).joined(separator: ",") + " * * * *", "minute"),
    ]

    @Test(arguments: refused)
    func malformedExpressionsAreRefusedNamingTheField(_ refusal: (cron: String, field: String?)) {
        let (cron, field) = refusal
        do {
            let parsed = try CronSchedule(parsing: cron)
            Issue.record("'\(cron)' was accepted as \(parsed)")
        } catch {
            if let field {
                #expect(error.field == field, "'\(cron)': \(error)")
                #expect(error.description.hasPrefix("the \(field) field: "), "'\(cron)': \(error)")
            }
        }
    }

    @Test func hostileSizesAreRefusedQuickly() {
        let started = ContinuousClock.now
        let huge = [
            String(repeating: "1", count: 10_240), String(repeating: "*/1,", count: 2_560) + " * * * *",
            String(repeating: "0,", count: 5_000) + "0 * * * *", String(repeating: " ", count: 10_000) + "* * * * *",
            String(repeating: "\u{0661}", count: 5_000),
        ]
        for text in huge {
            #expect(throws: CronSchedule.SyntaxError.self) { try CronSchedule(parsing: text) }
        }
        #expect(ContinuousClock.now - started < .seconds(1))
    }

    @Test func nextNeverLoopsForeverWhateverTheDate() throws {
        let started = ContinuousClock.now
        // The rarest schedule there is, from the end of a 400-year search.
        let rare = try CronSchedule(parsing: "0 0 29 2 */7")
        #expect(rare.next(after: Self.time("2128-03-01T00:00:00Z")) == Self.time("2156-02-29T00:00:00Z"))
        let every = try CronSchedule(parsing: "* * * * *")
        #expect(every.next(after: Date(timeIntervalSince1970: .infinity)) == nil)
        #expect(every.next(after: Date(timeIntervalSince1970: .nan)) == nil)
        #expect(every.next(after: Date(timeIntervalSince1970: -.infinity)) == nil)
        #expect(every.next(after: .distantFuture) != nil)
        #expect(every.next(after: .distantPast) != nil)
        #expect(ContinuousClock.now - started < .seconds(1))
    }

    @Test func spacesAroundAndBetweenFieldsAreAllowed() throws {
        let schedule = try CronSchedule(parsing: "  0\t3  *  * *  ")
        #expect(schedule.expression == "0\t3  *  * *")
        #expect(try CronSchedule(parsing: "0 3 * * *").next(after: Self.time("2024-01-01T00:00:00Z"))
            == schedule.next(after: Self.time("2024-01-01T00:00:00Z")))
    }

    @Test func keepIsBounded() {
        #expect(BackupSchedule.keepProblem(1) == nil)
        #expect(BackupSchedule.keepProblem(1000) == nil)
        for keep in [0, -1, 1001, Int.max, Int.min] { #expect(BackupSchedule.keepProblem(keep) != nil, "\(keep)") }
    }
}
