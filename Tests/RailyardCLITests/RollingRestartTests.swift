import Foundation
import Testing

/// Issue 14, item 9: `railyard restart` replaces replicas one by one under load, returns when
/// done, and drops no request; a new replica that cannot start leaves the running ones alone.
extension DeployEndToEndTests {
    @Test func restartReplacesReplicasOneByOneUnderLoadAndDropsNoRequest() async throws {
        let world = try await World.make()
        defer { world.stop() }
        try await world.service("web")
        #expect(try await world.cli.exec(["domain", "--service", "web"]).status == 0)
        let config = #"{"deploy": {"numReplicas": 2, "healthcheckPath": "/"}}"#
        let served = try await world.up(try Self.app(["main.py": Self.pythonServer("steady"), "railway.json": config]), service: "web")
        #expect(served.status == 0, "\(served.log)")
        let id = try #require(served.deployment["id"] as? String)
        let before = Set(Self.appProcesses(of: id))
        #expect(before.count == 2, "two replicas: \(before)")
        let addressesBefore = Set(Self.addresses(served.deployment))

        let load = SteadyLoad()
        let edgeURL = world.server.edgeURL
        let loadTask = Task { await load.run(edgeURL: edgeURL, host: "web-apps.localhost", clients: 4) }
        try await Task.sleep(for: .milliseconds(500))
        let restarted = try await world.cli.exec(["restart", "--service", "web", "--json"])
        // It returns once every replica was replaced: the old processes are gone already and
        // two new ones serve, on new addresses.
        let after = Set(Self.appProcesses(of: id))
        try await Task.sleep(for: .milliseconds(500))
        load.stop()
        await loadTask.value
        #expect(restarted.status == 0, "\(restarted.stderr)")
        #expect(after.count == 2 && after.isDisjoint(with: before), "before \(before), right after the restart \(after)")
        let deployment = (try? JSONSerialization.jsonObject(with: Data(restarted.stdout.utf8)) as? [String: Any]) ?? [:]
        let instances = deployment["instances"] as? [[String: Any]] ?? []
        #expect(instances.count == 2 && instances.allSatisfy { $0["state"] as? String == "healthy" }, "\(instances)")
        #expect(Set(Self.addresses(deployment)).isDisjoint(with: addressesBefore), "\(instances)")
        #expect(load.failures.isEmpty, "requests failed during the restart: \(load.failures.prefix(5))")
        #expect(load.requests > 20, "\(load.requests) requests under load")
        let log = try await world.cli.exec(["logs", "--deployment", id]).stdout
        #expect(log.contains("one at a time"), "\(log)")
        #expect(log.contains("every replica was restarted"), "\(log)")
    }

    @Test func aRestartWhoseNewReplicaFailsKeepsTheRunningOne() async throws {
        let world = try await World.make()
        defer { world.stop() }
        try await world.service("lock")
        // Only the replica's first attempt runs: the restart's new replica (attempt 2, in the
        // sandbox's host name `DEPLOYMENT-REPLICA-ATTEMPT-…`) exits at once. (Replicas once
        // shared the host's loopback and a fixed port did this; each has a network of its own now.)
        let holder = "import socket, sys\nif socket.gethostname().split(\"-\")[2] != \"1\": sys.exit(1)"
        let served = try await world.up(try Self.app(["main.py": Self.pythonServer("kept", extra: holder)]), service: "lock")
        #expect(served.status == 0, "\(served.log)")
        let id = try #require(served.deployment["id"] as? String)
        let before = Self.appProcesses(of: id)
        #expect(before.count == 1)
        let restarted = try await world.cli.exec(["restart", "--service", "lock"])
        #expect(restarted.status != 0, "the restart said it worked: \(restarted.stdout)")
        #expect(restarted.stderr.contains("the running replicas are kept"), "\(restarted.stderr)")
        // The app's failure, not the server's: 409, not a 5xx that invites the same request
        // again (schemathesis's stateful phase restarted a service whose health-check timeout
        // it had set to 1 s and took the 503 for a server error).
        let service = try #require(served.deployment["serviceId"] as? String)
        let environment = try #require(served.deployment["environmentId"] as? String)
        let again = try await Self.curl(["-X", "POST", "\(world.server.url)/api/v1/services/\(service)/restart?environmentId=\(environment)",
                                         "-H", "Authorization: Bearer \(try await Self.adminToken(world))"])
        #expect(again.status == 409, "\(again.status): \(again.body)")
        #expect(again.body.contains("the running replicas are kept"), "\(again.body)")
        #expect(Self.appProcesses(of: id) == before, "the running replica was stopped or duplicated")
        let address = try #require(Self.addresses(served.deployment).first)
        #expect(await Self.get(address)?.body == "kept")
        #expect(await Self.status(world, "lock") == "SUCCESS")
    }
}

