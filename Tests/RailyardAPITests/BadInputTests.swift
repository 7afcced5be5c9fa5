import Foundation
import HTTPTypes
import HummingbirdBcrypt
import Testing
@testable import RailyardAPI
@testable import RailyardCore
@testable import RailyardStore

/// Junk, oversized, duplicate, unknown and forged input: each gets its own clear 4xx in the
/// error shape, and the server keeps serving.
struct BadInputTests {
    @Test func malformedAndOversizedBodies() async throws {
        let harness = try await APIHarness.make()
        try await harness.test { api in
            let f = try await Fixture.make(api)
            for raw in ["{", "not json", "[]", "{\"name\": 5}", "{\"nam\": \"x\"}", "null", "\"string\""] {
                let reply = try await api.call(.post, "/api/v1/projects/\(f.project)/services", token: f.admin, raw: raw)
                #expect(reply.status == 400, "\(raw): \(String(buffer: reply.body))")
                #expect(reply.errorCode == "bad_request")
            }
            let missing = try await api.call(.post, "/api/v1/projects/\(f.project)/services", token: f.admin, raw: "{}")
            #expect((missing.json["error"] as? [String: Any])?["field"] as? String == "name")
            let empty = try await api.call(.post, "/api/v1/auth/login", raw: "")
            #expect(empty.status == 400)

            let huge = "{\"name\":\"" + String(repeating: "x", count: 2 << 20) + "\"}"
            let tooLarge = try await api.call(.post, "/api/v1/projects/\(f.project)/services", token: f.admin, raw: huge)
            #expect(tooLarge.status == 413)
            #expect(tooLarge.errorCode == "payload_too_large")
            try await api.expect(200, .get, "/healthz")
        }
    }

    @Test func invalidDuplicateAndUnknownNames() async throws {
        let harness = try await APIHarness.make()
        try await harness.test { api in
            let f = try await Fixture.make(api)
            for name in ["", "Web", "web_1", "-web", String(repeating: "a", count: 33), "wéb"] {
                let reply = try await api.call(.post, "/api/v1/projects/\(f.project)/services", token: f.admin, json: ["name": name])
                #expect(reply.status == 422, "\(name)")
                #expect((reply.json["error"] as? [String: Any])?["field"] as? String == "name")
            }
            let duplicate = try await api.call(.post, "/api/v1/projects/\(f.project)/services", token: f.admin, json: ["name": "web"])
            #expect(duplicate.status == 409)
            #expect(duplicate.errorCode == "conflict")
            try await api.expect(422, .post, "/api/v1/projects/\(f.project)/environments", token: f.admin, json: ["name": "Prod"])
            try await api.expect(409, .post, "/api/v1/projects/\(f.project)/environments", token: f.admin, json: ["name": "production"])
            try await api.expect(422, .patch, "/api/v1/services/\(f.service)/variables?environmentId=\(f.environment)", token: f.admin,
                                 json: ["set": ["1BAD": "x"]])
            try await api.expect(400, .patch, "/api/v1/services/\(f.service)/variables", token: f.admin, json: ["set": ["A": "x"]])
            try await api.expect(400, .get, "/api/v1/projects?limit=0", token: f.admin)
            try await api.expect(400, .get, "/api/v1/projects?limit=abc", token: f.admin)
            try await api.expect(400, .get, "/api/v1/projects?cursor=../../etc", token: f.admin)
            try await api.expect(400, .post, "/api/v1/workspaces/\(f.workspace)/invites", token: f.admin,
                                 json: ["email": "x@example.com", "role": "owner"])

            let unknown = ProjectID.generate().rawValue
            for path in ["/api/v1/projects/\(unknown)", "/api/v1/projects/not-an-id", "/api/v1/services/\(unknown)",
                         "/api/v1/environments/\(unknown)", "/api/v1/deployments/\(unknown)", "/api/v1/nothing-here"] {
                let reply = try await api.call(.get, path, token: f.admin)
                #expect(reply.status == 404, "\(path)")
                #expect(reply.errorCode == "not_found")
            }
            try await api.expect(404, .delete, "/api/v1/tokens/\(unknown)", token: f.admin)
            try await api.expect(409, .delete, "/api/v1/environments/\(f.environment)", token: f.admin)
        }
    }

