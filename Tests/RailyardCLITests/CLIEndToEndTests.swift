import Foundation
import RailyardClient
import Testing

/// The CLI against a live `railyard server` process, on SQLite and on PostgreSQL.
@Suite(.serialized)
struct CLIEndToEndTests {
    enum Backend: String, CaseIterable, Sendable { case sqlite, postgres }

    static func temporaryFolder() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("railyard-e2e-\(UUID().uuidString)").path
    }

    @Test(arguments: Backend.allCases)
    func bootstrapLoginInitVariablesTokensViewerAndRestart(backend: Backend) async throws {
        let data = Self.temporaryFolder()
        let database = backend == .postgres ? try TestPostgres.freshDatabaseURL() : nil
        let server = ServerProcess(dataDirectory: data, databaseURL: database)
        try await server.start()
        defer { server.stop() }

        var admin = try CLI.make()
        admin.environment["RAILYARD_SERVER"] = server.url

        // Bootstrap through the one-time setup token the server wrote.
        let setupToken = try String(contentsOfFile: data + "/setup-token", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(server.log.contains(setupToken), "the server prints the setup token")
        try await admin.ok(["setup", "--token", setupToken, "--email", "admin@example.com", "--password", "admin-password"])
        #expect(!FileManager.default.fileExists(atPath: data + "/setup-token"), "the token file goes once used")
        _ = try await admin.fails(["setup", "--token", setupToken, "--email", "again@example.com", "--password", "admin-password"])

        _ = try await admin.fails(["login", "--email", "admin@example.com", "--password", "wrong-password"])
        try await admin.ok(["login", "--email", "admin@example.com", "--password", "admin-password"])
        let configPath = admin.configHome + "/railyard/config.json"
        let mode = try FileManager.default.attributesOfItem(atPath: configPath)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let me = try #require(try await admin.json(["whoami"]) as? [String: Any])
        #expect((me["user"] as? [String: Any])?["email"] as? String == "admin@example.com")

        // Saved credentials are for their own server only.
        let elsewhere = try await admin.fails(["whoami", "--server", "http://127.0.0.1:1"])
        #expect(elsewhere.contains("not logged in"))

        try await admin.ok(["init", "--name", "shop"])
        try await admin.ok(["service", "create", "web"])
        _ = try await admin.fails(["service", "create", "web"])
        _ = try await admin.fails(["service", "create", "Bad_Name"])
        try await admin.ok(["variables", "--service", "web", "--set", "DATABASE_URL=postgres://db/shop", "--set", "GREETING=hello world"])
        let variables = try #require(try await admin.json(["variables", "--service", "web"]) as? [String: String])
        #expect(variables == ["DATABASE_URL": "postgres://db/shop", "GREETING": "hello world"])
        #expect(try await admin.ok(["variables", "--service", "web", "--kv"]).contains("GREETING=hello world"))
        try await admin.ok(["link", "--project", "shop", "--service", "web"])
        let status = try #require(try await admin.json(["status"]) as? [String: Any])
        #expect((status["service"] as? [String: Any])?["name"] as? String == "web")
        try await admin.ok(["environment", "create", "staging"])
        let environments = try #require(try await admin.json(["environment", "list"]) as? [[String: Any]])
        #expect(Set(environments.compactMap { $0["name"] as? String }) == ["production", "staging"])

        // An API token works through RAILYARD_TOKEN, with no login at all.
        let created = try #require(try await admin.json(["tokens", "create", "--name", "ci"]) as? [String: Any])
        let secret = try #require(created["secret"] as? String)
        var robot = try CLI.make()
        robot.environment["RAILYARD_SERVER"] = server.url
        let robotProjects = try #require(try await robot.json(["project", "list"], extraEnvironment: ["RAILYARD_TOKEN": secret]) as? [[String: Any]])
        #expect(robotProjects.compactMap { $0["name"] as? String } == ["shop"])
        try await robot.ok(["service", "create", "worker", "--project", "shop"], extraEnvironment: ["RAILYARD_TOKEN": secret])
        let tokenList = try #require(try await admin.json(["tokens", "list"]) as? [[String: Any]])
        let tokenID = try #require(tokenList.first?["id"] as? String)

        // A viewer reads but may not change, and never sees values.
        let inviteToken = try await admin.ok(["members", "invite", "viewer@example.com", "--role", "viewer"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        var viewer = try CLI.make()
        viewer.environment["RAILYARD_SERVER"] = server.url
        try await viewer.ok(["members", "accept", "--token", inviteToken, "--password", "viewer-password"])
        try await viewer.ok(["login", "--email", "viewer@example.com", "--password", "viewer-password"])
        let denied = try await viewer.fails(["variables", "--project", "shop", "--service", "web", "--set", "X=1"])
        #expect(denied.contains("viewer"))
        let hidden = try #require(try await viewer.json(["variables", "--project", "shop", "--service", "web"]) as? [String: Any])
        #expect(Set(hidden.keys) == ["DATABASE_URL", "GREETING"])
        #expect(hidden.values.allSatisfy { $0 is NSNull })
        _ = try await viewer.fails(["audit"])
        let members = try #require(try await admin.json(["members", "list"]) as? [[String: Any]])
        #expect(members.count == 2)

        // An invite for an existing account is accepted by its owner only: the viewer starts a
        // workspace of their own and invites the admin, whose password nobody else has.
        let viewerConfig = try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: viewer.configHome + "/railyard/config.json"))) as? [String: Any]
        let viewerClient = RailyardClient(server: server.url, bearer: try #require(viewerConfig?["accessToken"] as? String))
        let _: WorkspaceRole = try await viewerClient.send(.POST, "/api/v1/workspaces", body: ["name": "viewer's own"])
        let adminInvite = try await viewer.ok(["members", "invite", "admin@example.com", "--role", "viewer", "--workspace", "viewer's own"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let stranger = try CLI.make()
        let refused = try await stranger.fails(["members", "accept", "--token", adminInvite, "--server", server.url])
        #expect(refused.contains("already has an account"), "\(refused)")
        _ = try await stranger.fails(["members", "accept", "--token", adminInvite, "--password", "not-the-password", "--server", server.url])
        // The admin's own login accepts it, with no password.
        try await admin.ok(["members", "accept", "--token", adminInvite])
        let adminMe = try #require(try await admin.json(["whoami"]) as? [String: Any])
        #expect((adminMe["workspaces"] as? [[String: Any]])?.count == 2)

        // Restart: graceful stop, same data folder, everything still there.
        #expect(server.stop() == 0, "SIGTERM is a clean exit: \(server.log.suffix(500))")
        #expect(server.log.contains("control plane stopped"))
        try await server.start()
        let afterRestart = try #require(try await admin.json(["variables", "--service", "web"]) as? [String: String])
        #expect(afterRestart == variables)
        let services = try #require(try await admin.json(["service", "list"]) as? [[String: Any]])
        #expect(Set(services.compactMap { $0["name"] as? String }) == ["web", "worker"])
        try await robot.ok(["project", "list"], extraEnvironment: ["RAILYARD_TOKEN": secret])

        // Revoked tokens stop working; the audit log shows who did what.
        try await admin.ok(["tokens", "revoke", tokenID])
        let revoked = try await robot.run(["project", "list"], extraEnvironment: ["RAILYARD_TOKEN": secret])
        #expect(revoked.status != 0)
        let audit = try #require(try await admin.json(["audit", "--limit", "200"]) as? [[String: Any]])
        let actions = Set(audit.compactMap { $0["action"] as? String })
        #expect(actions.isSuperset(of: ["setup", "project.create", "service.create", "variables.update", "token.create", "token.revoke", "invite.accept"]))

        try await admin.ok(["logout"])
        _ = try await admin.fails(["project", "list"])
        if backend == .sqlite {
            let bytes = FileManager.default.contents(atPath: data + "/railyard.sqlite") ?? Data()
            #expect(bytes.range(of: Data("postgres://db/shop".utf8)) == nil, "variable values are sealed on disk")
        }
        #expect(!server.log.contains("postgres://db/shop"), "variable values never reach the logs")
    }

    @Test func adminFromEnvironmentAndConfigurationErrors() async throws {
        let data = Self.temporaryFolder()
        let server = ServerProcess(dataDirectory: data, environment: [
            "RAILYARD_ADMIN_EMAIL": "ops@example.com", "RAILYARD_ADMIN_PASSWORD": "ops-password",
        ])
        try await server.start()
        defer { server.stop() }
        #expect(!FileManager.default.fileExists(atPath: data + "/setup-token"))
        var cli = try CLI.make()
        cli.environment["RAILYARD_SERVER"] = server.url
        try await cli.ok(["login", "--email", "ops@example.com", "--password", "ops-password"])
        _ = try await cli.fails(["login"])
        _ = try await cli.fails(["project", "delete", "nothing"])
        _ = try await cli.fails(["project", "delete", "nothing", "--yes"])
        _ = try await cli.fails(["variables", "--set", "NOEQUALS"])

        var offline = try CLI.make()
        offline.environment["RAILYARD_SERVER"] = "http://127.0.0.1:1"
        _ = try await offline.fails(["login", "--email", "a@example.com", "--password", "whatever1"])

        let bad = try await CLI.make().run(["server", "--api-listen", "nonsense"])
        #expect(bad.status != 0)
        #expect(try await CLI.make().run(["server", "--http-listen", "nonsense"]).status != 0)
        #expect(try await CLI.make().run(["server", "--domain", "not a domain"]).status != 0)
        #expect(try await CLI.make().run(["server", "--https-listen", "nonsense"]).status != 0)
        #expect(try await CLI.make().run(["server", "--max-connections", "0"]).status != 0)
        // The edge's port is taken: the server says so in one line and exits.
        let taken = try ServerProcess(dataDirectory: Self.temporaryFolder())
        try await taken.start()
        defer { taken.stop() }
        let clash = try await CLI.make().run([
            "server", "--api-listen", "127.0.0.1:0", "--http-listen", "127.0.0.1:\(taken.httpPort)", "--data", Self.temporaryFolder(),
        ])
        #expect(clash.status != 0)
        #expect(clash.stderr.contains("the edge router cannot listen on 127.0.0.1:\(taken.httpPort)"), "\(clash.stderr)")
    }
}
