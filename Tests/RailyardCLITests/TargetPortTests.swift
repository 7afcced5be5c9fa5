import Foundation
import Testing

/// Issue 13, item 3, performed through a live server: a domain's target port once sent public
/// traffic to any loopback port (the control API, another tenant's app). Now a target port is
/// routed only to the domain's own replicas that listen there themselves.
extension DeployEndToEndTests {
    @Test func aDomainsTargetPortReachesOnlyItsOwnReplicas() async throws {
        let world = try await World.make()
        defer { world.stop() }
        let ownExtra = try SandboxedFreePort.pick()
        try await world.service("web")
        try await world.service("other")
        let twoPorts = """
            import os, threading
            from http.server import BaseHTTPRequestHandler, HTTPServer
            def server(body, port):
                class H(BaseHTTPRequestHandler):
                    def do_GET(self):
                        self.send_response(200); self.end_headers(); self.wfile.write(body)
                    def log_message(self, *args): pass
                return HTTPServer(("0.0.0.0", port), H)
            threading.Thread(target=server(b"second", \(ownExtra)).serve_forever, daemon=True).start()
            server(b"own", int(os.environ["PORT"])).serve_forever()
            """
        let web = try await world.up(try Self.app(["main.py": twoPorts]), service: "web")
        #expect(web.status == 0, "\(web.log)")
        let other = try await world.up(try Self.app(["main.py": Self.pythonServer("other tenant")]), service: "other")
        #expect(other.status == 0, "\(other.log)")
        let otherPort = try #require(Self.addresses(other.deployment).first?.split(separator: ":").last.flatMap { Int($0) })
        let apiPort = try #require(URL(string: world.server.url)?.port)

        // The control API and the other tenant's app, through web's domains: refused.
        #expect(try await world.cli.exec(["domain", "add", "api.example.com", "--service", "web", "--port", String(apiPort)]).status == 0)
        #expect(try await world.cli.exec(["domain", "add", "steal.example.com", "--service", "web", "--port", String(otherPort)]).status == 0)
        // Its own second port: routed once the replica is seen listening there.
        #expect(try await world.cli.exec(["domain", "add", "second.example.com", "--service", "web", "--port", String(ownExtra)]).status == 0)
        try await Self.waitFor("the replica's own second port to be routed", seconds: 20) {
            await Self.viaEdge(world, host: "second.example.com")?.body == "second"
        }
        for _ in 0..<5 {
            let api = await Self.viaEdge(world, host: "api.example.com", path: "/healthz")
            #expect(api?.status == 503 && api?.body.contains("\"ok\"") == false, "the edge reached the control API: \(String(describing: api))")
            let stolen = await Self.viaEdge(world, host: "steal.example.com")
            #expect(stolen?.status == 503 && stolen?.body.contains("other tenant") == false, "the edge reached another tenant's app: \(String(describing: stolen))")
            try await Task.sleep(for: .milliseconds(500))
        }
        let log = try await world.cli.exec(["logs", "--service", "web"])
        #expect(log.stdout.contains("does not listen on the domain's target port \(apiPort)"), "\(log.stdout.suffix(2000))")
    }
}

enum SandboxedFreePort {
    static func pick() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
