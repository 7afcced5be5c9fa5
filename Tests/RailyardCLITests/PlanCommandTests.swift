import Foundation
import Testing

/// `railyard plan` on the fixture apps under Tests/Fixtures/apps, through the real binary.
struct PlanCommandTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/apps")

    @Test(arguments: [
        ("python-stdlib", "python", "python main.py"),
        ("python-flask", "python", "gunicorn --bind 0.0.0.0:$PORT app:app"),
        ("node-plain", "node", "npm start"),
        ("procfile-app", "procfile", "python3 -m http.server $PORT --bind 0.0.0.0"),
        ("shell-app", "shell", "sh start.sh"),
        ("railway-json", "python", "python3 server.py"),
    ])
    func fixtureAppsPlanAsExpected(app: String, provider: String, start: String) async throws {
        let cli = try CLI.make()
        let plan = try #require(try await cli.json(["plan", Self.fixtures.appendingPathComponent(app).path]) as? [String: Any])
        #expect(plan["provider"] as? String == provider)
        #expect(plan["start"] as? String == start)
    }

    @Test func railwayJSONSettingsAndEnvironmentOverrides() async throws {
        let cli = try CLI.make()
        let path = Self.fixtures.appendingPathComponent("railway-json").path
        let production = try #require(try await cli.json(["plan", path]) as? [String: Any])
        #expect(production["numReplicas"] as? Int == 2)
        #expect(production["healthcheckPath"] as? String == "/health")
        #expect(production["preDeploy"] as? [String] == ["echo pre-deploy"])
        #expect(production["build"] as? [String] == ["echo built > built.txt"])
        let staging = try #require(try await cli.json(["plan", path, "--environment", "staging"]) as? [String: Any])
        #expect(staging["numReplicas"] as? Int == 1)
        #expect(staging["healthcheckTimeout"] as? Int == 10)
        let human = try await cli.ok(["plan", path])
        #expect(human.contains("provider: python (with railway.json)"))
    }

    @Test func staticSitesDockerfilesAndEmptyFolders() async throws {
        let cli = try CLI.make()
        let site = try #require(try await cli.json(["plan", Self.fixtures.appendingPathComponent("static-site").path]) as? [String: Any])
        #expect(site["provider"] as? String == "static")
        #expect(site["staticRoot"] as? String == "public")
        let docker = try await cli.fails(["plan", Self.fixtures.appendingPathComponent("dockerfile-app").path])
        #expect(docker.contains("container runtime"))
        let nothing = try await cli.fails(["plan", Self.fixtures.appendingPathComponent("nothing").path])
        #expect(nothing.contains("looked for"))
        _ = try await cli.fails(["plan", "/definitely/not/here"])
    }
}
