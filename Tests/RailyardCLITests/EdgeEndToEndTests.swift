import AsyncHTTPClient
import Foundation
import NIOCore
import Synchronization
import Testing

/// The edge router in a live server: generated and custom domains route to the serving
/// deployment, unknown hosts get a 404, and redeploys under steady load fail no request.
extension DeployEndToEndTests {
    /// GET through the live server's edge with `host` as the Host header.
    static func viaEdge(_ world: World, host: String, path: String = "/", timeout: TimeAmount = .seconds(10)) async -> (status: Int, body: String)? {
        await viaEdge(world.server.edgeURL, host: host, path: path, timeout: timeout)
    }

    static func viaEdge(_ edgeURL: String, host: String, path: String = "/", timeout: TimeAmount = .seconds(10)) async -> (status: Int, body: String)? {
        var request = HTTPClientRequest(url: edgeURL + path)
        request.headers.replaceOrAdd(name: "Host", value: host)
        guard let response = try? await HTTPClient.shared.execute(request, timeout: timeout),
              let body = try? await response.body.collect(upTo: 1 << 20)
        else { return nil }
        return (Int(response.status.code), String(buffer: body))
    }

    @Test func domainsRouteThroughTheEdgeAndRedeploysFailNoRequest() async throws {
        let world = try await World.make()
        defer { world.stop() }
        try await world.service("web")
        let generated = try #require(try await world.cli.execJSON(["domain", "--service", "web"]) as? [String: Any])
        #expect(generated["hostname"] as? String == "web-apps.localhost")
        #expect(generated["kind"] as? String == "generated")
        #expect(generated["url"] as? String == "http://web-apps.localhost:\(world.server.httpPort)")

        // Before any deployment the domain answers 503, an unknown host 404.
        #expect(await Self.viaEdge(world, host: "web-apps.localhost")?.status == 503)
        let unknown = await Self.viaEdge(world, host: "nothing-here.localhost")
        #expect(unknown?.status == 404)
        #expect(unknown?.body.contains("web-apps") == false, "the 404 page names no other host")

        let v1 = try await world.up(try Self.app(["main.py": Self.pythonServer("v1")]), service: "web")
        #expect(v1.status == 0, "\(v1.log)")
        #expect(await Self.viaEdge(world, host: "web-apps.localhost")?.body == "v1")
        // `up` prints the public URL.
        let text = try await world.cli.exec(["up", try Self.app(["main.py": Self.pythonServer("v1")]).path, "--service", "web"])
        #expect(text.stdout.contains("http://web-apps.localhost:\(world.server.httpPort)"), "\(text.stdout)")

        // A custom domain, unique across everything; a second generated one gets a suffix.
        #expect(try await world.cli.exec(["domain", "add", "Shop.Example.com", "--service", "web"]).status == 0)
        #expect(await Self.viaEdge(world, host: "shop.example.com")?.body == "v1")
        try await world.service("other")
        let taken = try await world.cli.exec(["domain", "add", "shop.example.com", "--service", "other"])
        #expect(taken.status != 0)
        #expect(taken.stderr.contains("already in use"), "\(taken.stderr)")
        let second = try #require(try await world.cli.execJSON(["domain", "--service", "web"]) as? [String: Any])
        #expect(second["hostname"] as? String == "web-apps-2.localhost")
        #expect(try await world.cli.exec(["domain", "add", "not a host", "--service", "web"]).status != 0)

        // Steady load while the service is redeployed five times: not one request fails.
        let load = SteadyLoad()
        let edgeURL = world.server.edgeURL
        let loadTask = Task { await load.run(edgeURL: edgeURL, host: "web-apps.localhost", clients: 4) }
        for version in 2...6 {
            let result = try await world.up(try Self.app(["main.py": Self.pythonServer("v\(version)")]), service: "web")
            #expect(result.status == 0, "v\(version): \(result.log)")
        }
        // Until the load has been answered by the last version (its clients, starved by the
        // parallel suite, once had not within a fixed 300 ms).
        try await Self.waitFor("the load to reach v6", seconds: 60) { load.served.contains("v6") }
        load.stop()
        await loadTask.value
        #expect(load.failures.isEmpty, "requests failed during redeploys: \(load.failures.prefix(5))")
        #expect(load.served.isSuperset(of: ["v1", "v6"]), "\(load.served)")
        #expect(load.requests > 100, "\(load.requests) requests under load")
        #expect(await Self.viaEdge(world, host: "web-apps.localhost")?.body == "v6")

        // Each request through the edge is a line of the serving deployment's HTTP log.
        _ = await Self.viaEdge(world, host: "web-apps.localhost", path: "/logged?x=1")
        try await Self.waitFor("the request in the HTTP log") {
            try await world.cli.exec(["logs", "--service", "web", "--http"]).stdout.contains("GET web-apps.localhost/logged?x=1 200")
        }
        let httpLog = try await world.cli.exec(["logs", "--service", "web", "--http", "--json"])
        let logged = try #require(httpLog.stdout.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }.first { ($0["message"] as? String)?.contains("/logged?x=1") == true })
        #expect(logged["phase"] as? String == "http")
        #expect(logged["replica"] as? Int == 0)
        let fields = try #require((logged["fields"] as? String).flatMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        })
        #expect(fields["status"] as? Int == 200)
        #expect(fields["method"] as? String == "GET")
        #expect(fields["host"] as? String == "web-apps.localhost")
        #expect(fields["bytesOut"] as? Int == 2)
        #expect((fields["requestId"] as? String)?.count == 32)
        #expect(fields["client"] as? String == "127.0.0.1")
        #expect(fields["durationMs"] is Double || fields["durationMs"] is Int)

        // Prometheus metrics per service on the API listener, for a logged-in caller only.
        var anonymous = HTTPClientRequest(url: world.server.url + "/metrics")
        anonymous.method = .GET
        #expect(try await HTTPClient.shared.execute(anonymous, timeout: .seconds(10)).status.code == 401)
        let metrics = try await Self.scrapeMetrics(world)
        let ok = metrics.split(separator: "\n").first { $0.hasPrefix("railyard_http_requests_total{service=\"web\",project=\"apps\"") && $0.contains("class=\"2xx\"") }
        #expect((ok?.split(separator: " ").last.flatMap { Int($0) } ?? 0) >= 100, "\(metrics.prefix(600))")
        #expect(metrics.contains("railyard_http_request_duration_seconds_bucket{service=\"web\""))
        #expect(metrics.contains("railyard_edge_open_connections"))

        // Renamed: the new name routes, the old one is gone. Removed: 404. Down: 503.
        // (Names under the generated base, `*.localhost` here, are not the user's to choose.)
        #expect(try await world.cli.exec(["domain", "update", "web-apps-2.localhost", "--service", "web", "--name", "store.localhost"]).status != 0)
        #expect(try await world.cli.exec(["domain", "update", "web-apps-2.localhost", "--service", "web", "--name", "store.example.com"]).status == 0)
        #expect(await Self.viaEdge(world, host: "store.example.com")?.body == "v6")
        #expect(await Self.viaEdge(world, host: "web-apps-2.localhost")?.status == 404)
        #expect(try await world.cli.exec(["domain", "remove", "store.example.com", "--service", "web"]).status == 0)
        #expect(await Self.viaEdge(world, host: "store.example.com")?.status == 404)
        let listed = try #require(try await world.cli.execJSON(["domain", "list", "--service", "web"]) as? [[String: Any]])
        #expect(listed.compactMap { $0["hostname"] as? String }.sorted() == ["shop.example.com", "web-apps.localhost"])
        #expect(try await world.cli.exec(["down", "--service", "web"]).status == 0)
        try await Self.waitFor("the domain to answer 503 once the service is down") {
            await Self.viaEdge(world, host: "web-apps.localhost")?.status == 503
        }
    }
}

