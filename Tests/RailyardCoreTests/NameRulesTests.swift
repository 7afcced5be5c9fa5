import Foundation
import Testing
@testable import RailyardCore

struct NameRulesTests {
    @Test(arguments: [
        ("web", true), ("a", true), ("api-2", true), ("a23456789012345678901234567890ab", true),
        ("", false), ("Web", false), ("2web", false), ("web-", false), ("-web", false), ("we_b", false),
        ("a234567890123456789012345678901234", false), ("wéb", false), ("web app", false), ("web.app", false),
    ])
    func serviceNames(name: String, valid: Bool) {
        #expect((NameRules.serviceNameProblem(name) == nil) == valid, "\(name)")
    }

    @Test(arguments: [
        ("DATABASE_URL", true), ("_x", true), ("a1", true), ("1A", false), ("", false), ("A-B", false),
        ("A B", false), (String(repeating: "A", count: 129), false),
    ])
    func variableNames(name: String, valid: Bool) {
        #expect((NameRules.variableNameProblem(name) == nil) == valid, "\(name)")
    }

    /// Names under the base of generated domains are the platform's; the base's parents and
    /// look-alikes are not under it.
    @Test(arguments: [
        ("api-shop.localhost", "localhost", true), ("localhost", "localhost", true), ("a.b.localhost", "localhost", true),
        ("shop.example.com", "localhost", false), ("notlocalhost.com", "localhost", false), ("xlocalhost", "localhost", false),
        ("web.apps.example.com", "apps.example.com", true), ("apps.example.com", "Apps.Example.com.", true),
        ("example.com", "apps.example.com", false), ("myapps.example.com", "apps.example.com", false),
        ("anything.example.com", "", false),
    ])
    func reservedHostnames(hostname: String, base: String, reserved: Bool) {
        #expect((DomainRules.reservedProblem(hostname, base: base) != nil) == reserved, "\(hostname) under \(base)")
    }

    @Test(arguments: [
        ("a@b.co", true), ("first.last@example.com", true), ("no-at.example.com", false), ("@x.com", false),
        ("a@b", false), ("a b@c.com", false), ("a@@b.com", false), ("a@.com", false),
    ])
    func emails(email: String, valid: Bool) {
        #expect((NameRules.emailProblem(email) == nil) == valid, "\(email)")
    }

    // Counted in code points, as the API's schema counts them: a letter with an emoji modifier
    // is one Character but two code points (schemathesis found the difference).
    @Test(arguments: [("My App", true), ("", false), (" x", false), ("x ", false), ("a\u{7}b", false),
                      (String(repeating: "x", count: 65), false), (String(repeating: "x", count: 63) + "\u{1F3FB}", true),
                      (String(repeating: "x", count: 64) + "\u{1F3FB}", false), (" \u{301}x", false)])
    func displayNames(name: String, valid: Bool) {
        #expect((NameRules.displayNameProblem(name, what: "name") == nil) == valid, "\(name)")
    }

    /// Repository URLs read as the schema reads them: code points, the scheme in any case.
    @Test(arguments: [("https://example.com/a.git", true), ("HTTPS://example.com/a.git", true), ("https://", false),
                      ("git@github.com:me/app.git", true), ("\u{89}@:\u{1F3FB}x", true), ("-\u{301}@h:p", false),
                      ("ext::sh -c x", false), ("a/b@c:d", false), ("user@host:", false)])
    func repositoryURLs(url: String, valid: Bool) {
        #expect((GitSource(url: url).problem == nil) == valid, "\(url.unicodeScalars.map { String($0.value, radix: 16) })")
    }

    @Test func passwords() {
        #expect(NameRules.passwordProblem("short") != nil)
        #expect(NameRules.passwordProblem("long enough") == nil)
        #expect(NameRules.passwordProblem(String(repeating: "x", count: 73)) != nil)
    }