    @Test func expiredRevokedAndForgedCredentials() async throws {
        let harness = try await APIHarness.make()
        try await harness.test { api in
            let f = try await Fixture.make(api)
            let userID = UserID(rawValue: try await Fixture.userID(api, token: f.admin))

            let expired = try await harness.dependencies.tokens.accessToken(for: userID, session: "expired", now: Date().addingTimeInterval(-3600))
            let reply = try await api.call(.get, "/api/v1/me", token: expired)
            #expect(reply.status == 401)
            #expect(reply.headers[.wwwAuthenticate] == "Bearer")

            let forgedSigner = await TokenService(signingKey: .init(size: .bits256))
            let forged = try await forgedSigner.accessToken(for: userID, session: "forged")
            try await api.expect(401, .get, "/api/v1/me", token: forged)
            try await api.expect(401, .get, "/api/v1/me", token: "garbage")
            try await api.expect(401, .get, "/api/v1/me", token: "ryt_doesnotexist")
            let basic = try await api.client.execute(uri: "/api/v1/me", method: .get, headers: [.authorization: "Basic eDp5"]) { $0.status.code }
            #expect(basic == 401)

            let created = try await api.expect(201, .post, "/api/v1/workspaces/\(f.workspace)/tokens", token: f.admin, json: ["name": "ci"])
            let secret = try #require(created.json["secret"] as? String)
            let tokenID = try #require((created.json["token"] as? [String: Any])?["id"] as? String)
            try await api.expect(200, .get, "/api/v1/projects", token: secret)
            try await api.expect(200, .delete, "/api/v1/tokens/\(tokenID)", token: f.admin)
            try await api.expect(401, .get, "/api/v1/projects", token: secret)

            let lapsed = "ryt_lapsed-\(UUID().uuidString)"
            _ = try await harness.store.createAPIToken(
                name: "old", role: .member, scope: .workspace(WorkspaceID(rawValue: f.workspace)), tokenHash: TokenService.hash(lapsed),
                createdBy: nil, expiresAt: Date().addingTimeInterval(-1), audit: .system)
            try await api.expect(401, .get, "/api/v1/projects", token: lapsed)
            // A member cannot mint an admin token.
            try await api.expect(403, .post, "/api/v1/workspaces/\(f.workspace)/tokens", token: f.member, json: ["name": "x"])
            try await api.expect(200, .get, "/healthz")
        }
    }

    @Test func refreshTokensRotateAndReuseRevokesTheFamily() async throws {
        let harness = try await APIHarness.make()
        try await harness.test { api in
            _ = try await Fixture.make(api)
            let login = try await api.expect(200, .post, "/api/v1/auth/login", json: ["email": "admin@example.com", "password": Fixture.password])
            let first = try #require(login.json["refreshToken"] as? String)
            let rotated = try await api.expect(200, .post, "/api/v1/auth/refresh", json: ["refreshToken": first])
            let second = try #require(rotated.json["refreshToken"] as? String)
            let access = try #require(rotated.json["accessToken"] as? String)
            try await api.expect(200, .get, "/api/v1/me", token: access)
            // Replaying the first token revokes the whole family, the second token included.
            try await api.expect(401, .post, "/api/v1/auth/refresh", json: ["refreshToken": first])
            try await api.expect(401, .post, "/api/v1/auth/refresh", json: ["refreshToken": second])
            // Logout revokes a fresh family.
            let again = try await api.expect(200, .post, "/api/v1/auth/login", json: ["email": "admin@example.com", "password": Fixture.password])
            let third = try #require(again.json["refreshToken"] as? String)
            try await api.expect(204, .post, "/api/v1/auth/logout", json: ["refreshToken": third])
            try await api.expect(401, .post, "/api/v1/auth/refresh", json: ["refreshToken": third])
        }
    }

