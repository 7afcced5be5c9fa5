import AsyncHTTPClient
import Foundation
import Testing

/// Deploying from source through the CLI against a live server: every provider's fixture app
/// answers over HTTP; failures leave the serving deployment alone; rollbacks skip the build;
/// crash loops end CRASHED; newer deploys supersede older ones; `kill -9` of the server loses
/// nothing.
@Suite(.serialized)
struct DeployEndToEndTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/apps")

    /// A server with an admin, a logged-in CLI and a project.
    struct World {
        let server: ServerProcess
        let cli: CLI
        let data: String

        /// - Parameter closedBase: the data folder lies inside a folder only root may enter,
        ///   like the default one under /root: sandboxes must still reach their artifacts.
        /// - Parameter prepareData: runs on the data folder's path before the server starts
        ///   (to mount a filesystem there, say).
        static func make(
            serverArguments: [String] = [], closedBase: Bool = true, databaseURL: String? = nil,
            prepareData: (String) throws -> Void = { _ in }
        ) async throws -> World {
            let base = FileManager.default.temporaryDirectory.appendingPathComponent("railyard-deploy-\(UUID().uuidString)")
            try FileManager.default.createDirectory(
                at: base, withIntermediateDirectories: true, attributes: [.posixPermissions: closedBase ? 0o700 : 0o755])
            let data = base.appendingPathComponent("data").path
            try prepareData(data)
            let server = ServerProcess(dataDirectory: data, databaseURL: databaseURL, environment: [
                "RAILYARD_ADMIN_EMAIL": "admin@example.com", "RAILYARD_ADMIN_PASSWORD": "admin-password",
            ], arguments: serverArguments)
            try await server.start()
            var cli = try CLI.make()
            cli.environment["RAILYARD_SERVER"] = server.url
            try await cli.exec(["login", "--email", "admin@example.com", "--password", "admin-password"])
            let created = try await cli.exec(["init", "--name", "apps"])
            #expect(created.status == 0, "\(created.stderr)")
            return World(server: server, cli: cli, data: data)
        }

        func service(_ name: String) async throws {
            let result = try await cli.exec(["service", "create", name])
            #expect(result.status == 0, "\(result.stderr)")
        }

        /// `railyard up FOLDER --service NAME --json`: the exit status and the final deployment.
        func up(_ folder: URL, service: String, extra: [String] = []) async throws -> (status: Int32, deployment: [String: Any], log: String) {
            let result = try await cli.exec(["up", folder.path, "--service", service, "--json"] + extra)
            let deployment = (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]) ?? [:]
            guard result.status != 0 else { return (result.status, deployment, result.stderr) }
            // With --json a failed deployment is told on stdout and its log is not printed: both
            // are added, so that a failing test says why.
            var log = result.stderr + result.stdout
            if let id = deployment["id"] as? String, let lines = try? await cli.exec(["logs", "--deployment", id]) {
                log += "\n" + lines.stdout.suffix(6000)
            }
            return (result.status, deployment, log)
        }

        func deployments(_ service: String) async throws -> [[String: Any]] {
            try #require(try await cli.execJSON(["deployment", "list", "--service", service]) as? [[String: Any]])
        }

        func stop() { server.stop() }
    }

    static func addresses(_ deployment: [String: Any]) -> [String] {
        ((deployment["instances"] as? [[String: Any]]) ?? []).compactMap { $0["address"] as? String }
    }

    static func get(_ address: String, _ path: String = "/") async -> (status: Int, body: String)? {
        let request = HTTPClientRequest(url: "http://\(address)\(path)")
        guard let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(5)),
              let body = try? await response.body.collect(upTo: 1 << 20)
        else { return nil }
        return (Int(response.status.code), String(buffer: body))
    }

    /// A folder with `files`; a Procfile starts its main.py unless the files say otherwise.
    static func app(_ files: [String: String]) throws -> URL {
        var files = files
        if files["main.py"] != nil && files["Procfile"] == nil { files["Procfile"] = "web: python3 main.py\n" }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("railyard-app-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for (name, text) in files { try Data(text.utf8).write(to: folder.appendingPathComponent(name)) }
        return folder
    }

    /// A stdlib Python server answering `body` on every path.
    static func pythonServer(_ body: String, extra: String = "") -> String {
        """
        import os, sys
        from http.server import BaseHTTPRequestHandler, HTTPServer
        \(extra)
        class H(BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200); self.end_headers(); self.wfile.write(b"\(body)")
            def log_message(self, *args): pass
        HTTPServer(("0.0.0.0", int(os.environ["PORT"])), H).serve_forever()
        """
    }

    static func waitFor(_ what: String, seconds: Int = 60, _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(250))
        }
        Issue.record("timed out waiting for \(what)")
    }

    @Test func everyProviderDeploysThroughTheCLIAndAnswers() async throws {
        let world = try await World.make()
        defer { world.stop() }
        let expectations: [(fixture: String, provider: String, answer: String)] = [
            ("python-stdlib", "python", "\"service\": \"python-stdlib\""),
            ("python-flask", "python", "python-flask"),
            ("node-plain", "node", "node-plain"),
            ("static-site", "static", "<h1>static-site</h1>"),
            ("procfile-app", "procfile", "index.txt"),
            ("shell-app", "shell", "shell-app"),
            ("railway-json", "python", "railway-json"),
        ]
        for (fixture, provider, answer) in expectations {
            try await world.service(fixture)
            let (status, deployment, log) = try await world.up(Self.fixtures.appendingPathComponent(fixture), service: fixture)
            #expect(status == 0, "\(fixture): \(log)")
            #expect(deployment["status"] as? String == "SUCCESS", "\(fixture): \(deployment)")
            #expect(deployment["provider"] as? String == provider, "\(fixture)")
            let addresses = Self.addresses(deployment)
            #expect(!addresses.isEmpty, "\(fixture) has instances")
            for address in addresses {
                let reply = await Self.get(address)
                #expect(reply?.status == 200, "\(fixture) at \(address)")
                #expect(reply?.body.contains(answer) == true, "\(fixture) answered \(reply?.body ?? "nothing")")
            }
            let build = try await world.cli.exec(["logs", "--service", fixture, "--build"])
            #expect(build.stdout.contains("provider: \(provider)"), "the plan heads the build log of \(fixture)")
        }
        // railway.json: two replicas, its health path, its pre-deploy command.
        let railway = try await world.deployments("railway-json")
        #expect(Self.addresses(try #require(railway.first)).count == 2)
        let deployLog = try await world.cli.exec(["logs", "--service", "railway-json"])
        #expect(deployLog.stdout.contains("pre-deploy"))
        #expect(deployLog.stdout.contains("(/health, up to 30 s)"))
        // Procfile's release line runs before the instances start.
        #expect(try await world.cli.exec(["logs", "--service", "procfile-app"]).stdout.contains("migrating"))
    }

    @Test func failuresAreReportedAndTheServingDeploymentKeepsServing() async throws {
        let world = try await World.make()
        defer { world.stop() }
        try await world.service("web")
        let good = try await world.up(try Self.app(["main.py": Self.pythonServer("v1")]), service: "web")
        #expect(good.status == 0, "\(good.log)")
        let address = try #require(Self.addresses(good.deployment).first)

        let failures: [(name: String, files: [String: String], reason: String)] = [
            ("build error", ["main.py": Self.pythonServer("x"), "railway.json": #"{"build": {"buildCommand": "echo compiling; exit 3"}}"#],
             "exited with status 3"),
            ("wrong config field", ["main.py": Self.pythonServer("x"), "railway.json": #"{"deploy": {"numReplicas": "two"}}"#],
             "numReplicas"),
            ("nothing to run", ["README.md": "just words"], "looked for"),
            ("missing start command", ["package.json": #"{"name": "x", "scripts": {"build": "echo built"}}"#],
             "no start command"),
            ("exits at once", ["main.py": "import sys; print('bye'); sys.exit(4)"], "exited with status 4"),
            ("health check never passes",
             ["main.py": Self.pythonServer("x").replacingOccurrences(of: "send_response(200)", with: "send_response(503)"),
              "railway.json": #"{"deploy": {"healthcheckPath": "/ready", "healthcheckTimeout": 2}}"#],
             "did not pass within 2 s"),
            ("a Dockerfile", ["Dockerfile": "FROM scratch"], "container runtime"),
        ]
        for failure in failures {
            let result = try await world.up(try Self.app(failure.files), service: "web")
            #expect(result.status != 0, "\(failure.name) must not exit 0")
            #expect(result.deployment["status"] as? String == "FAILED", "\(failure.name): \(result.deployment)")
            let reason = result.deployment["statusReason"] as? String ?? ""
            #expect(reason.contains(failure.reason), "\(failure.name): \(reason)")
            #expect(await Self.get(address)?.body == "v1", "the serving deployment survives \(failure.name)")
        }
        let history = try await world.deployments("web")
        #expect(history.filter { $0["status"] as? String == "SUCCESS" }.count == 1)
    }

    @Test func rollbackReusesTheArtifactAndSupersededDeploysAreSkipped() async throws {
        let world = try await World.make()
        defer { world.stop() }
        try await world.service("web")
        let first = try await world.up(try Self.app(["main.py": Self.pythonServer("v1")]), service: "web")
        let second = try await world.up(try Self.app(["main.py": Self.pythonServer("v2")]), service: "web")
        #expect(first.status == 0 && second.status == 0, "\(first.log)\n\(second.log)")
        let oldAddress = try #require(Self.addresses(first.deployment).first)
        let newAddress = try #require(Self.addresses(second.deployment).first)
        #expect(await Self.get(newAddress)?.body == "v2")
        #expect(await Self.get(oldAddress) == nil, "the replaced deployment's instance is stopped")
        let firstID = try #require(first.deployment["id"] as? String)
        #expect(try await world.deployments("web").first { $0["id"] as? String == firstID }?["status"] as? String == "REMOVED")

        let rolled = try await world.cli.execJSON(["rollback", "--service", "web"]) as? [String: Any]
        let rollback = try #require(rolled)
        #expect(rollback["status"] as? String == "SUCCESS")
        #expect(rollback["source"] as? String == "rollback")
        #expect(rollback["sourceDeploymentId"] as? String == firstID)
        #expect(await Self.get(try #require(Self.addresses(rollback).first))?.body == "v1")
        let rollbackID = try #require(rollback["id"] as? String)
        // A rollback runs no build: its build log is the one of the build it reuses, and says so.
        let buildLog = try await world.cli.exec(["logs", "--deployment", rollbackID, "--build"])
        #expect(buildLog.stderr.contains("is a rollback") && buildLog.stderr.contains(firstID), "\(buildLog.stderr)")

        // A slow build, then a newer upload: the older one is skipped.
        let slow = try Self.app(["main.py": Self.pythonServer("slow"), "railway.json": #"{"build": {"buildCommand": "sleep 20"}}"#])
        let queued = try await world.cli.execJSON(["up", slow.path, "--service", "web", "--detach"]) as? [String: Any]
        let slowID = try #require(queued?["id"] as? String)
        try await Self.waitFor("the slow build to start") {
            try await world.deployments("web").first { $0["id"] as? String == slowID }?["status"] as? String == "BUILDING"
        }
        let newer = try await world.up(try Self.app(["main.py": Self.pythonServer("v3")]), service: "web")
        #expect(newer.status == 0, "\(newer.log)")
        try await Self.waitFor("the slow build to be skipped") {
            try await world.deployments("web").first { $0["id"] as? String == slowID }?["status"] as? String == "SKIPPED"
        }
        #expect(await Self.get(try #require(Self.addresses(newer.deployment).first))?.body == "v3")
    }

    @Test func crashLoopsEndCrashedAndRestartPoliciesAreLogged() async throws {
        let world = try await World.make()
        defer { world.stop() }
        try await world.service("flaky")
        // Serves long enough to pass its health check, then dies; two restarts allowed.
        let flaky = try Self.app([
            "main.py": Self.pythonServer("flaky", extra: "import threading; threading.Timer(1.0, lambda: os._exit(1)).start()"),
            "railway.json": #"{"deploy": {"restartPolicyType": "ON_FAILURE", "restartPolicyMaxRetries": 2}}"#,
        ])
        let result = try await world.up(flaky, service: "flaky")
        #expect(result.status == 0, "it passes its health check before crashing: \(result.log)")
        let id = try #require(result.deployment["id"] as? String)
        try await Self.waitFor("the crash loop to end CRASHED", seconds: 90) {
            try await world.deployments("flaky").first { $0["id"] as? String == id }?["status"] as? String == "CRASHED"
        }
        let log = try await world.cli.exec(["logs", "--deployment", id]).stdout
        #expect(log.contains("restart 1 of at most 2"))
        #expect(log.contains("restart 2 of at most 2"))
        #expect(log.contains("kept crashing"))
    }

    @Test func restartAndDownActOnTheRunningDeploymentAndAreAudited() async throws {
        let world = try await World.make()
        defer { world.stop() }
        try await world.service("steady")
        let served = try await world.up(try Self.app(["main.py": Self.pythonServer("steady")]), service: "steady")
        #expect(served.status == 0, "\(served.log)")
        let id = try #require(served.deployment["id"] as? String)
        let restarted = try await world.cli.execJSON(["restart", "--service", "steady"]) as? [String: Any] ?? [:]
        #expect(restarted["id"] as? String == id, "restart acts on the running deployment")
        try await Self.waitFor("the restarted replica to answer") {
            let current = try await world.deployments("steady").first { $0["id"] as? String == id } ?? [:]
            let instances = current["instances"] as? [[String: Any]] ?? []
            guard let address = instances.first?["address"] as? String, instances.first?["state"] as? String == "healthy"
            else { return false }
            return await Self.get(address)?.body == "steady"
        }
        let log = try await world.cli.exec(["logs", "--deployment", id]).stdout
        #expect(log.contains("restarting every replica on request"), "\(log)")
        let downed = try await world.cli.exec(["down", "--service", "steady"])
        #expect(downed.status == 0, "\(downed.stderr)")
        try await Self.waitFor("the deployment to be REMOVED") {
            try await world.deployments("steady").first { $0["id"] as? String == id }?["status"] as? String == "REMOVED"
        }
        for address in Self.addresses(served.deployment) { #expect(await Self.get(address) == nil, "\(address) still answers") }
        #expect(try await world.cli.exec(["down", "--service", "steady"]).status != 0, "nothing left to take down")
        let audit = try #require(try await world.cli.execJSON(["audit", "--limit", "50"]) as? [[String: Any]])
        for action in ["deployment.restart", "deployment.down"] {
            let event = audit.first { $0["action"] as? String == action && $0["targetId"] as? String == id }
            #expect((event?["actor"] as? String)?.hasPrefix("user:") == true, "\(action) by the caller: \(audit.prefix(5))")
        }
    }

    @Test func killNineOfTheServerLosesNothing() async throws {
        let world = try await World.make()
        defer { world.stop() }
        try await world.service("web")
        let served = try await world.up(try Self.app(["main.py": Self.pythonServer("steady")]), service: "web")
        #expect(served.status == 0, "\(served.log)")
        let servedID = try #require(served.deployment["id"] as? String)
        let slow = try Self.app(["main.py": Self.pythonServer("slow"), "railway.json": #"{"build": {"buildCommand": "sleep 60"}}"#])
        let building = try await world.cli.execJSON(["up", slow.path, "--service", "web", "--detach"]) as? [String: Any]
        let buildingID = try #require(building?["id"] as? String)
        try await Self.waitFor("the build to start") {
            try await world.deployments("web").first { $0["id"] as? String == buildingID }?["status"] as? String == "BUILDING"
        }

        world.server.stop(signal: SIGKILL)
        try await world.server.start()

        try await Self.waitFor("the interrupted build to be failed") {
            try await world.deployments("web").first { $0["id"] as? String == buildingID }?["status"] as? String == "FAILED"
        }
        var address: String?
        try await Self.waitFor("the served deployment to answer again") {
            let current = try await world.deployments("web").first { $0["id"] as? String == servedID }
            address = current.flatMap { Self.addresses($0).first }
            guard let address else { return false }
            return await Self.get(address)?.body == "steady"
        }
        #expect(try await world.deployments("web").first { $0["id"] as? String == servedID }?["status"] as? String == "SUCCESS")
        // One sandbox for the one replica: the one from before the crash was stopped, not kept
        // beside the new one.
        let sandboxes = try FileManager.default.contentsOfDirectory(atPath: "/proc").filter { entry in
            guard Int(entry) != nil, let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { return false }
            let arguments = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            return arguments.first?.hasSuffix("python3") == true && arguments.contains("main.py")
                && (try? String(contentsOfFile: "/proc/\(entry)/environ", encoding: .utf8))?.contains(servedID) == true
        }
        #expect(sandboxes.count == 1, "exactly one app process for the one replica, found \(sandboxes.count)")
        // Its port: on a private network the address is the environment's on the new run.
        #expect(address?.split(separator: ":").last == Self.addresses(served.deployment).first?.split(separator: ":").last,
                "the replica keeps its port across the restart")

        // Still supervised: a new deploy retires the recovered replica, leaving no duplicate.
        let next = try await world.up(try Self.app(["main.py": Self.pythonServer("next")]), service: "web")
        #expect(next.status == 0, "\(next.log)")
        try await Self.waitFor("the recovered deployment to be REMOVED") {
            try await world.deployments("web").first { $0["id"] as? String == servedID }?["status"] as? String == "REMOVED"
        }
        if let address { #expect(await Self.get(address)?.body != "steady", "the recovered replica was retired") }
    }
}
