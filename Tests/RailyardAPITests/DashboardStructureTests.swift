import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
@testable import RailyardAPI

/// Environments, domains and deletions from the dashboard, in process: each through the API's
/// rules (a viewer's forged form is refused), a deletion only with the name typed again.
@Suite struct DashboardStructureTests {
    typealias Browser = DashboardTests.Browser

    static func names(_ reply: API.Reply) -> [String] {
        ((reply.json["items"] as? [[String: Any]]) ?? []).compactMap { ($0["name"] ?? $0["hostname"]) as? String }
    }

    @Test func environmentsAndDomainsAreAddedAndRemovedThroughTheAPIsRules() async throws {
        let harness = try await APIHarness.make()
        try await harness.test { api in
            let f = try await Fixture.make(api)
            let admin = Browser(api)
            #expect(try await admin.signIn("admin@example.com", Fixture.password).status == 303)
            let token = try #require(Browser.csrf(in: try await admin.request(.get, "/projects/\(f.project)")))
            #expect(try await admin.request(.post, "/projects/\(f.project)/environments", form: ["_csrf": token, "name": "staging"]).status == 303)
            let bad = try await admin.request(.post, "/projects/\(f.project)/environments", form: ["_csrf": token, "name": "Not A Name!"])
            #expect(bad.status == 422)
            let environments = Self.names(try await api.expect(200, .get, "/api/v1/projects/\(f.project)/environments", token: f.admin))
            #expect(environments.sorted() == ["production", "staging"], "\(environments)")

            let service = "/services/\(f.service)"
            let query = "?environmentId=\(f.environment)"
            #expect(try await admin.request(.post, "\(service)/domains\(query)", form: ["_csrf": token, "hostname": "shop.example.com"]).status == 303)
            #expect(try await admin.request(.post, "\(service)/domains\(query)", form: ["_csrf": token, "hostname": ""]).status == 303)
            #expect(try await admin.request(.post, "\(service)/domains\(query)", form: ["_csrf": token, "hostname": "bad host"]).status == 422)
            #expect(try await admin.request(.post, "\(service)/domains\(query)", form: ["_csrf": token, "targetPort": "http"]).status == 422)
            // A certificate that is not one is the API's 422 (its checks: PEM, key, names).
            #expect(try await admin.request(.post, "\(service)/domains\(query)", form: [
                "_csrf": token, "hostname": "tls.example.com", "certificate": "not a certificate", "privateKey": "nor a key",
            ]).status == 422)
            let listed = try await api.expect(200, .get, "/api/v1\(service)/domains\(query)", token: f.admin)
            let domains = (listed.json["items"] as? [[String: Any]]) ?? []
            #expect(domains.count == 2 && Self.names(listed).contains("shop.example.com"), "\(domains)")
            let page = String(buffer: try await admin.request(.get, "\(service)\(query)").body)
            #expect(page.contains("shop.example.com"), "\(page)")

            // A viewer's forged removal is the API's refusal; the admin's removes it.
            let custom = try #require(domains.first { $0["hostname"] as? String == "shop.example.com" }?["id"] as? String)
            let viewer = Browser(api)
            #expect(try await viewer.signIn("viewer@example.com", Fixture.password).status == 303)
            let viewerToken = try #require(Browser.csrf(in: try await viewer.request(.get, "/")))
            #expect(try await viewer.request(.post, "/domains/\(custom)/delete", form: ["_csrf": viewerToken]).status == 403)
            #expect(try await viewer.request(.post, "\(service)/domains\(query)", form: ["_csrf": viewerToken]).status == 403)
            let removed = try await admin.request(.post, "/domains/\(custom)/delete", form: ["_csrf": token])
            #expect(removed.status == 303 && removed.headers[.location] == "\(service)\(query)")
            #expect(!Self.names(try await api.expect(200, .get, "/api/v1\(service)/domains\(query)", token: f.admin)).contains("shop.example.com"))
        }
    }

    @Test func aDeletionNeedsTheNameTypedAgainAndTheAPIsRole() async throws {
        let harness = try await APIHarness.make()
        try await harness.test { api in
            let f = try await Fixture.make(api)
            let member = Browser(api)
            #expect(try await member.signIn("member@example.com", Fixture.password).status == 303)
            let memberToken = try #require(Browser.csrf(in: try await member.request(.get, "/")))
            let admin = Browser(api)
            #expect(try await admin.signIn("admin@example.com", Fixture.password).status == 303)
            let token = try #require(Browser.csrf(in: try await admin.request(.get, "/")))

            // The service: not without its name; then gone.
            #expect(try await admin.request(.post, "/services/\(f.service)/delete", form: ["_csrf": token]).status == 422)
            #expect(try await admin.request(.post, "/services/\(f.service)/delete", form: ["_csrf": token, "confirm": "WEB"]).status == 422)
            try await api.expect(200, .get, "/api/v1/services/\(f.service)", token: f.admin)
            let gone = try await admin.request(.post, "/services/\(f.service)/delete", form: ["_csrf": token, "confirm": "web"])
            #expect(gone.status == 303 && gone.headers[.location] == "/projects/\(f.project)")
            try await api.expect(404, .get, "/api/v1/services/\(f.service)", token: f.admin)

            // The project: a member may not delete it, whatever they type; an admin may.
            #expect(try await member.request(.post, "/projects/\(f.project)/delete", form: ["_csrf": memberToken, "confirm": "shop"]).status == 403)
            try await api.expect(200, .get, "/api/v1/projects/\(f.project)", token: f.admin)
            #expect(try await admin.request(.post, "/projects/\(f.project)/delete", form: ["_csrf": token, "confirm": "shop"]).status == 303)
            try await api.expect(404, .get, "/api/v1/projects/\(f.project)", token: f.admin)
        }
    }

    @Test func settingsAndTheEnvEditorGoThroughTheAPIsChecks() async throws {
        let harness = try await APIHarness.make()
        try await harness.test { api in
            let f = try await Fixture.make(api)
            let admin = Browser(api)
            #expect(try await admin.signIn("admin@example.com", Fixture.password).status == 303)
            let query = "?environmentId=\(f.environment)"
            let token = try #require(Browser.csrf(in: try await admin.request(.get, "/services/\(f.service)\(query)")))
            let saved = try await admin.request(.post, "/services/\(f.service)/settings\(query)", form: [
                "_csrf": token, "memory": "512", "cpu": "0.5", "processes": "", "requestBody": "",
            ])
            #expect(saved.status == 303, "\(String(buffer: saved.body))")
            var service = try await api.expect(200, .get, "/api/v1/services/\(f.service)", token: f.admin).json
            #expect(service["memoryLimit"] as? Int == 512 << 20 && service["cpuLimitMillis"] as? Int == 500, "\(service)")
            // Below the API's floor, or not a number: the API's 422, nothing changed.
            #expect(try await admin.request(.post, "/services/\(f.service)/settings\(query)", form: ["_csrf": token, "memory": "1"]).status == 422)
            #expect(try await admin.request(.post, "/services/\(f.service)/settings\(query)", form: ["_csrf": token, "cpu": "lots"]).status == 422)
            // Empty fields remove the limits.
            #expect(try await admin.request(.post, "/services/\(f.service)/settings\(query)", form: ["_csrf": token]).status == 303)
            service = try await api.expect(200, .get, "/api/v1/services/\(f.service)", token: f.admin).json
            #expect((service["memoryLimit"] ?? NSNull()) is NSNull && (service["cpuLimitMillis"] ?? NSNull()) is NSNull, "\(service)")

            // The .env editor: set, change, remove; sealed variables are left alone.
            try await api.expect(200, .patch, "/api/v1/services/\(f.service)/variables\(query)", token: f.admin,
                                 json: ["set": ["KEEP": "1", "DROP": "2", "SECRET": "s"], "sealed": false])
            try await api.expect(200, .patch, "/api/v1/services/\(f.service)/variables\(query)", token: f.admin,
                                 json: ["set": ["SEALED": "hidden"], "sealed": true])
            let env = "# comment\nexport KEEP=\"one\"\nNEW=a=b\n\nSECRET=s\n"
            #expect(try await admin.request(.post, "/services/\(f.service)/variables/env\(query)", form: ["_csrf": token, "env": env]).status == 303)
            let listed = try await api.expect(200, .get, "/api/v1/services/\(f.service)/variables\(query)", token: f.admin)
            var values: [String: String] = [:]
            for item in (listed.json["items"] as? [[String: Any]]) ?? [] {
                values[item["name"] as? String ?? ""] = (item["value"] as? String) ?? "(sealed)"
            }
            #expect(values == ["KEEP": "one", "NEW": "a=b", "SECRET": "s", "SEALED": "(sealed)"], "\(values)")
            // A bad line or a bad name changes nothing.
            #expect(try await admin.request(.post, "/services/\(f.service)/variables/env\(query)", form: ["_csrf": token, "env": "no equals"]).status == 422)
            #expect(try await admin.request(.post, "/services/\(f.service)/variables/env\(query)", form: ["_csrf": token, "env": "1BAD=x"]).status == 422)
            let after = try await api.expect(200, .get, "/api/v1/services/\(f.service)/variables\(query)", token: f.admin)
            #expect(((after.json["items"] as? [[String: Any]]) ?? []).count == 4)
            // A viewer's forged settings are refused.
            let viewer = Browser(api)
            #expect(try await viewer.signIn("viewer@example.com", Fixture.password).status == 303)
            let viewerToken = try #require(Browser.csrf(in: try await viewer.request(.get, "/")))
            #expect(try await viewer.request(.post, "/services/\(f.service)/settings\(query)", form: ["_csrf": viewerToken, "memory": "64"]).status == 403)
        }
    }

    @Test func sharedVariablesAndEnvironmentDeletionPerEnvironment() async throws {
        let harness = try await APIHarness.make()
        try await harness.test { api in
            let f = try await Fixture.make(api)
            let admin = Browser(api)
            #expect(try await admin.signIn("admin@example.com", Fixture.password).status == 303)
            let page = try await admin.request(.get, "/projects/\(f.project)")
            let token = try #require(Browser.csrf(in: page))
            // A single environment cannot be deleted from the page (no control shown).
            #expect(!String(buffer: page.body).contains("confirm-environment"))
            #expect(try await admin.request(.post, "/environments/\(f.environment)/variables", form: ["_csrf": token, "name": "REGION", "value": "eu"]).status == 303)
            #expect(try await admin.request(.post, "/environments/\(f.environment)/variables", form: ["_csrf": token, "name": "LOOP", "value": "${{shared.LOOP}}"]).status == 422)
            let shared = try await api.expect(200, .get, "/api/v1/environments/\(f.environment)/variables", token: f.admin)
            #expect(((shared.json["items"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String } == ["REGION"])
            // The service's resolved view uses it.
            try await api.expect(200, .patch, "/api/v1/services/\(f.service)/variables?environmentId=\(f.environment)", token: f.admin,
                                 json: ["set": ["WHERE": "${{shared.REGION}}-1"]])
            let servicePage = String(buffer: try await admin.request(.get, "/services/\(f.service)?environmentId=\(f.environment)").body)
            #expect(servicePage.contains("eu-1"), "\(servicePage)")

            // A second environment: its own (empty) shared variables; deleted with its name typed.
            try await api.expect(201, .post, "/api/v1/projects/\(f.project)/environments", token: f.admin, json: ["name": "staging"])
            let environments = try await api.expect(200, .get, "/api/v1/projects/\(f.project)/environments", token: f.admin)
            let staging = try #require(((environments.json["items"] as? [[String: Any]]) ?? []).first { $0["name"] as? String == "staging" }?["id"] as? String)
            let stagingPage = String(buffer: try await admin.request(.get, "/projects/\(f.project)?environmentId=\(staging)").body)
            #expect(!stagingPage.contains("REGION") && stagingPage.contains("confirm-environment"), "\(stagingPage)")
            #expect(try await admin.request(.get, "/projects/\(f.project)?environmentId=\(f.outsiderWorkspace)").status == 404)
            #expect(try await admin.request(.post, "/environments/\(staging)/delete", form: ["_csrf": token, "confirm": "production"]).status == 422)
            #expect(try await admin.request(.post, "/environments/\(staging)/delete", form: ["_csrf": token, "confirm": "staging"]).status == 303)
            try await api.expect(404, .get, "/api/v1/environments/\(staging)", token: f.admin)
            // A viewer's forged shared variable is refused.
            let viewer = Browser(api)
            #expect(try await viewer.signIn("viewer@example.com", Fixture.password).status == 303)
            let viewerToken = try #require(Browser.csrf(in: try await viewer.request(.get, "/")))
            #expect(try await viewer.request(.post, "/environments/\(f.environment)/variables", form: ["_csrf": viewerToken, "name": "X", "value": "1"]).status == 403)
            let seenByViewer = String(buffer: try await viewer.request(.get, "/projects/\(f.project)").body)
            #expect(seenByViewer.contains("REGION") && Browser.removeAction(for: "REGION", in: seenByViewer) == nil, "\(seenByViewer)")
            // Removed through the form the page shows.
            let listed = String(buffer: try await admin.request(.get, "/projects/\(f.project)").body)
            let remove = try #require(Browser.removeAction(for: "REGION", in: listed), "\(listed)")
            #expect(remove == "/environments/\(f.environment)/variables")
            #expect(try await admin.request(.post, remove, form: ["_csrf": token, "unset": "REGION"]).status == 303)
            let left = try await api.expect(200, .get, "/api/v1/environments/\(f.environment)/variables", token: f.admin)
            #expect(((left.json["items"] as? [[String: Any]]) ?? []).isEmpty, "\(left.json)")
        }
    }
}
