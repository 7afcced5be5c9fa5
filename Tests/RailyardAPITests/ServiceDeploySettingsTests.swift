import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
@testable import RailyardAPI
import RailyardCore

/// A service's start command, health check, replicas and restart policy, set through the API
/// and the dashboard's settings form: kept, shown, removed, and refused when bad, from a
/// viewer, or on a database service.
@Suite struct ServiceDeploySettingsTests {
    @Test func settingsAreKeptShownAndRemovedFieldByField() async throws {
        let harness = try await APIHarness.make()
        try await harness.test { api in
            let f = try await Fixture.make(api)
            let path = "/api/v1/services/\(f.service)"
            let fresh = try await api.expect(200, .get, path, token: f.admin)
            #expect((fresh.json["deploy"] as? [String: Any])?.isEmpty == true, "\(fresh.json)")

            let set = try await api.expect(200, .patch, path, token: f.member, json: ["deploy": [
                "startCommand": "  gunicorn app:app --bind 0.0.0.0:$PORT \n", "numReplicas": 3, "healthcheckPath": "/health?deep=1",
                "healthcheckTimeout": 60, "restartPolicyType": "ALWAYS", "restartPolicyMaxRetries": 0,
            ]])
            let deploy = try #require(set.json["deploy"] as? [String: Any])
            #expect(deploy["startCommand"] as? String == "gunicorn app:app --bind 0.0.0.0:$PORT", "kept trimmed")
            #expect(deploy["numReplicas"] as? Int == 3 && deploy["healthcheckPath"] as? String == "/health?deep=1")
            #expect(deploy["healthcheckTimeout"] as? Int == 60 && deploy["restartPolicyType"] as? String == "ALWAYS")
            #expect(deploy["restartPolicyMaxRetries"] as? Int == 0)

            // A field left out stays; null removes one; other settings leave them all alone.
            let changed = try await api.call(.patch, path, token: f.admin, raw: #"{"deploy": {"numReplicas": null, "restartPolicyType": "NEVER"}}"#)
            #expect(changed.status == 200)
            let after = try #require(changed.json["deploy"] as? [String: Any])
            #expect(after["numReplicas"] == nil && after["restartPolicyType"] as? String == "NEVER", "\(after)")
            #expect(after["startCommand"] as? String == "gunicorn app:app --bind 0.0.0.0:$PORT")
            let renamed = try await api.expect(200, .patch, path, token: f.admin, json: ["memoryLimit": 64 << 20, "deploy": NSNull()])
            #expect((renamed.json["deploy"] as? [String: Any])?.count == 5, "\(renamed.json)")
            let stored = try #require(try await harness.store.service(id: ServiceID(rawValue: f.service)))
            #expect(stored.deploy == ServiceDeploySettings(
                startCommand: "gunicorn app:app --bind 0.0.0.0:$PORT", healthcheckPath: "/health?deep=1", healthcheckTimeout: 60,
                restartPolicyType: .never, restartPolicyMaxRetries: 0))
            let cleared = try await api.call(.patch, path, token: f.admin, raw: #"""
                {"deploy": {"startCommand": null, "healthcheckPath": null, "healthcheckTimeout": null, "restartPolicyType": null, "restartPolicyMaxRetries": null}}
                """#)
            #expect(cleared.status == 200 && (cleared.json["deploy"] as? [String: Any])?.isEmpty == true, "\(cleared.json)")
        }
    }

    @Test func badSettingsAreRefusedWithTheirFieldAndChangeNothing() async throws {
        let harness = try await APIHarness.make()
        try await harness.test { api in
            let f = try await Fixture.make(api)
            let path = "/api/v1/services/\(f.service)"
            try await api.expect(200, .patch, path, token: f.admin, json: ["deploy": ["startCommand": "./start", "numReplicas": 2]])
            let refused: [(String, Any)] = [
                ("startCommand", ""), ("startCommand", " \n\t\u{3000}"),
                ("startCommand", String(repeating: "x", count: 4097)),
                ("healthcheckPath", "health"), ("healthcheckPath", "/with space"), ("healthcheckPath", "/caf\u{e9}"),
                ("healthcheckPath", "/line\n"), ("healthcheckPath", "/" + String(repeating: "a", count: 1024)),
                ("healthcheckTimeout", 0), ("healthcheckTimeout", 3601), ("numReplicas", 0), ("numReplicas", 65), ("numReplicas", -1),
                ("restartPolicyMaxRetries", -1), ("restartPolicyMaxRetries", 1001),
            ]
            for (field, value) in refused {
                let reply = try await api.call(.patch, path, token: f.admin, json: ["deploy": [field: value], "name": "renamed"])
                #expect(reply.status == 422, "\(field)=\(value)")
                #expect((reply.json["error"] as? [String: Any])?["field"] as? String == "deploy." + field, "\(reply.json)")
            }
            // Not the right type, not a policy, or a NUL (which the API refuses in any string):
            // the body's 400.
            for body in [#"{"deploy": {"startCommand": "run\u0000me"}}"#, #"{"deploy": {"numReplicas": "2"}}"#, #"{"deploy": {"restartPolicyType": "SOMETIMES"}}"#,
                         #"{"deploy": {"restartPolicyType": "always"}}"#, #"{"deploy": []}"#, #"{"deploy": {"numReplicas": 1.5}}"#] {
                #expect(try await api.call(.patch, path, token: f.admin, raw: body).status == 400, "\(body)")
            }
            // The longest command and path are kept whole.
            let longest = String(repeating: "é", count: 4096)
            let kept = try await api.expect(200, .patch, path, token: f.admin, json: ["deploy": [
                "startCommand": longest, "healthcheckPath": "/" + String(repeating: "~", count: 1023),
            ]])
            #expect((kept.json["deploy"] as? [String: Any])?["startCommand"] as? String == longest)
            let service = try #require(try await harness.store.service(id: ServiceID(rawValue: f.service)))
            #expect(service.name == "web" && service.deploy.numReplicas == 2, "refused changes changed nothing")

            // A viewer, and a caller of another workspace, change nothing.
            try await api.expect(403, .patch, path, token: f.viewer, json: ["deploy": ["numReplicas": 5]])
            try await api.expect(404, .patch, path, token: f.outsider, json: ["deploy": ["numReplicas": 5]])
            #expect(try await harness.store.service(id: ServiceID(rawValue: f.service))?.deploy.numReplicas == 2)
        }
    }

    @Test func aDatabaseServiceTakesNoDeploySettings() async throws {
        let harness = try await APIHarness.make()
        try await harness.test { api in
            let f = try await Fixture.make(api)
            let database = try await harness.store.createService(
                name: "postgres", in: ProjectID(rawValue: f.project), database: .postgres, audit: .system)
            let path = "/api/v1/services/\(database.id)"
            let refused = try await api.call(.patch, path, token: f.admin, json: ["deploy": ["startCommand": "postgres -D /tmp"]])
            #expect(refused.status == 409 && (refused.json["error"] as? [String: Any])?["field"] as? String == "deploy", "\(refused.json)")
            try await api.expect(200, .patch, path, token: f.admin, json: ["deploy": [String: Any](), "memoryLimit": 64 << 20])

            // Its settings form shows none of them, and saving it leaves them alone.
            let admin = DashboardTests.Browser(api)
            #expect(try await admin.signIn("admin@example.com", Fixture.password).status == 303)
            let query = "?environmentId=\(f.environment)"
            let page = try await admin.request(.get, "/services/\(database.id)\(query)")
            let html = String(buffer: page.body)
            #expect(html.contains("setting-memory") && !html.contains("setting-start") && !html.contains("setting-replicas"))
            let token = try #require(DashboardTests.Browser.csrf(in: page))
            #expect(try await admin.request(.post, "/services/\(database.id)/settings\(query)", form: ["_csrf": token, "memory": "128"]).status == 303)
            #expect(try await harness.store.service(id: database.id)?.memoryLimit == 128 << 20)
        }
    }

    @Test func theDashboardsSettingsFormSetsAndRemovesThem() async throws {
        let harness = try await APIHarness.make()
        try await harness.test { api in
            let f = try await Fixture.make(api)
            let admin = DashboardTests.Browser(api)
            #expect(try await admin.signIn("admin@example.com", Fixture.password).status == 303)
            let query = "?environmentId=\(f.environment)"
            let settings = "/services/\(f.service)/settings\(query)"
            let token = try #require(DashboardTests.Browser.csrf(in: try await admin.request(.get, "/services/\(f.service)\(query)")))
            let everything = [
                "_csrf": token, "memory": "", "cpu": "", "processes": "", "requestBody": "",
                "startCommand": "node server.js --title \"<b>&\"", "numReplicas": "2", "healthcheckPath": "/ready",
                "healthcheckTimeout": "90", "restartPolicyType": "NEVER", "restartPolicyMaxRetries": "3",
            ]
            let saved = try await admin.request(.post, settings, form: everything)
            #expect(saved.status == 303, "\(String(buffer: saved.body))")
            let service = try #require(try await harness.store.service(id: ServiceID(rawValue: f.service)))
            #expect(service.deploy == ServiceDeploySettings(
                startCommand: "node server.js --title \"<b>&\"", healthcheckPath: "/ready", healthcheckTimeout: 90, numReplicas: 2,
                restartPolicyType: .never, restartPolicyMaxRetries: 3))
            // The form shows them again, escaped, the policy chosen.
            let html = String(buffer: try await admin.request(.get, "/services/\(f.service)\(query)").body)
            #expect(html.contains(#"value="node server.js --title &quot;&lt;b&gt;&amp;&quot;""#), "the start command is escaped")
            #expect(html.contains(#"<option value="NEVER" selected>Never</option>"#) && html.contains(#"name="numReplicas" inputmode="numeric" value="2""#))
            #expect(html.contains(#"<option value="">Default (on failure)</option><option value="ON_FAILURE">On failure</option>"#), "\(html)")

            // Bad values are the API's 422, with nothing changed.
            for (field, value) in [("numReplicas", "0"), ("numReplicas", "1.5"), ("numReplicas", "many"), ("healthcheckPath", "ready"),
                                   ("healthcheckTimeout", "9999"), ("restartPolicyType", "SOMETIMES"), ("restartPolicyMaxRetries", "-1")] {
                var form = everything
                form[field] = value
                #expect(try await admin.request(.post, settings, form: form).status == 422, "\(field)=\(value)")
            }
            #expect(try await harness.store.service(id: ServiceID(rawValue: f.service))?.deploy == service.deploy)

            // Empty fields remove them; a viewer's forged form is refused.
            var empty = everything.mapValues { _ in "" }
            empty["_csrf"] = token
            #expect(try await admin.request(.post, settings, form: empty).status == 303)
            #expect(try await harness.store.service(id: ServiceID(rawValue: f.service))?.deploy.isEmpty == true)
            let viewer = DashboardTests.Browser(api)
            #expect(try await viewer.signIn("viewer@example.com", Fixture.password).status == 303)
            let viewerToken = try #require(DashboardTests.Browser.csrf(in: try await viewer.request(.get, "/")))
            #expect(try await viewer.request(.post, settings, form: ["_csrf": viewerToken, "numReplicas": "9"]).status == 403)
            #expect(try await harness.store.service(id: ServiceID(rawValue: f.service))?.deploy.isEmpty == true)
        }
    }
}