    @Test func identifiersSortByCreationAndAreWellFormed() {
        let earlier = ProjectID.generate(now: .init(timeIntervalSince1970: 1_000))
        let later = ProjectID.generate(now: .init(timeIntervalSince1970: 2_000))
        #expect(earlier < later)
        #expect(ProjectID.isWellFormed(earlier.rawValue))
        #expect(!ProjectID.isWellFormed("not-an-id"))
        #expect(!ProjectID.isWellFormed(earlier.rawValue.uppercased()))
        let burst = (0..<1000).map { _ in ProjectID.generate(now: .init(timeIntervalSince1970: 3_000)) }
        #expect(burst == burst.sorted(), "ids made in one millisecond still sort in creation order")
        #expect(Set(burst).count == burst.count)
    }
}

struct TimestampTests {
    @Test(arguments: [
        (0.0, "1970-01-01T00:00:00.000Z"), (951_782_400.5, "2000-02-29T00:00:00.500Z"),
        (1_795_833_421.906, "2026-11-28T02:37:01.906Z"), (-1.0, "1969-12-31T23:59:59.000Z"),
        (4_102_444_799.999, "2099-12-31T23:59:59.999Z"),
    ])
    func formatsUTCWithMilliseconds(seconds: Double, expected: String) {
        #expect(JSONCoding.formatTimestamp(Date(timeIntervalSince1970: seconds)) == expected)
    }

    @Test func formatAndParseAgreeWithFoundation() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "UTC"))
        for _ in 0..<500 {
            let millis = Int64.random(in: 0...4_000_000_000_000)
            let date = Date(timeIntervalSince1970: Double(millis) / 1000)
            let text = JSONCoding.formatTimestamp(date)
            let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: Double(millis / 1000)))
            let expected = String(
                format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0,
                parts.minute ?? 0, parts.second ?? 0, Int(millis % 1000))
            #expect(text == expected)
            let parsed = try #require(JSONCoding.parseTimestamp(text))
            #expect(abs(parsed.timeIntervalSince1970 - date.timeIntervalSince1970) < 0.001)
        }
    }

    /// RFC 3339 as schemathesis writes it (it found `…01.65+22:31` refused), and what is not.
    @Test func timestampsAreReadAsRFC3339Says() throws {
        let cases: [(String, Double?)] = [
            ("2026-11-27T02:37:01Z", 1_795_747_021),
            ("2026-11-27T02:37:01.123Z", 1_795_747_021.123),
            ("2026-11-27t02:37:01z", 1_795_747_021),
            ("2026-11-27 02:37:01Z", 1_795_747_021),
            ("2026-11-27T03:37:01+01:00", 1_795_747_021),
            ("2026-11-27T03:37:01+0100", 1_795_747_021),
            ("2026-11-27T02:37:01.5-23:59", 1_795_833_361.5),
            ("2539-07-22T10:15:01.65+22:31", 17_973_315_841.65),
            ("2016-12-31T23:59:60Z", 1_483_228_799.999),
            ("1970-01-01T00:00:00Z", 0),
            ("2024-02-29T00:00:00Z", 1_709_164_800),
            ("2023-02-29T00:00:00Z", nil), ("2026-13-01T00:00:00Z", nil), ("2026-11-27T24:00:00Z", nil),
            ("2026-11-27T02:37:01", nil), ("2026-11-27T02:37:01+24:00", nil), ("2026-11-27T02:37:01.Z", nil),
            ("2026-11-27T02:37:01Zjunk", nil), ("garbage", nil), (String(repeating: "9", count: 10_000), nil),
        ]
        for (text, expected) in cases {
            let parsed = JSONCoding.parseTimestamp(text)?.timeIntervalSince1970
            if let expected {
                #expect(parsed.map { abs($0 - expected) < 0.001 } == true, "\(text): \(parsed.map { "\($0)" } ?? "nil")")
            } else {
                #expect(parsed == nil, "\(text) must be refused")
            }
        }
    }
}