/// Clients sending requests one after another through the edge until stopped, keeping what
/// every answer said.
final class SteadyLoad: Sendable {
    private let state = Mutex((stopped: false, failures: [String](), served: Set<String>(), requests: 0))

    var failures: [String] { state.withLock { $0.failures } }
    var served: Set<String> { state.withLock { $0.served } }
    var requests: Int { state.withLock { $0.requests } }

    func stop() { state.withLock { $0.stopped = true } }

    /// `clients` requests at a time until stopped; `closing` of those ask for their connection
    /// to be closed after each answer (a new connection for every request).
    func run(edgeURL: String, host: String, clients: Int, closing: Int = 0) async {
        await withTaskGroup(of: Void.self) { group in
            for client in 0..<clients {
                group.addTask {
                    while !self.state.withLock({ $0.stopped }) {
                        var request = HTTPClientRequest(url: edgeURL + "/")
                        request.headers.replaceOrAdd(name: "Host", value: host)
                        if client < closing { request.headers.replaceOrAdd(name: "Connection", value: "close") }
                        var reply: (status: Int, body: String)?
                        var problem = ""
                        do {
                            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
                            reply = (Int(response.status.code), String(buffer: try await response.body.collect(upTo: 1 << 20)))
                        } catch {
                            problem = "\(error)"
                        }
                        self.state.withLock { state in
                            state.requests += 1
                            if let reply, reply.status == 200 {
                                state.served.insert(reply.body)
                            } else {
                                state.failures.append("status \(reply.map { String($0.status) } ?? "none"): \(reply?.body.prefix(80) ?? "") \(problem)")
                            }
                        }
                    }
                }
            }
        }
    }
}