    @Test func wrongPasswordsPastTheLimitAreRateLimited() async throws {
        let harness = try await APIHarness.make(loginPolicy: .init(window: 60, failuresPerAccountAndAddress: 3, failuresPerAddress: 50))
        try await harness.test { api in
            _ = try await Fixture.make(api)
            for _ in 0..<3 {
                try await api.expect(401, .post, "/api/v1/auth/login", json: ["email": "admin@example.com", "password": "wrong-password"])
            }
            let limited = try await api.call(.post, "/api/v1/auth/login", json: ["email": "admin@example.com", "password": Fixture.password])
            #expect(limited.status == 429)
            #expect(limited.errorCode == "rate_limited")
            let retryAfter = try #require(limited.headers[.retryAfter].flatMap { Int($0) })
            #expect((1...60).contains(retryAfter))
            // Other accounts are not locked out, and the server keeps serving.
            _ = try await api.login("member@example.com", Fixture.password)
            try await api.expect(200, .get, "/healthz")
            // An unknown account answers exactly like a wrong password (nothing tells which
            // emails exist).
            let wrong = try await api.call(.post, "/api/v1/auth/login", json: ["email": "member@example.com", "password": "wrong-password"])
            let unknown = try await api.call(.post, "/api/v1/auth/login", json: ["email": "ghost@example.com", "password": "wrong-password"])
            #expect(unknown.status == 401 && wrong.status == 401)
            #expect(unknown.errorCode == wrong.errorCode)
            #expect((unknown.json["error"] as? [String: Any])?["message"] as? String
                    == (wrong.json["error"] as? [String: Any])?["message"] as? String)
        }
    }

    /// Guesses at an account that does not exist count like any other against that email.
    /// (Against the address they come from too: the in-process client has no address, so
    /// that half is checked against a live server, in `loginLimitsByDefault`.)
    @Test func unknownAccountsCountTowardsTheLimit() async throws {
        let harness = try await APIHarness.make(loginPolicy: .init(window: 60, failuresPerAccountAndAddress: 3, failuresPerAddress: 50))
        try await harness.test { api in
            _ = try await Fixture.make(api)
            for _ in 0..<3 {
                try await api.expect(401, .post, "/api/v1/auth/login", json: ["email": "ghost@example.com", "password": "wrong-password"])
            }
            let ghost = try await api.call(.post, "/api/v1/auth/login", json: ["email": "ghost@example.com", "password": "wrong-password"])
            #expect(ghost.status == 429, "the fourth guess at one unknown email is limited")
            #expect(ghost.errorCode == "rate_limited")
            // Another unknown email is not.
            try await api.expect(401, .post, "/api/v1/auth/login", json: ["email": "ghost2@example.com", "password": "wrong-password"])
        }
    }

    @Test func parallelGuessesCannotOutrunTheLimit() async throws {
        let harness = try await APIHarness.make(loginPolicy: .init(window: 60, failuresPerAccountAndAddress: 3, failuresPerAddress: 50))
        try await harness.test { api in
            _ = try await Fixture.make(api)
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<12 {
                    group.addTask {
                        try await api.call(.post, "/api/v1/auth/login", json: ["email": "admin@example.com", "password": "guess-guess"]).status
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 401 }.count <= 3)
            #expect(statuses.filter { $0 == 429 }.count >= 9)
        }
    }

    @Test func tokensNeverOutrankTheirCreator() async throws {
        let harness = try await APIHarness.make()
        try await harness.test { api in
            let f = try await Fixture.make(api)
            let created = try await api.expect(201, .post, "/api/v1/workspaces/\(f.workspace)/tokens", token: f.admin,
                                               json: ["name": "admin-token", "role": "admin"])
            let secret = try #require(created.json["secret"] as? String)
            try await api.expect(200, .get, "/api/v1/workspaces/\(f.workspace)/tokens", token: secret)
            // Tokens cannot mint tokens.
            try await api.expect(403, .post, "/api/v1/workspaces/\(f.workspace)/tokens", token: secret, json: ["name": "child"])
            // The creator is demoted: the token drops to their new role.
            let memberID = try await Fixture.userID(api, token: f.member)
            let adminID = try await Fixture.userID(api, token: f.admin)
            try await api.expect(200, .patch, "/api/v1/workspaces/\(f.workspace)/members/\(memberID)", token: f.admin, json: ["role": "admin"])
            try await api.expect(200, .patch, "/api/v1/workspaces/\(f.workspace)/members/\(adminID)", token: f.member, json: ["role": "member"])
            try await api.expect(403, .get, "/api/v1/workspaces/\(f.workspace)/tokens", token: secret)
            try await api.expect(200, .get, "/api/v1/projects", token: secret)
            // Removed: the token stops working.
            try await api.expect(204, .delete, "/api/v1/workspaces/\(f.workspace)/members/\(adminID)", token: f.member)
            try await api.expect(401, .get, "/api/v1/projects", token: secret)
        }
    }

    @Test func decoyHashIsARealCost12Hash() {
        #expect(PasswordHasher.decoyHash.hasPrefix("$2b$12$"))
        #expect(Bcrypt.verify("railyard-decoy-password", hash: PasswordHasher.decoyHash))
        #expect(!Bcrypt.verify("anything else", hash: PasswordHasher.decoyHash))
    }

    @Test func setupIsOneTimeAndValidates() async throws {
        let harness = try await APIHarness.make()
        try await harness.test { api in
            let status = try await api.expect(200, .get, "/api/v1/setup")
            #expect(status.json["required"] as? Bool == true)
            try await api.expect(401, .post, "/api/v1/setup", json: ["token": "rys_wrong", "email": "a@example.com", "password": "password1"])
            try await api.expect(422, .post, "/api/v1/setup", json: ["token": APIHarness.setupToken, "email": "nope", "password": "password1"])
            try await api.expect(422, .post, "/api/v1/setup", json: ["token": APIHarness.setupToken, "email": "a@example.com", "password": "short"])
            try await api.expect(201, .post, "/api/v1/setup", json: ["token": APIHarness.setupToken, "email": "a@example.com", "password": "password1"])
            try await api.expect(401, .post, "/api/v1/setup", json: ["token": APIHarness.setupToken, "email": "b@example.com", "password": "password1"])
            let after = try await api.expect(200, .get, "/api/v1/setup")
            #expect(after.json["required"] as? Bool == false)
        }
    }

    @Test func serviceSettingsAreValidated() async throws {
        let harness = try await APIHarness.make()
        try await harness.test { api in
            let f = try await Fixture.make(api)
            let path = "/api/v1/services/\(f.service)"
            let badRepositories: [(repository: [String: Any], field: String)] = [
                (["url": "-oProxyCommand=touch /tmp/x"], "repository.url"),
                (["url": "ext::sh -c touch% /tmp/x"], "repository.url"),
                (["url": "https://"], "repository.url"),
                (["url": "https://example.com/a.git", "branch": "--upload-pack=x"], "repository.branch"),
                (["url": "https://example.com/a.git", "branch": "a..b"], "repository.branch"),
                (["url": "https://example.com/a.git", "rootDirectory": "../etc"], "repository.rootDirectory"),
                (["url": "https://example.com/a.git", "rootDirectory": "/etc"], "repository.rootDirectory"),
            ]
            for (repository, field) in badRepositories {
                let patched = try await api.call(.patch, path, token: f.admin, json: ["repository": repository])
                #expect(patched.status == 422, "\(repository)")
                #expect((patched.json["error"] as? [String: Any])?["field"] as? String == field, "\(repository)")
                let created = try await api.call(.post, "/api/v1/projects/\(f.project)/services", token: f.admin,
                                                 json: ["name": "fresh", "repository": repository])
                #expect(created.status == 422, "\(repository)")
            }
            try await api.expect(400, .patch, path, token: f.admin, json: ["repository": ["branch": "main"]])
            for (field, value) in [("memoryLimit", 1), ("memoryLimit", -5), ("cpuLimitMillis", 0), ("cpuLimitMillis", 5_000_000),
                                   ("processLimit", 15), ("processLimit", 65_537), ("processLimit", -1)] {
                let reply = try await api.call(.patch, path, token: f.admin, json: [field: value])
                #expect(reply.status == 422, "\(field)=\(value)")
                #expect((reply.json["error"] as? [String: Any])?["field"] as? String == field)
            }
            try await api.expect(400, .patch, path, token: f.admin, json: ["memoryLimit": "512M"])
            // Set, leave alone, clear.
            let set = try await api.expect(200, .patch, path, token: f.admin, json: [
                "memoryLimit": 64 << 20, "cpuLimitMillis": 500, "processLimit": 64,
                "repository": ["url": "https://example.com/app.git", "branch": "main", "rootDirectory": "apps/web"],
            ])
            #expect(set.json["memoryLimit"] as? Int == 64 << 20)
            #expect((set.json["repository"] as? [String: Any])?["rootDirectory"] as? String == "apps/web")
            let renamed = try await api.expect(200, .patch, path, token: f.admin, json: ["name": "renamed"])
            #expect(renamed.json["memoryLimit"] as? Int == 64 << 20, "a field left out stays")
            #expect(renamed.json["cpuLimitMillis"] as? Int == 500)
            #expect(renamed.json["processLimit"] as? Int == 64)
            let cleared = try await api.call(.patch, path, token: f.admin, raw: #"{"memoryLimit": null, "repository": null, "processLimit": null}"#)
            #expect(cleared.status == 200)
            #expect(cleared.json["memoryLimit"] == nil)
            #expect(cleared.json["processLimit"] == nil)
            #expect(cleared.json["repository"] == nil)
            #expect(cleared.json["cpuLimitMillis"] as? Int == 500)
            // Viewers may not change settings.
            try await api.expect(403, .patch, path, token: f.viewer, json: ["memoryLimit": 64 << 20])
        }
    }

    @Test func domainsAreValidatedAndLimited() async throws {
        let harness = try await APIHarness.make()
        try await harness.test { api in
            let f = try await Fixture.make(api)
            let path = "/api/v1/services/\(f.service)/domains?environmentId=\(f.environment)"
            for bad in ["", "nodots", "-bad.example.com", "bad-.example.com", "a..b.com", "under_score.example.com", "1.2.3.4",
                        String(repeating: "a", count: 64) + ".com"] {
                let reply = try await api.call(.post, path, token: f.admin, json: ["hostname": bad])
                #expect(reply.status == 422, "\(bad)")
                #expect((reply.json["error"] as? [String: Any])?["field"] as? String == "hostname")
            }
            try await api.expect(422, .post, path, token: f.admin, json: ["targetPort": 70000])
            try await api.expect(403, .post, path, token: f.viewer, json: [String: Any]())
            let generated = try await api.expect(201, .post, path, token: f.admin, json: [String: Any]())
            #expect(generated.json["hostname"] as? String == "web-shop.localhost")
            let again = try await api.expect(201, .post, path, token: f.admin, json: [String: Any]())
            #expect(again.json["hostname"] as? String == "web-shop-2.localhost")
            // Taken, and in any case under the base of generated domains.
            try await api.expect(422, .post, path, token: f.admin, json: ["hostname": "WEB-SHOP.localhost"])
            for index in 3...20 { try await api.expect(201, .post, path, token: f.admin, json: ["hostname": "d\(index).example.com"]) }
            let over = try await api.call(.post, path, token: f.admin, json: ["hostname": "one-too-many.example.com"])
            #expect(over.status == 409)
            #expect(over.errorCode == "conflict")
            // The outsider's workspace cannot see these names, nor take them for a service of
            // its own: hostnames are unique across every workspace.
            try await api.expect(404, .get, path, token: f.outsider)
            let project = try await api.expect(201, .post, "/api/v1/projects", token: f.outsider,
                                               json: ["name": "theirs", "workspaceId": f.outsiderWorkspace])
            let theirProject = try #require((project.json["project"] as? [String: Any])?["id"] as? String)
            let theirEnvironment = try #require((project.json["environments"] as? [[String: Any]])?.first?["id"] as? String)
            let theirService = try #require(
                try await api.expect(201, .post, "/api/v1/projects/\(theirProject)/services", token: f.outsider, json: ["name": "web"])
                    .json["id"] as? String)
            let theirPath = "/api/v1/services/\(theirService)/domains?environmentId=\(theirEnvironment)"
            for taken in ["d3.example.com", "D20.Example.COM"] {
                let reply = try await api.call(.post, theirPath, token: f.outsider, json: ["hostname": taken])
                #expect(reply.status == 409, "\(taken) is another workspace's: \(reply.status)")
                #expect(reply.errorCode == "conflict")
            }
            // A name nobody holds is theirs to take: the refusals above were about the names.
            try await api.expect(201, .post, theirPath, token: f.outsider, json: ["hostname": "theirs.example.com"])
        }
    }

    @Test func everyMutationIsAudited() async throws {
        let harness = try await APIHarness.make()
        try await harness.test { api in
            let f = try await Fixture.make(api)
            try await api.expect(200, .patch, "/api/v1/services/\(f.service)/variables?environmentId=\(f.environment)", token: f.member,
                                 json: ["set": ["A": "1"]])
            let audit = try await api.expect(200, .get, "/api/v1/workspaces/\(f.workspace)/audit?limit=200", token: f.admin)
            let actions = (audit.json["items"] as? [[String: Any]] ?? []).compactMap { $0["action"] as? String }
            for action in ["setup", "invite.create", "invite.accept", "member.remove", "project.create", "service.create", "variables.update"] {
                #expect(actions.contains(action), "\(action) missing from \(actions)")
            }
            let memberID = try await Fixture.userID(api, token: f.member)
            let latest = try #require((audit.json["items"] as? [[String: Any]])?.first)
            #expect(latest["actor"] as? String == "user:\(memberID)")
            #expect(latest["action"] as? String == "variables.update")
        }
    }
}
