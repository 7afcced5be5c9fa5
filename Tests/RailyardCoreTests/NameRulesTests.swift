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

    @Test(arguments: [
        ("a@b.co", true), ("first.last@example.com", true), ("no-at.example.com", false), ("@x.com", false),
        ("a@b", false), ("a b@c.com", false), ("a@@b.com", false), ("a@.com", false),
    ])
    func emails(email: String, valid: Bool) {
        #expect((NameRules.emailProblem(email) == nil) == valid, "\(email)")
    }

    @Test(arguments: [("My App", true), ("", false), (" x", false), ("x ", false), ("a\u{7}b", false),
                      (String(repeating: "x", count: 65), false)])
    func displayNames(name: String, valid: Bool) {
        #expect((NameRules.displayNameProblem(name, what: "name") == nil) == valid, "\(name)")
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
    }
}
