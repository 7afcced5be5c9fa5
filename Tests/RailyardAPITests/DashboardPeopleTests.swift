import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
@testable import RailyardAPI

/// The dashboard's people pages in process: the first admin made with the setup token, an
/// invite made on the workspace page and accepted in another browser, roles changed and
/// members removed by admins only, API tokens shown once and revoked, the audit log for admins.
@Suite struct DashboardPeopleTests {
    typealias Browser = DashboardTests.Browser

    static func body(_ reply: API.Reply) -> String { String(buffer: reply.body) }

    /// The value of the first `<code ... id="ID">` of a page.
    static func code(_ id: String, in reply: API.Reply) -> String? {
        let html = body(reply)
        guard let start = html.range(of: #"id="\#(id)">"#) else { return nil }
        return String(html[start.upperBound...].prefix { $0 != "<" })
    }

    @Test func theFirstAdminIsMadeWithTheSetupTokenAndSignedIn() async throws {
        let harness = try await APIHarness.make()
        try await harness.test { api in
            let browser = Browser(api)
            // No one yet: signing in leads to the setup page.
            let login = try await browser.request(.get, "/login")
            #expect(login.status == 303 && login.headers[.location] == "/setup")
            let page = try await browser.request(.get, "/setup")
            #expect(page.status == 200)
            let token = try #require(Browser.csrf(in: page))
            // A wrong setup token is refused on the page, and makes no one.
            let wrong = try await browser.request(.post, "/setup", form: [
                "_csrf": token, "token": "rys_wrong", "email": "first@example.com", "password": "a long password",
            ])
            #expect(wrong.status == 401 && Self.body(wrong).contains("setup token is not valid"), "\(Self.body(wrong))")
            #expect(browser.cookies[DashboardSession.sessionCookie] == nil)
            // The form needs its own token too (its cookie came with the page).
            let again = try #require(Browser.csrf(in: wrong))
            let forged = try await browser.request(.post, "/setup", form: [
                "_csrf": String(repeating: "x", count: 40), "token": APIHarness.setupToken, "email": "first@example.com",
                "password": "a long password",
            ])
            #expect(forged.status == 403)
            let made = try await browser.request(.post, "/setup", form: [
                "_csrf": again, "token": APIHarness.setupToken, "email": "first@example.com", "password": "a long password",
                "workspaceName": "acme",
            ])
            #expect(made.status == 303 && browser.cookies[DashboardSession.sessionCookie] != nil, "\(Self.body(made))")
            let home = try await browser.request(.get, "/")
            #expect(home.status == 200 && Self.body(home).contains("acme"))
            // Done once: the page now sends to sign in, and the token is spent.
            #expect(try await Browser(api).request(.get, "/setup").headers[.location] == "/login")
            try await api.expect(401, .post, "/api/v1/setup", json: [
                "token": APIHarness.setupToken, "email": "second@example.com", "password": "a long password",
            ])
        }
    }

    @Test func anInviteMadeOnTheWorkspacePageIsAcceptedInAnotherBrowser() async throws {
        let harness = try await APIHarness.make()
        try await harness.test { api in
            let f = try await Fixture.make(api)
            let admin = Browser(api)
            #expect(try await admin.signIn("admin@example.com", Fixture.password).status == 303)
            let page = try await admin.request(.get, "/workspaces/\(f.workspace)")
            #expect(page.status == 200 && Self.body(page).contains("viewer@example.com"))
            let token = try #require(Browser.csrf(in: page))
            let invited = try await admin.request(.post, "/workspaces/\(f.workspace)/invites", form: [
                "_csrf": token, "email": "new@example.com", "role": "member",
            ])
            #expect(invited.status == 201, "\(Self.body(invited))")
            let link = try #require(Self.code("invite-link", in: invited))
            let path = try #require(link.range(of: "/invites/accept?token=").map { String(link[$0.lowerBound...]) })

            let newcomer = Browser(api)
            let acceptPage = try await newcomer.request(.get, path)
            #expect(acceptPage.status == 200 && Self.body(acceptPage).contains("new@example.com"), "\(Self.body(acceptPage))")
            let formToken = try #require(Browser.csrf(in: acceptPage))
            let inviteToken = String(path.split(separator: "=", maxSplits: 1)[1])
            // A password too short is the API's 422, on the page; the invite stays open.
            let short = try await newcomer.request(.post, "/invites/accept", form: ["_csrf": formToken, "token": inviteToken, "password": "x"])
            #expect(short.status == 422, "\(Self.body(short))")
            let retry = try #require(Browser.csrf(in: short))
            let joined = try await newcomer.request(.post, "/invites/accept", form: [
                "_csrf": retry, "token": inviteToken, "password": "the newcomer's password",
            ])
            #expect(joined.status == 303 && newcomer.cookies[DashboardSession.sessionCookie] != nil, "\(Self.body(joined))")
            #expect(Self.body(try await newcomer.request(.get, "/")).contains("shop"))
            // Used: the link now finds nothing.
            #expect(try await Browser(api).request(.get, path).status == 404)
            // A member sees the members, no control over them, no tokens, no audit log.
            let seen = Self.body(try await newcomer.request(.get, "/workspaces/\(f.workspace)"))
            #expect(seen.contains("admin@example.com") && !seen.contains("/remove") && !seen.contains("API tokens")
                    && !seen.contains("Audit log"), "\(seen)")
        }
    }

