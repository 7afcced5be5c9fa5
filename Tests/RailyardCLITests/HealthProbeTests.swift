import AsyncHTTPClient
import Foundation
import NIOCore
import Testing

/// Issue 19: the health probe of a live server. A replica that stops answering (its only
/// thread stuck in a request) is taken out of the edge's table after two failed probes and
/// restarted after three; the new replica answers through the edge again.
extension DeployEndToEndTests {
    /// A single-threaded app: GET /hang never returns, and from then on nothing is answered
    /// (connections queue in the kernel). Every other path answers a token made at start, so
    /// that a restarted process is told from the first.
    static let hangingApp = """
        import os, time
        from http.server import BaseHTTPRequestHandler, HTTPServer
        STARTED = os.urandom(8).hex()
        class H(BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path == "/hang":
                    time.sleep(1000000)
                body = STARTED.encode()
                self.send_response(200)
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def log_message(self, *args): pass
        HTTPServer(("0.0.0.0", int(os.environ["PORT"])), H).serve_forever()
        """

    /// GET through the edge, giving up after `timeout` (a hung replica would hold it longer).
    static func viaEdgeQuickly(_ world: World, host: String, path: String, timeout: TimeAmount) async -> (status: Int, body: String)? {
        var request = HTTPClientRequest(url: world.server.edgeURL + path)
        request.headers.replaceOrAdd(name: "Host", value: host)
        guard let response = try? await HTTPClient.shared.execute(request, timeout: timeout),
              let body = try? await response.body.collect(upTo: 1 << 16)
        else { return nil }
        return (Int(response.status.code), String(buffer: body))
    }

    @Test func aHungReplicaLeavesTheEdgeAndIsRestarted() async throws {
        let world = try await World.make()
        defer { world.stop() }
        try await world.service("hangs")
        #expect(try await world.cli.exec(["domain", "--service", "hangs"]).status == 0)
        let host = "hangs-apps.localhost"
        let result = try await world.up(try Self.app([
            "main.py": Self.hangingApp, "railway.json": #"{"deploy": {"healthcheckPath": "/health"}}"#,
        ]), service: "hangs")
        #expect(result.status == 0, "\(result.log)")
        let id = try #require(result.deployment["id"] as? String)
        let first = try #require(await Self.viaEdgeQuickly(world, host: host, path: "/health", timeout: .seconds(10)))
        #expect(first.status == 200)

        // Hung: this request never gets an answer, and neither does anything after it.
        let hang = Task { await Self.viaEdgeQuickly(world, host: host, path: "/hang", timeout: .seconds(5)) }
        defer { hang.cancel() }
        let hungAt = ContinuousClock.now
        try await Self.waitFor("the replica to hang", seconds: 10) {
            await Self.viaEdgeQuickly(world, host: host, path: "/health", timeout: .seconds(2)) == nil
        }

        // Probes every 10 s (5 s time-out each); after a failure the next comes in 2 s. Two
        // failures take it out of the table (503: no healthy instance), three restart it.
        var outAfter: Duration?
        var recordedUnhealthy = false
        var restartedAfter: Duration?
        while ContinuousClock.now - hungAt < .seconds(90) && restartedAfter == nil {
            let reply = await Self.viaEdgeQuickly(world, host: host, path: "/health", timeout: .seconds(1))
            if let reply, reply.status == 503, reply.body.contains("no healthy instance"), outAfter == nil {
                outAfter = ContinuousClock.now - hungAt
                // Out for failing its probes, before any restart: the replica is recorded
                // unhealthy (a restart alone would also empty the table, but records no such state).
                let deadline = ContinuousClock.now + .seconds(3)
                while !recordedUnhealthy && ContinuousClock.now < deadline {
                    let current = try await world.deployments("hangs").first { $0["id"] as? String == id } ?? [:]
                    let states = (current["instances"] as? [[String: Any]] ?? []).compactMap { $0["state"] as? String }
                    recordedUnhealthy = states.contains("unhealthy")
                    if !recordedUnhealthy { try await Task.sleep(for: .milliseconds(100)) }
                }
            }
            if let reply, reply.status == 200, reply.body != first.body {
                restartedAfter = ContinuousClock.now - hungAt
            }
            try await Task.sleep(for: .milliseconds(250))
        }
        let out = try #require(outAfter, "the edge never stopped routing to the hung replica")
        #expect(recordedUnhealthy, "the replica left the edge without being recorded unhealthy")
        let restarted = try #require(restartedAfter, "no new replica answered through the edge within 90 s")
        #expect(out < restarted)
        print("hung replica: out of the edge after \(out), a new one answered after \(restarted)")

        let log = try await world.cli.exec(["logs", "--deployment", id]).stdout
        #expect(log.contains("replica 0 failed its health check (2 in a row)"), "\(log.suffix(1500))")
        #expect(log.contains("restarting replica 0: it stopped answering its health check"), "\(log.suffix(1500))")
        let deployment = try #require(try await world.deployments("hangs").first { $0["id"] as? String == id })
        #expect(deployment["status"] as? String == "SUCCESS", "restarting a replica leaves the deployment live")
    }
}
