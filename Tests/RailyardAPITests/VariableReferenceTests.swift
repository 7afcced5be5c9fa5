import Foundation
import HTTPTypes
import Testing
@testable import RailyardAPI

/// Shared and sealed variables and references through the API, attacked as a tenant would.
struct VariableReferenceTests {
    static func variablesPath(_ service: String, _ environment: String) -> String {
        "/api/v1/services/\(service)/variables?environmentId=\(environment)"
    }

    static func resolvedPath(_ service: String, _ environment: String) -> String {
        "/api/v1/services/\(service)/variables/resolved?environmentId=\(environment)"
    }

    static func createService(_ api: API, _ f: Fixture, _ name: String, project: String? = nil, token: String? = nil) async throws -> String {
        let reply = try await api.expect(201, .post, "/api/v1/projects/\(project ?? f.project)/services", token: token ?? f.admin,
                                         json: ["name": name])
        return try #require(reply.json["id"] as? String)
    }

    static func values(_ reply: API.Reply) -> [String: String] {
        var values: [String: String] = [:]
        for item in reply.json["items"] as? [[String: Any]] ?? [] {
            if let name = item["name"] as? String, let value = item["value"] as? String { values[name] = value }
        }
        return values
    }

    @Test func referencesToServicesSharedAndPlatformVariablesResolve() async throws {
        let harness = try await APIHarness.make()
        try await harness.test { api in
            let f = try await Fixture.make(api)
            let db = try await Self.createService(api, f, "db")
            try await api.expect(200, .patch, Self.variablesPath(db, f.environment), token: f.member, json: ["set": ["PGUSER": "shop"]])
            try await api.expect(200, .patch, "/api/v1/environments/\(f.environment)/variables", token: f.member,
                                 json: ["set": ["REGION": "eu-west"]])
            let listedShared = try await api.expect(200, .get, "/api/v1/environments/\(f.environment)/variables", token: f.viewer)
            #expect((listedShared.json["items"] as? [[String: Any]])?.first?["name"] as? String == "REGION")
            #expect(Self.values(listedShared).isEmpty, "a viewer sees names only")
            try await api.expect(200, .patch, Self.variablesPath(f.service, f.environment), token: f.member, json: ["set": [
                "DATABASE_URL": "postgres://${{db.PGUSER}}@${{db.RAILWAY_PRIVATE_DOMAIN}}:5432/app",
                "WHERE": "${{shared.REGION}}/${{ Db.RAILWAY_SERVICE_NAME }}/${{db.RAILWAY_SERVICE_ID}}",
                "SELF": "[${{WHERE}}]",
            ]])
            let resolved = try await api.expect(200, .get, Self.resolvedPath(f.service, f.environment), token: f.member)
            #expect(Self.values(resolved) == [
                "DATABASE_URL": "postgres://shop@db.railway.internal:5432/app",
                "WHERE": "eu-west/db/\(db)", "SELF": "[eu-west/db/\(db)]",
            ])
            // The list shows what was written, references and all.
            let listed = try await api.expect(200, .get, Self.variablesPath(f.service, f.environment), token: f.member)
            #expect(Self.values(listed)["SELF"] == "[${{WHERE}}]")
            let asViewer = try await api.expect(200, .get, Self.resolvedPath(f.service, f.environment), token: f.viewer)
            #expect(Self.values(asViewer).isEmpty)
            #expect((asViewer.json["items"] as? [[String: Any]])?.count == 3)
        }
    }

    /// Each bad value is refused when it is set (422 on `set`, the reason in the message), and
    /// nothing of the change is kept.
    @Test func badReferencesAreRefusedWhenSet() async throws {
        let harness = try await APIHarness.make()
        try await harness.test { api in
            let f = try await Fixture.make(api)
            // Another project of the same workspace, and the outsider's workspace, each with a `db`.
            for (workspace, token) in [(f.workspace, f.admin), (f.outsiderWorkspace, f.outsider)] {
                let other = try await api.expect(201, .post, "/api/v1/projects", token: token,
                                                 json: ["name": "other-\(UUID().uuidString.prefix(6))", "workspaceId": workspace])
                let project = try #require((other.json["project"] as? [String: Any])?["id"] as? String)
                let environment = try #require((other.json["environments"] as? [[String: Any]])?.first?["id"] as? String)
                let db = try await Self.createService(api, f, "db", project: project, token: token)
                try await api.expect(200, .patch, Self.variablesPath(db, environment), token: token, json: ["set": ["SECRET": "theirs"]])
                try await api.expect(200, .patch, "/api/v1/environments/\(environment)/variables", token: token,
                                     json: ["set": ["SHARED_SECRET": "theirs too"]])
            }
            let path = Self.variablesPath(f.service, f.environment)
            let cases: [([String: String], String)] = [
                (["A": "${{db.SECRET}}"], "web.A refers to db.SECRET"),
                (["A": "${{shared.SHARED_SECRET}}"], "no shared variable SHARED_SECRET"),
                (["A": "${{MISSING}}"], "web.A refers to web.MISSING"),
                (["A": "${{A}}"], "web.A → web.A"),
                (["A": "x${{B}}", "B": "${{A}}"], "web.A → web.B → web.A"),
                (["A": "${{"], "has no closing"),
                (["A": "${{db.${{B}}}}"], "a reference must read"),
                (["A": "${{a.b.C}}"], "a reference must read"),
                (["A": "${{web app.C}}"], "a reference must read"),
                (["A": "ok", "B": "${{ghost.X}}"], "web.B refers to ghost.X"),
            ]
            for (set, message) in cases {
                let reply = try await api.expect(422, .patch, path, token: f.member, json: ["set": set])
                #expect(reply.errorMessage?.contains(message) == true, "\(set): \(reply.errorMessage ?? "")")
                #expect((reply.json["error"] as? [String: Any])?["field"] as? String == "set")
                #expect(reply.errorMessage?.contains("theirs") == false)
            }
            let listed = try await api.expect(200, .get, path, token: f.member)
            #expect((listed.json["items"] as? [[String: Any]])?.isEmpty == true, "nothing of a refused change is kept")
            // A cycle through another service, found when its second half is set.
            let api2 = try await Self.createService(api, f, "api")
            try await api.expect(200, .patch, Self.variablesPath(api2, f.environment), token: f.member, json: ["set": ["Y": "1"]])
            try await api.expect(200, .patch, path, token: f.member, json: ["set": ["X": "${{api.Y}}"]])
            let cycle = try await api.expect(422, .patch, Self.variablesPath(api2, f.environment), token: f.member,
                                             json: ["set": ["Y": "${{web.X}}"]])
            #expect(cycle.errorMessage?.contains("api.Y → web.X → api.Y") == true, "\(cycle.errorMessage ?? "")")
            // Shared variables are checked the same way.
            let shared = try await api.expect(422, .patch, "/api/v1/environments/\(f.environment)/variables", token: f.member,
                                              json: ["set": ["S": "${{shared.S}}"]])
            #expect(shared.errorMessage?.contains("shared.S → shared.S") == true, "\(shared.errorMessage ?? "")")
        }
    }

    /// 100 variables each referring to the next, set in one change, and a value just at the
    /// limit composed past it.
    @Test func longChainsAndLargeValues() async throws {
        let harness = try await APIHarness.make()
        try await harness.test { api in
            let f = try await Fixture.make(api)
            var set: [String: String] = ["V100": "end"]
            for index in 0..<100 { set["V\(index)"] = "${{V\(index + 1)}}" }
            try await api.expect(200, .patch, Self.variablesPath(f.service, f.environment), token: f.member, json: ["set": set])
            let resolved = try await api.expect(200, .get, Self.resolvedPath(f.service, f.environment), token: f.member)
            #expect(Self.values(resolved)["V0"] == "end")
            #expect(Self.values(resolved).count == 101)

            let big = String(repeating: "b", count: 64 * 1024)
            try await api.expect(200, .patch, Self.variablesPath(f.service, f.environment), token: f.member, json: ["set": ["BIG": big]])
            let tooBig = try await api.expect(422, .patch, Self.variablesPath(f.service, f.environment), token: f.member,
                                              json: ["set": ["TWICE": "${{BIG}}${{BIG}}"]])
            #expect(tooBig.errorMessage?.contains("larger than 64 KiB") == true, "\(tooBig.errorMessage ?? "")")
            #expect(tooBig.body.readableBytes < 1000, "the error does not repeat the value")
        }
    }

    /// A sealed value is never answered by any endpoint but the run environment (members and
    /// admins), and never appears in an error, nor in a value made with it.
    @Test func sealedValuesNeverComeBack() async throws {
        let harness = try await APIHarness.make()
        try await harness.test { api in
            let f = try await Fixture.make(api)
            let secret = "s3al3d-\(UUID().uuidString)"
            let path = Self.variablesPath(f.service, f.environment)
            var bodies: [String] = []
            func keep(_ reply: API.Reply) { bodies.append(String(buffer: reply.body)) }
            keep(try await api.expect(200, .patch, path, token: f.member, json: ["set": ["KEY": secret], "sealed": true]))
            keep(try await api.expect(200, .patch, "/api/v1/environments/\(f.environment)/variables", token: f.member,
                                      json: ["set": ["SHARED_KEY": secret], "sealed": true]))
            keep(try await api.expect(200, .patch, path, token: f.member,
                                      json: ["set": ["URL": "https://u:${{KEY}}@host", "PLAIN": "visible", "S": "${{shared.SHARED_KEY}}"]]))
            // Set again without `sealed`: it stays sealed (sealing lasts until unset).
            let again = "\(secret)-again"
            keep(try await api.expect(200, .patch, path, token: f.member, json: ["set": ["KEY": again]]))
            // A sealed value with a bad reference: the error says nothing of it.
            let broken = try await api.expect(422, .patch, path, token: f.member,
                                              json: ["set": ["BAD": "\(secret) ${{hidden-name.X}}"], "sealed": true])
            keep(broken)
            #expect(broken.errorMessage?.contains("web.BAD (sealed) refers to a variable that does not exist") == true,
                    "\(broken.errorMessage ?? "")")
            for token in [f.admin, f.member, f.viewer] {
                keep(try await api.expect(200, .get, path, token: token))
                keep(try await api.expect(200, .get, Self.resolvedPath(f.service, f.environment), token: token))
                keep(try await api.expect(200, .get, "/api/v1/environments/\(f.environment)/variables", token: token))
            }
            keep(try await api.expect(200, .get, "/api/v1/workspaces/\(f.workspace)/audit", token: f.admin))
            keep(try await api.expect(403, .get, "/api/v1/services/\(f.service)/variables/run?environmentId=\(f.environment)", token: f.viewer))
            for body in bodies {
                #expect(!body.contains(secret), "\(body.prefix(300))")
                #expect(!body.contains("hidden-name"), "\(body.prefix(300))")
            }
            let listed = try await api.expect(200, .get, path, token: f.admin)
            let items = try #require(listed.json["items"] as? [[String: Any]])
            let sealed = Set(items.filter { $0["sealed"] as? Bool == true }.compactMap { $0["name"] as? String })
            #expect(sealed == ["KEY"])
            #expect(items.first { $0["name"] as? String == "KEY" }?["value"] == nil)
            #expect(Self.values(listed)["PLAIN"] == "visible")
            // Resolved: values made with a sealed one are masked too.
            let resolved = try await api.expect(200, .get, Self.resolvedPath(f.service, f.environment), token: f.admin)
            let resolvedItems = try #require(resolved.json["items"] as? [[String: Any]])
            #expect(Set(resolvedItems.filter { $0["sealed"] as? Bool == true }.compactMap { $0["name"] as? String }) == ["KEY", "URL", "S"])
            #expect(Self.values(resolved) == ["PLAIN": "visible"])
            // The run environment carries them, to a role that may deploy.
            let run = try await api.expect(200, .get, "/api/v1/services/\(f.service)/variables/run?environmentId=\(f.environment)", token: f.member)
            #expect(run.headers[.cacheControl] == "no-store")
            let variables = try #require(run.json["variables"] as? [String: String])
            #expect(variables == ["KEY": again, "URL": "https://u:\(again)@host", "PLAIN": "visible", "S": secret])
            // Unset, then set plainly: no longer sealed.
            try await api.expect(200, .patch, path, token: f.member, json: ["unset": ["KEY", "URL"]])
            let plain = try await api.expect(200, .patch, path, token: f.member, json: ["set": ["KEY": "open"]])
            #expect(Self.values(plain)["KEY"] == "open")
        }
    }

    /// An environment token reads the run environment of its own environment only.
    @Test func environmentTokensGetTheRunEnvironmentOfTheirEnvironmentOnly() async throws {
        let harness = try await APIHarness.make()
        try await harness.test { api in
            let f = try await Fixture.make(api)
            let staging = try await api.expect(201, .post, "/api/v1/projects/\(f.project)/environments", token: f.admin, json: ["name": "staging"])
            let stagingID = try #require(staging.json["id"] as? String)
            for environment in [f.environment, stagingID] {
                try await api.expect(200, .patch, Self.variablesPath(f.service, environment), token: f.admin,
                                     json: ["set": ["KEY": "k-\(environment)"], "sealed": true])
            }
            let created = try await api.expect(201, .post, "/api/v1/workspaces/\(f.workspace)/tokens", token: f.admin,
                                               json: ["name": "ci", "projectId": f.project, "environmentId": f.environment])
            let token = try #require(created.json["secret"] as? String)
            let own = try await api.expect(200, .get, "/api/v1/services/\(f.service)/variables/run?environmentId=\(f.environment)", token: token)
            #expect((own.json["variables"] as? [String: String]) == ["KEY": "k-\(f.environment)"])
            let other = try await api.expect(403, .get, "/api/v1/services/\(f.service)/variables/run?environmentId=\(stagingID)", token: token)
            #expect(!String(buffer: other.body).contains("k-\(stagingID)"))
            try await api.expect(403, .get, "/api/v1/environments/\(stagingID)/variables", token: token)
            try await api.expect(403, .patch, "/api/v1/environments/\(stagingID)/variables", token: token, json: ["set": ["A": "1"]])
            try await api.expect(200, .patch, "/api/v1/environments/\(f.environment)/variables", token: token, json: ["set": ["A": "1"]])
        }
    }

    /// A reference that broke after it was set (its service deleted) is reported when resolved.
    @Test func aReferenceBrokenLaterIsAConflictWhenResolved() async throws {
        let harness = try await APIHarness.make()
        try await harness.test { api in
            let f = try await Fixture.make(api)
            let db = try await Self.createService(api, f, "db")
            try await api.expect(200, .patch, Self.variablesPath(db, f.environment), token: f.member, json: ["set": ["PGUSER": "shop"]])
            try await api.expect(200, .patch, Self.variablesPath(f.service, f.environment), token: f.member,
                                 json: ["set": ["USER": "${{db.PGUSER}}"]])
            try await api.expect(204, .delete, "/api/v1/services/\(db)", token: f.admin)
            let reply = try await api.expect(409, .get, Self.resolvedPath(f.service, f.environment), token: f.member)
            #expect(reply.errorMessage?.contains("web.USER refers to db.PGUSER") == true, "\(reply.errorMessage ?? "")")
            try await api.expect(409, .get, "/api/v1/services/\(f.service)/variables/run?environmentId=\(f.environment)", token: f.member)
        }
    }
}