    @Test func rolesMembersAndTokensAreManagedByAdminsOnly() async throws {
        let harness = try await APIHarness.make()
        try await harness.test { api in
            let f = try await Fixture.make(api)
            let viewerID = try await Fixture.userID(api, token: f.viewer)
            let memberID = try await Fixture.userID(api, token: f.member)
            let member = Browser(api)
            #expect(try await member.signIn("member@example.com", Fixture.password).status == 303)
            let memberToken = try #require(Browser.csrf(in: try await member.request(.get, "/")))
            // Forged by a member with their own valid CSRF token: the API's rules refuse each.
            #expect(try await member.request(.post, "/workspaces/\(f.workspace)/members/\(viewerID)/role",
                                             form: ["_csrf": memberToken, "role": "admin"]).status == 403)
            #expect(try await member.request(.post, "/workspaces/\(f.workspace)/members/\(viewerID)/remove",
                                             form: ["_csrf": memberToken]).status == 403)
            #expect(try await member.request(.post, "/workspaces/\(f.workspace)/tokens",
                                             form: ["_csrf": memberToken, "name": "mine", "role": "member"]).status == 403)
            #expect(try await member.request(.post, "/workspaces/\(f.workspace)/invites",
                                             form: ["_csrf": memberToken, "email": "x@example.com"]).status == 403)
            // Another workspace's page is not found, as in the API.
            #expect(try await member.request(.get, "/workspaces/\(f.outsiderWorkspace)").status == 404)

            let admin = Browser(api)
            #expect(try await admin.signIn("admin@example.com", Fixture.password).status == 303)
            let token = try #require(Browser.csrf(in: try await admin.request(.get, "/workspaces/\(f.workspace)")))
            #expect(try await admin.request(.post, "/workspaces/\(f.workspace)/members/\(viewerID)/role",
                                            form: ["_csrf": token, "role": "member"]).status == 303)
            #expect(try await admin.request(.post, "/workspaces/\(f.workspace)/members/\(memberID)/remove",
                                            form: ["_csrf": token]).status == 303)
            let members = try await api.expect(200, .get, "/api/v1/workspaces/\(f.workspace)/members", token: f.admin)
            let roles = Dictionary(uniqueKeysWithValues: ((members.json["items"] as? [[String: Any]]) ?? []).compactMap { item -> (String, String)? in
                guard let email = item["email"] as? String, let role = item["role"] as? String else { return nil }
                return (email, role)
            })
            #expect(roles["viewer@example.com"] == "member" && roles["member@example.com"] == nil, "\(roles)")
            // The removed member's session no longer opens the workspace.
            #expect(try await member.request(.get, "/workspaces/\(f.workspace)").status == 404)

            // A token: its secret once, in the answer; it works with the API; revoked, it does not.
            let made = try await admin.request(.post, "/workspaces/\(f.workspace)/tokens",
                                               form: ["_csrf": token, "name": "ci", "role": "viewer", "expiresInDays": "30"])
            #expect(made.status == 201, "\(Self.body(made))")
            let secret = try #require(Self.code("token-secret", in: made))
            try await api.expect(200, .get, "/api/v1/projects", token: secret)
            let listed = Self.body(try await admin.request(.get, "/workspaces/\(f.workspace)"))
            #expect(listed.contains("ci") && !listed.contains(secret), "a token's secret is shown again")
            let tokens = try await api.expect(200, .get, "/api/v1/workspaces/\(f.workspace)/tokens", token: f.admin)
            let id = try #require(((tokens.json["items"] as? [[String: Any]]) ?? []).first { $0["name"] as? String == "ci" }?["id"] as? String)
            #expect(try await member.request(.post, "/tokens/\(id)/revoke", form: ["_csrf": memberToken]).status == 404)
            #expect(try await admin.request(.post, "/tokens/\(id)/revoke", form: ["_csrf": token]).status == 303)
            try await api.expect(401, .get, "/api/v1/projects", token: secret)
            // The audit log, filtered, says who did it.
            let audit = Self.body(try await admin.request(.get, "/workspaces/\(f.workspace)?action=token."))
            #expect(audit.contains("token.revoke") && audit.contains("token.create") && !audit.contains("member.role"), "\(audit)")
        }
    }
}
