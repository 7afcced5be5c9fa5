import AsyncHTTPClient
import Foundation
import NIOCore
import Testing

/// Shared and sealed variables and references, through the CLI, into a deployed app.
struct VariableEndToEndTests {
    typealias World = DeployEndToEndTests.World

    /// An app that answers the variables it was given, as JSON.
    static let echoApp: [String: String] = [
        "main.py": """
            import json, os
            from http.server import BaseHTTPRequestHandler, HTTPServer
            NAMES = ["DATABASE_URL", "WHERE", "TOKEN", "FROM_TOKEN"]
            class H(BaseHTTPRequestHandler):
                def do_GET(self):
                    body = json.dumps({name: os.environ.get(name) for name in NAMES}).encode()
                    self.send_response(200); self.end_headers(); self.wfile.write(body)
                def log_message(self, *args): pass
            HTTPServer(("0.0.0.0", int(os.environ["PORT"])), H).serve_forever()
            """,
    ]

    static func answer(_ deployment: [String: Any], sourceLocation: SourceLocation = #_sourceLocation) async throws -> [String: String] {
        let address = try #require(DeployEndToEndTests.addresses(deployment).first, sourceLocation: sourceLocation)
        let reply = try #require(await DeployEndToEndTests.get(address), sourceLocation: sourceLocation)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as? [String: Any],
                                  "\(reply.body)", sourceLocation: sourceLocation)
        return object.compactMapValues { $0 as? String }
    }

    @Test func anAppGetsResolvedReferencesSharedAndSealedValues() async throws {
        let world = try await World.make()
        defer { world.stop() }
        let cli = world.cli
        try await world.service("db")
        try await world.service("web")
        let secret = "tok-\(UUID().uuidString)"
        #expect(try await cli.exec(["variables", "--service", "db", "--set", "PGUSER=shop"]).status == 0)
        let shared = try await cli.exec(["variables", "--shared", "--set", "REGION=eu-west"])
        #expect(shared.status == 0, "\(shared.stderr)")
        let set = try await cli.exec([
            "variables", "--service", "web",
            "--set", "DATABASE_URL=postgres://${{db.PGUSER}}@${{db.RAILWAY_PRIVATE_DOMAIN}}:5432/app",
            "--set", "WHERE=${{shared.REGION}}",
        ])
        #expect(set.status == 0, "\(set.stderr)")
        #expect(set.stderr.contains("variables saved; they apply at the next deploy — run with --deploy to redeploy now"), "\(set.stderr)")
        let sealed = try await cli.exec(["variables", "--service", "web", "--sealed", "--set", "TOKEN=\(secret)",
                                         "--set", "FROM_TOKEN=Bearer ${{TOKEN}}"])
        #expect(sealed.status == 0, "\(sealed.stderr)")
        #expect(!sealed.stdout.contains(secret))

        // Refused at once: an unknown reference, and a cycle with its path.
        let unknown = try await cli.exec(["variables", "--service", "web", "--set", "X=${{nothing.HERE}}"])
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("web.X refers to nothing.HERE"), "\(unknown.stderr)")
        let cycle = try await cli.exec(["variables", "--service", "db", "--set", "PGUSER=${{web.WHERE}}${{web.DATABASE_URL}}"])
        #expect(cycle.stderr.contains("db.PGUSER → web.DATABASE_URL → db.PGUSER"), "\(cycle.stderr)")

        let (status, deployment, log) = try await world.up(try DeployEndToEndTests.app(Self.echoApp), service: "web")
        #expect(status == 0, "\(log)")
        let seen = try await Self.answer(deployment)
        #expect(seen["DATABASE_URL"] == "postgres://shop@db.railway.internal:5432/app")
        #expect(seen["WHERE"] == "eu-west")
        #expect(seen["TOKEN"] == secret, "a sealed value reaches the app")
        #expect(seen["FROM_TOKEN"] == "Bearer \(secret)")

        // Shown back: never the sealed value, nor one made with it.
        for arguments in [["variables", "--service", "web"], ["variables", "--service", "web", "--kv"],
                          ["variables", "--service", "web", "--resolved"], ["variables", "--service", "web", "--json"],
                          ["logs", "--service", "web"], ["logs", "--service", "web", "--build"]] {
            let shown = try await cli.exec(arguments)
            #expect(shown.status == 0, "\(arguments): \(shown.stderr)")
            #expect(!shown.stdout.contains(secret) && !shown.stderr.contains(secret), "\(arguments) shows the sealed value")
        }
        let resolved = try #require(try await cli.execJSON(["variables", "--service", "web", "--resolved"]) as? [String: Any])
        #expect(resolved["DATABASE_URL"] as? String == "postgres://shop@db.railway.internal:5432/app")
        #expect(resolved["TOKEN"] is NSNull && resolved["FROM_TOKEN"] is NSNull)

        // `railyard run` gives a local command everything, sealed values too.
        let run = try await cli.exec(["run", "--service", "web", "--", "sh", "-c", "echo \"$DATABASE_URL|$WHERE|$TOKEN\"; exit 3"])
        #expect(run.status == 3, "the command's own exit status: \(run.stderr)")
        #expect(run.stdout.contains("postgres://shop@db.railway.internal:5432/app|eu-west|\(secret)"), "\(run.stdout)")

        // A change restarts nothing until --deploy.
        #expect(try await cli.exec(["variables", "--shared", "--set", "REGION=us-east"]).status == 0)
        #expect(try await Self.answer(deployment)["WHERE"] == "eu-west")
        let redeployed = try await cli.exec(["variables", "--service", "web", "--set", "DATABASE_URL=none", "--deploy", "--json"])
        #expect(redeployed.status == 0, "\(redeployed.stderr)")
        let latest = try #require(try JSONSerialization.jsonObject(with: Data(redeployed.stdout.utf8)) as? [String: Any])
        #expect(latest["status"] as? String == "SUCCESS", "\(latest)")
        let after = try await Self.answer(latest)
        #expect(after["DATABASE_URL"] == "none")
        #expect(after["WHERE"] == "us-east")
    }

    /// A reference that broke after it was set (the service it named was deleted) fails the
    /// next deploy with the reason; the serving deployment keeps serving.
    @Test func anUnknownReferenceAtDeployTimeFailsAndTheOldDeploymentServes() async throws {
        let world = try await World.make()
        defer { world.stop() }
        let cli = world.cli
        try await world.service("db")
        try await world.service("web")
        #expect(try await cli.exec(["variables", "--service", "db", "--set", "PGUSER=shop"]).status == 0)
        #expect(try await cli.exec(["variables", "--service", "web", "--set", "DATABASE_URL=u=${{db.PGUSER}}"]).status == 0)
        let (status, deployment, log) = try await world.up(try DeployEndToEndTests.app(Self.echoApp), service: "web")
        #expect(status == 0, "\(log)")
        #expect(try await Self.answer(deployment)["DATABASE_URL"] == "u=shop")

        let deleted = try await cli.exec(["service", "delete", "db", "--yes"])
        #expect(deleted.status == 0, "\(deleted.stderr)")
        let redeploy = try await cli.exec(["redeploy", "--service", "web", "--json"])
        #expect(redeploy.status != 0)
        let failed = try #require(try JSONSerialization.jsonObject(with: Data(redeploy.stdout.utf8)) as? [String: Any], "\(redeploy.stderr)")
        #expect(failed["status"] as? String == "FAILED", "\(failed)")
        let reason = failed["statusReason"] as? String ?? ""
        #expect(reason.contains("web.DATABASE_URL refers to db.PGUSER"), "\(reason)")
        #expect(try await Self.answer(deployment)["DATABASE_URL"] == "u=shop", "the serving deployment keeps serving")
        let history = try await world.deployments("web")
        #expect(history.first { $0["id"] as? String == deployment["id"] as? String }?["status"] as? String == "SUCCESS")
    }
}