/// Issue 19: a restart that another request overtakes (`down` while the new replica waits for
/// its health check) answers 409, a conflict with that request, not 503, which says the server
/// is failing and invites the same request again.
extension DeployEndToEndTests {
    @Test func aRestartOvertakenByDownAnswers409() async throws {
        let world = try await World.make()
        defer { world.stop() }
        try await world.service("busy")
        // The first copy answers; a second copy (the restart's new replica: attempt 2 in the
        // sandbox's host name `DEPLOYMENT-REPLICA-ATTEMPT-…`) answers 500, so it never passes
        // its health check and the restart waits for it, long enough for `down` to come in between.
        let server = """
            import os, socket
            from http.server import BaseHTTPRequestHandler, HTTPServer
            healthy = socket.gethostname().split("-")[2] == "1"
            class H(BaseHTTPRequestHandler):
                def do_GET(self):
                    self.send_response(200 if healthy else 500); self.end_headers(); self.wfile.write(b"busy")
                def log_message(self, *args): pass
            HTTPServer(("0.0.0.0", int(os.environ["PORT"])), H).serve_forever()
            """
        let config = #"{"deploy": {"healthcheckPath": "/", "healthcheckTimeout": 120}}"#
        let served = try await world.up(try Self.app(["main.py": server, "railway.json": config]), service: "busy")
        #expect(served.status == 0, "\(served.log)")
        let id = try #require(served.deployment["id"] as? String)
        let service = try #require(served.deployment["serviceId"] as? String)
        let environment = try #require(served.deployment["environmentId"] as? String)

        let token = try await Self.adminToken(world)
        async let restart = Self.curl(["-X", "POST", "\(world.server.url)/api/v1/services/\(service)/restart?environmentId=\(environment)",
                                       "-H", "Authorization: Bearer \(token)"])
        try await Self.waitFor("the restart's new replica") { Self.appProcesses(of: id).count == 2 }
        let down = try await world.cli.exec(["down", "--service", "busy"])
        #expect(down.status == 0, "\(down.stderr)")
        let answer = try await restart
        #expect(answer.status == 409, "\(answer.status): \(answer.body)")
        #expect(answer.body.contains("stopped running during the restart"), "\(answer.body)")
    }

    /// An access token of the world's admin, from the API's login.
    static func adminToken(_ world: World) async throws -> String {
        let login = try await curl(["-X", "POST", "\(world.server.url)/api/v1/auth/login", "-H", "Content-Type: application/json",
                                    "-d", #"{"email":"admin@example.com","password":"admin-password"}"#])
        return try #require((try JSONSerialization.jsonObject(with: Data(login.body.utf8)) as? [String: Any])?["accessToken"] as? String)
    }

    /// curl ARGUMENTS: the HTTP status and the body.
    static func curl(_ arguments: [String]) async throws -> (status: Int, body: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = ["-sS", "--max-time", "150", "-w", "\n%{http_code}"] + arguments
        let output = Pipe()
        process.standardOutput = output
        // Waits without holding a thread of the shared pool (the restart's curl waits for
        // minutes while the test goes on); the answer is small enough for the pipe's buffer.
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            process.terminationHandler = { _ in continuation.resume() }
            do { try process.run() } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let text = String(decoding: data, as: UTF8.self)
        let status = Int(text.split(separator: "\n").last ?? "") ?? 0
        return (status, text.split(separator: "\n").dropLast().joined(separator: "\n"))
    }
}
