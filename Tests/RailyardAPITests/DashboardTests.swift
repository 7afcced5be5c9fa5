import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
@testable import RailyardAPI

/// The dashboard in process (issue 18): sign-in through the login limiter to a session cookie
/// with its flags, pages behind it, the security headers on every answer, CSRF and cross-site
/// refusals, the API's authorization (a viewer's forged write is refused), and every
/// tenant-written string escaped. The browser's view of it is scripts/dashboard-test's.
@Suite struct DashboardTests {
    /// A browser's worth of state: its cookies.
    final class Browser: @unchecked Sendable {
        var cookies: [String: String] = [:]
        let api: API
        init(_ api: API) { self.api = api }

        func request(_ method: HTTPRequest.Method, _ path: String, form: [String: String]? = nil, headers extra: HTTPFields = [:]) async throws -> API.Reply {
            var headers = extra
            if !cookies.isEmpty { headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ") }
            var body: ByteBuffer?
            if let form {
                headers[.contentType] = "application/x-www-form-urlencoded"
                body = ByteBuffer(string: form.map { key, value in
                    "\(key)=\(value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
                }.joined(separator: "&"))
            }
            let reply = try await api.client.execute(uri: path, method: method, headers: headers, body: body) { response in
                API.Reply(status: Int(response.status.code), headers: response.headers, body: response.body)
            }
            for cookie in reply.headers[values: .setCookie] {
                let pair = cookie.split(separator: ";").first.map(String.init) ?? ""
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                guard parts.count == 2 else { continue }
                if cookie.contains("Max-Age=0") { cookies[parts[0]] = nil } else { cookies[parts[0]] = parts[1] }
            }
            return reply
        }

        /// The value of the first `name="_csrf"` input of a page.
        static func csrf(in page: API.Reply) -> String? {
            let html = String(buffer: page.body)
            guard let range = html.range(of: #"name="_csrf" value=""#) else { return nil }
            return String(html[range.upperBound...].prefix { $0 != "\"" })
        }

        /// Where the page's form that removes variable `name` posts (the form holding its
        /// `unset` input), nil when the page has no such form.
        static func removeAction(for name: String, in html: String) -> String? {
            guard let input = html.range(of: #"<input type="hidden" name="unset" value="\#(name)">"#),
                  let form = html[..<input.lowerBound].range(of: #"<form method="post" action=""#, options: .backwards)
            else { return nil }
            return String(html[form.upperBound...].prefix { $0 != "\"" })
        }

        func signIn(_ email: String, _ password: String) async throws -> API.Reply {
            let page = try await request(.get, "/login")
            let token = try #require(Self.csrf(in: page))
            return try await request(.post, "/login", form: ["_csrf": token, "email": email, "password": password])
        }
    }

    @Test func signInGivesACookieWithItsFlagsAndPagesCarryTheSecurityHeaders() async throws {
        let harness = try await APIHarness.make()
        try await harness.test { api in
            let f = try await Fixture.make(api)
            _ = f
            let browser = Browser(api)
            // Signed out: pages send to sign-in.
            let home = try await browser.request(.get, "/")
            #expect(home.status == 303 && home.headers[.location] == "/login")
            // A wrong password is a 401 page, not a session.
            let wrong = try await browser.signIn("admin@example.com", "not the password")
            #expect(wrong.status == 401 && browser.cookies[DashboardSession.sessionCookie] == nil)
            let signed = try await browser.signIn("admin@example.com", Fixture.password)
            #expect(signed.status == 303 && signed.headers[.location] == "/")
            let cookie = try #require(signed.headers[values: .setCookie].first { $0.hasPrefix(DashboardSession.sessionCookie + "=") })
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"), "\(cookie)")
            let projects = try await browser.request(.get, "/")
            #expect(projects.status == 200)
            #expect(String(buffer: projects.body).contains("Projects"))
            let policy = try #require(projects.headers[.contentSecurityPolicy])
            #expect(!policy.contains("unsafe-inline") && policy.contains("frame-ancestors 'none'"), "\(policy)")
            #expect(projects.headers[.xContentTypeOptions] == "nosniff")
            // Its assets are served under their hashed names; others are not.
            let css = try await browser.request(.get, "/assets/\(DashboardAssets.cssName)")
            #expect(css.status == 200 && css.headers[.contentType]?.hasPrefix("text/css") == true)
            #expect(try await browser.request(.get, "/assets/app.css").status == 404)
            // Signing out ends the session: the old cookie no longer opens a page.
            let old = try #require(browser.cookies[DashboardSession.sessionCookie])
            let out = try await browser.request(.post, "/logout", form: ["_csrf": try #require(Browser.csrf(in: projects))])
            #expect(out.status == 303 && browser.cookies[DashboardSession.sessionCookie] == nil)
            browser.cookies[DashboardSession.sessionCookie] = old
            #expect(try await browser.request(.get, "/").status == 303)
        }
    }

    @Test func writesNeedTheSessionsCSRFTokenAndTheAPIsPermissions() async throws {
        let harness = try await APIHarness.make()
        try await harness.test { api in
            let f = try await Fixture.make(api)
            let admin = Browser(api)
            #expect(try await admin.signIn("admin@example.com", Fixture.password).status == 303)
            let page = try await admin.request(.get, "/projects/\(f.project)")
            let token = try #require(Browser.csrf(in: page))
            // Without the token, with another one, or from another site: refused, nothing made.
            #expect(try await admin.request(.post, "/projects/\(f.project)/services", form: ["name": "nocsrf"]).status == 403)
            #expect(try await admin.request(.post, "/projects/\(f.project)/services", form: ["name": "wrong", "_csrf": String(repeating: "0", count: 64)]).status == 403)
            var foreign = HTTPFields()
            foreign[HTTPField.Name("Origin")!] = "https://evil.example"
            #expect(try await admin.request(.post, "/projects/\(f.project)/services", form: ["name": "foreign", "_csrf": token], headers: foreign).status == 403)
            // The control: with the token, from here, the service is made.
            let made = try await admin.request(.post, "/projects/\(f.project)/services", form: ["name": "made", "_csrf": token])
            #expect(made.status == 303, "\(String(buffer: made.body))")
            let listed = try await api.expect(200, .get, "/api/v1/projects/\(f.project)/services", token: f.admin)
            let names = ((listed.json["items"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String }
            #expect(names.contains("made") && !names.contains("nocsrf") && !names.contains("wrong") && !names.contains("foreign"), "\(names)")

            // A viewer sees no write control, and a forged write (with their own valid token) is
            // refused by the API's rule.
            let viewer = Browser(api)
            #expect(try await viewer.signIn("viewer@example.com", Fixture.password).status == 303)
            let viewerPage = try await viewer.request(.get, "/projects/\(f.project)")
            #expect(viewerPage.status == 200 && !String(buffer: viewerPage.body).contains("New service"))
            let viewerToken = try #require(Browser.csrf(in: viewerPage))
            let forged = try await viewer.request(.post, "/projects/\(f.project)/services", form: ["name": "forged", "_csrf": viewerToken])
            #expect(forged.status == 403)
            // The outsider's workspace is not ours: its project is not found, ours neither for them.
            let outsider = Browser(api)
            #expect(try await outsider.signIn("outsider@example.com", Fixture.password).status == 303)
            #expect(try await outsider.request(.get, "/projects/\(f.project)").status == 404)
        }
    }

    @Test func tenantStringsAreEscapedAndTemplatesHaveNoUnescapedForms() async throws {
        for (name, text) in DashboardTemplates.all {
            for unsafe in ["{{{", "{{&", "{{%", "{{="] { #expect(!text.contains(unsafe), "\(name) uses \(unsafe)") }
            #expect(DashboardTemplates.library.getTemplate(named: name) != nil, "\(name) does not parse")
        }
        let harness = try await APIHarness.make()
        try await harness.test { api in
            let f = try await Fixture.make(api)
            let hostile = #"<script>alert(1)</script>" onmouseover="x"#
            try await api.expect(201, .post, "/api/v1/projects", token: f.admin, json: ["name": hostile, "workspaceId": f.workspace])
            let browser = Browser(api)
            #expect(try await browser.signIn("admin@example.com", Fixture.password).status == 303)
            let html = String(buffer: try await browser.request(.get, "/").body)
            #expect(!html.contains("<script>alert") && !html.contains(#"" onmouseover"#), "\(html)")
            #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "\(html)")
        }
    }

    @Test func variablesAreSetThroughTheAPIsRulesAndViewersSeeNamesOnly() async throws {
        let harness = try await APIHarness.make()
        try await harness.test { api in
            let f = try await Fixture.make(api)
            let admin = Browser(api)
            #expect(try await admin.signIn("admin@example.com", Fixture.password).status == 303)
            let page = try await admin.request(.get, "/services/\(f.service)?environmentId=\(f.environment)")
            #expect(page.status == 200)
            let token = try #require(Browser.csrf(in: page))
            let path = "/services/\(f.service)/variables?environmentId=\(f.environment)"
            let set = try await admin.request(.post, path, form: ["_csrf": token, "name": "GREETING", "value": "hi <b>there</b>"])
            #expect(set.status == 303 && set.headers[.location] == "/services/\(f.service)?environmentId=\(f.environment)")
            // The API's rules apply: a bad name is refused with the API's message, nothing is set.
            let bad = try await admin.request(.post, path, form: ["_csrf": token, "name": "1 bad", "value": "x"])
            #expect(bad.status == 422, "\(String(buffer: bad.body))")
            let stored = try await api.expect(200, .get, "/api/v1/services/\(f.service)/variables?environmentId=\(f.environment)", token: f.admin)
            let names = ((stored.json["items"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String }
            #expect(names.contains("GREETING") && !names.contains("1 bad"), "\(names)")
            let shown = String(buffer: try await admin.request(.get, "/services/\(f.service)?environmentId=\(f.environment)").body)
            #expect(shown.contains("hi &lt;b&gt;there&lt;/b&gt;"), "\(shown)")
            // Unset through the form the page shows.
            let remove = try #require(Browser.removeAction(for: "GREETING", in: shown), "\(shown)")
            #expect(remove == path)
            #expect(try await admin.request(.post, remove, form: ["_csrf": token, "unset": "GREETING"]).status == 303)
            let after = try await api.expect(200, .get, "/api/v1/services/\(f.service)/variables?environmentId=\(f.environment)", token: f.admin)
            #expect(((after.json["items"] as? [[String: Any]]) ?? []).allSatisfy { $0["name"] as? String != "GREETING" })

            try await api.expect(200, .patch, "/api/v1/services/\(f.service)/variables?environmentId=\(f.environment)",
                                 token: f.admin, json: ["set": ["SECRET_NAME": "the value"]])
            let viewer = Browser(api)
            #expect(try await viewer.signIn("viewer@example.com", Fixture.password).status == 303)
            let seen = String(buffer: try await viewer.request(.get, "/services/\(f.service)?environmentId=\(f.environment)").body)
            #expect(seen.contains("SECRET_NAME") && !seen.contains("the value"), "\(seen)")
            #expect(!seen.contains("method=\"post\" action=\"/services/"), "a viewer is shown a write form")
            // A redeploy is the API's: a deployment of the repository is queued (no pipeline
            // runs in process), and a viewer's forged one is refused.
            let redeploy = try await admin.request(.post, "/services/\(f.service)/deployments?environmentId=\(f.environment)", form: ["_csrf": token])
            #expect(redeploy.status == 303, "\(String(buffer: redeploy.body))")
            let viewerToken = try #require(Browser.csrf(in: try await viewer.request(.get, "/")))
            let forged = try await viewer.request(.post, "/services/\(f.service)/deployments?environmentId=\(f.environment)", form: ["_csrf": viewerToken])
            #expect(forged.status == 403)
            let queued = try await api.expect(200, .get, "/api/v1/services/\(f.service)/deployments?environmentId=\(f.environment)", token: f.admin)
            let messages = ((queued.json["items"] as? [[String: Any]]) ?? []).compactMap { $0["message"] as? String }
            #expect(messages == ["redeployed from the dashboard"], "\(messages)")
            // Who asked for it, as the viewer's page says.
            let seenByViewer = String(buffer: try await viewer.request(.get, "/services/\(f.service)?environmentId=\(f.environment)").body)
            #expect(seenByViewer.contains("<td>admin@example.com</td>"), "\(seenByViewer)")
        }
    }

    @Test func theDashboardAndTheAPIShareOneLoginBudgetAndTheirCredentialsDoNotCross() async throws {
        let harness = try await APIHarness.make()
        try await harness.test { api in
            let f = try await Fixture.make(api)
            let browser = Browser(api)
            // The harness allows 3 failures per account and address: spent in the browser, the
            // API refuses the fourth attempt, even with the right password.
            for _ in 0..<3 { #expect(try await browser.signIn("viewer@example.com", "wrong password").status == 401) }
            let limited = try await browser.signIn("viewer@example.com", Fixture.password)
            #expect(limited.status == 429 && limited.headers[.retryAfter] != nil, "\(limited.status)")
            try await api.expect(429, .post, "/api/v1/auth/login", json: ["email": "viewer@example.com", "password": Fixture.password])

            #expect(try await browser.signIn("admin@example.com", Fixture.password).status == 303)
            let cookie = try #require(browser.cookies[DashboardSession.sessionCookie])
            // The cookie is no Bearer token, and an API token is no cookie.
            try await api.expect(401, .get, "/api/v1/projects", token: cookie)
            let other = Browser(api)
            other.cookies[DashboardSession.sessionCookie] = f.admin
            let refused = try await other.request(.get, "/")
            #expect(refused.status == 303 && refused.headers[.location] == "/login")
            // A form larger than the dashboard takes is refused, not read.
            let page = try await browser.request(.get, "/")
            let big = try await browser.request(.post, "/projects", form: [
                "_csrf": try #require(Browser.csrf(in: page)), "name": String(repeating: "x", count: 100_000),
            ])
            #expect(big.status == 413)
            // Watching a page needs a session too: a stream is told 401, not redirected.
            var events = HTTPFields()
            events[.accept] = "text/event-stream"
            #expect(try await other.request(.get, "/?watch=1", headers: events).status == 401)
            #expect(try await other.request(.get, "/ui/deployments/dep_00000000000000000000000000/logs?follow=true", headers: events).status == 401)
        }
    }
}
