import Foundation
import Testing

/// Issue 20's private networks through a live server, as apps and a hostile tenant would use
/// them: one service reaches another by `NAME.railway.internal` on any port it listens on; none
/// reaches the host (its loopback, its other addresses, its abstract sockets), another
/// environment's app or another workspace's, or sees the host's listening sockets. Each
/// refusal has a control beside it that shows the same attempt succeeding where it should, so
/// a probe that could not connect to anything would fail the test.
extension DeployEndToEndTests {
    static let networkProbe = fixtures.appendingPathComponent("network-probe")
    static let extraPort = 9555

    /// A host-only listener, as a host service (a database on 0.0.0.0, an admin port) would be:
    /// a TCP socket on every address and an abstract unix socket, each greeting with "host".
    final class HostListener {
        let process: Process
        let port: Int
        let abstractName = "railyard-host-\(UUID().uuidString)"

        init() throws {
            let script = """
                import socket, sys, threading
                tcp = socket.socket(); tcp.bind(("0.0.0.0", 0)); tcp.listen(16)
                unix = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); unix.bind("\\0" + sys.argv[1]); unix.listen(16)
                def serve(listener):
                    while True:
                        connection, _ = listener.accept(); connection.sendall(b"host\\n"); connection.close()
                threading.Thread(target=serve, args=(unix,), daemon=True).start()
                print(tcp.getsockname()[1], flush=True)
                serve(tcp)
                """
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", "-c", script, abstractName]
            let output = Pipe()
            process.standardOutput = output
            // Nothing of the test's own: a listener left behind must not hold its output open.
            process.standardInput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            self.process = process
            let line = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
            guard let port = Int(line.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                kill(process.processIdentifier, SIGKILL)
                throw ProcessProblem("the host listener did not start: \(line)")
            }
            self.port = port
        }

        deinit { kill(process.processIdentifier, SIGKILL) }
    }

    /// The app's answer to `path` on its private address, decoded. Asked up to four times (each
    /// waits 5 s): when CI starts hundreds of tests at once, one answer can come late; an app
    /// that cannot be reached still fails the test.
    static func ask(_ address: String, _ path: String) async throws -> Any {
        var reply: (status: Int, body: String)?
        for _ in 0..<4 where reply == nil { reply = await get(address, path) }
        let answer = try #require(reply, "\(address) did not answer \(path), asked four times")
        #expect(answer.status == 200, "\(path): \(answer.body)")
        return try JSONSerialization.jsonObject(with: Data(answer.body.utf8), options: .fragmentsAllowed)
    }

    static func outcome(_ address: String, connectTo host: String, _ port: Int) async throws -> (outcome: String, detail: String) {
        let answer = try #require(try await ask(address, "/connect?host=\(host)&port=\(port)") as? [String: String])
        return (answer["outcome"] ?? "", answer["detail"] ?? "")
    }

    /// Deploys the network probe as `service` (in `environment` of the linked project, or of
    /// `project`) and returns its deployment's first address.
    static func deployProbe(
        _ world: World, service: String, project: String? = nil, environment: String? = nil, replicas: Int = 1
    ) async throws -> [String] {
        let folder = try app([
            "main.py": try String(contentsOf: networkProbe.appendingPathComponent("main.py"), encoding: .utf8),
            "railway.json": "{\"deploy\": {\"numReplicas\": \(replicas)}}",
        ])
        var target = ["--service", service]
        if let project { target += ["--project", project] }
        if let environment { target += ["--environment", environment] }
        let variables = try await world.cli.exec(["variables"] + target + ["--set", "EXTRA_PORT=\(extraPort)"])
        #expect(variables.status == 0, "\(variables.stderr)")
        let result = try await world.cli.exec(["up", folder.path, "--json"] + target)
        #expect(result.status == 0, "\(result.stderr)")
        let deployment = (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]) ?? [:]
        #expect((deployment["warnings"] as? [String]) == [], "\(deployment)")
        let addresses = Self.addresses(deployment)
        #expect(addresses.count == replicas, "\(deployment)")
        return addresses
    }

    static func host(of address: String) -> String { String(address.split(separator: ":").first ?? "") }

    @Test func servicesReachEachOtherByNameAndNothingElse() async throws {
        let world = try await World.make()
        defer { world.stop() }
        try await world.service("a")
        try await world.service("b")
        let a = try #require(try await Self.deployProbe(world, service: "a").first)
        let b = try await Self.deployProbe(world, service: "b", replicas: 2)
        let aHost = Self.host(of: a)
        #expect(aHost.hasPrefix("10."), "instances have private addresses: \(a)")

        // By name, every live replica, on a port the app chose itself: no proxy in between.
        let resolved = try #require(try await Self.ask(a, "/resolve?name=b.railway.internal") as? [String])
        #expect(resolved == b.map(Self.host).sorted(), "b.railway.internal → \(resolved), replicas on \(b)")
        let alias = try await Self.ask(a, "/resolve?name=b.railyard.internal") as? [String]
        #expect(alias == resolved)
        let reached = try await Self.outcome(a, connectTo: "b.railway.internal", Self.extraPort)
        #expect(reached.outcome == "connected" && reached.detail == "hello from b", "\(reached)")
        #expect(try await Self.ask(a, "/env?name=RAILWAY_PRIVATE_DOMAIN") as? String == "a.railway.internal")
        #expect(try await Self.ask(a, "/env?name=RAILYARD_PRIVATE_DOMAIN") as? String == "a.railyard.internal")

        // Not the host: its loopback (the control API), its listeners on every address (by
        // the bridge's address and by the host's own), its abstract sockets.
        let listener = try HostListener()
        let apiPort = Int(world.server.url.split(separator: ":").last ?? "") ?? 0
        let gateway = aHost.split(separator: ".").prefix(3).joined(separator: ".") + ".1"
        let hostAddresses = try await Self.shell(["ip", "-o", "-4", "addr", "show", "scope", "global"]).output
            .split(separator: "\n").filter { !$0.contains(" rly") }
            .compactMap { line -> String? in
                let words = line.split(separator: " ")
                return words.firstIndex(of: "inet").map { String(words[$0 + 1].split(separator: "/")[0]) }
            }
        #expect(!hostAddresses.isEmpty)
        // The controls: the host reaches its own listener by each of these addresses.
        for address in hostAddresses + [gateway, "127.0.0.1"] {
            #expect(try await Self.shell(["python3", "-c", "import socket; socket.create_connection(('\(address)', \(listener.port)), timeout=3)"]).status == 0,
                    "the host cannot reach its own listener on \(address)")
        }
        for (host, port) in [("127.0.0.1", apiPort), ("127.0.0.1", listener.port), (gateway, apiPort), (gateway, listener.port)]
            + hostAddresses.map({ ($0, listener.port) }) {
            let tried = try await Self.outcome(a, connectTo: host, port)
            #expect(tried.outcome != "connected", "the app reached the host's \(host):\(port): \(tried)")
        }
        let abstract = try #require(try await Self.ask(a, "/abstract?name=\(listener.abstractName)") as? [String: String])
        #expect(abstract["outcome"] != "connected", "the app reached a host abstract socket: \(abstract)")
        let listening = try #require(try await Self.ask(a, "/listening") as? [Int])
        #expect(!listening.contains(apiPort) && !listening.contains(listener.port) && !listening.contains(world.server.httpPort),
                "the app sees the host's listening sockets: \(listening)")
        #expect(Set(listening).isSubset(of: [Int(a.split(separator: ":")[1]) ?? 0, Self.extraPort]), "\(listening)")

        // Not another environment's app, not by name either.
        try await world.cli.exec(["environment", "create", "staging"])
        let staging = try #require(try await Self.deployProbe(world, service: "b", environment: "staging").first)
        #expect(!b.contains(staging))
        let fromStaging = try await Self.outcome(staging, connectTo: "b.railway.internal", Self.extraPort)
        #expect(fromStaging.outcome == "connected", "staging's own b: \(fromStaging)")
        let resolvedFromStaging = try await Self.ask(staging, "/resolve?name=b.railway.internal") as? [String]
        #expect(resolvedFromStaging == [Self.host(of: staging)])
        #expect(try await Self.ask(staging, "/resolve?name=a.railway.internal") as? [String] == nil, "a is not in staging")
        let across = try await Self.outcome(a, connectTo: Self.host(of: staging), Self.extraPort)
        #expect(across.outcome != "connected", "production's a reached staging's b: \(across)")
        let back = try await Self.outcome(staging, connectTo: aHost, Self.extraPort)
        #expect(back.outcome != "connected", "staging's b reached production's a: \(back)")

        // Not another workspace's app.
        let api = LiveAPI(url: world.server.url)
        let admin = try await api.login("admin@example.com", "admin-password")
        #expect(try await api.call(.POST, "/api/v1/workspaces", token: admin, json: ["name": "elsewhere"]).status == 201)
        let created = try await world.cli.exec(["init", "--name", "theirs", "--workspace", "elsewhere"])
        #expect(created.status == 0, "\(created.stderr)")
        try await world.service("c")
        let other = try #require(try await Self.deployProbe(world, service: "c", project: "theirs").first)
        let intoOther = try await Self.outcome(a, connectTo: Self.host(of: other), Self.extraPort)
        #expect(intoOther.outcome != "connected", "the app reached another workspace's app: \(intoOther)")
        let outOfOther = try await Self.outcome(other, connectTo: aHost, Self.extraPort)
        #expect(outOfOther.outcome != "connected", "another workspace's app reached this one: \(outOfOther)")
        #expect(try await Self.ask(other, "/resolve?name=a.railway.internal") as? [String] == nil)
    }

    /// This machine's Railyard interfaces, namespaces and tables named after run `run`.
    static func leftovers(of run: String) async throws -> [String] {
        let links = try await shell(["ip", "-o", "link", "show"]).output.split(separator: "\n")
            .compactMap { $0.split(separator: " ").dropFirst().first.map { String($0.split(separator: "@")[0].dropLast($0.hasSuffix(":") ? 1 : 0)) } }
            .filter { $0.hasPrefix("rlyb\(run)") || $0.hasPrefix("rlyv\(run)") }
        let namespaces = ((try? FileManager.default.contentsOfDirectory(atPath: "/run/netns")) ?? []).filter { $0.hasPrefix("rly-\(run)-") }
        let tables = try await shell(["nft", "list", "tables"]).output.split(separator: "\n").map(String.init)
            .filter { $0.hasSuffix("railyard_\(run)") }
        return links + namespaces + tables
    }

    /// The run (`PrivateNetwork`) of the server with process id `pid`.
    static func networkRun(of pid: Int32) -> String? {
        let records = (try? FileManager.default.contentsOfDirectory(atPath: "/run/railyard-networks")) ?? []
        return records.first { record in
            (try? String(contentsOfFile: "/run/railyard-networks/\(record)", encoding: .utf8))?.split(separator: " ").first == "\(pid)"
        }
    }

    @Test func namesFollowARedeployAndAKilledServersNetworksAreSweptAway() async throws {
        let world = try await World.make()
        defer { world.stop() }
        try await world.service("a")
        try await world.service("b")
        let a = try #require(try await Self.deployProbe(world, service: "a").first)
        let first = try #require(try await Self.deployProbe(world, service: "b").first)
        #expect(try await Self.ask(a, "/resolve?name=b.railway.internal") as? [String] == [Self.host(of: first)])
        // Two replicas now: the name follows to both (the old replica's address is free again
        // once it stopped, so compare with what the deployment says, not with the old one).
        let second = try await Self.deployProbe(world, service: "b", replicas: 2)
        var resolved: [String]?
        try await Self.waitFor("b.railway.internal to name the new replicas", seconds: 10) {
            resolved = try await Self.ask(a, "/resolve?name=b.railway.internal") as? [String]
            return resolved == second.map(Self.host).sorted()
        }
        #expect(resolved == second.map(Self.host).sorted(), "\(String(describing: resolved)) for \(second)")
        let reached = try await Self.outcome(a, connectTo: "b.railway.internal", Self.extraPort)
        #expect(reached.outcome == "connected", "\(reached)")

        // kill -9: the run's bridge, veths, namespaces and rules stay behind, until the next
        // server on this machine starts (whatever its data folder) and sweeps them away.
        let pid = try #require(world.server.pid)
        let run = try #require(Self.networkRun(of: pid), "no network record for the server")
        #expect(try await Self.leftovers(of: run).count >= 4, "a bridge, veths, namespaces and a table while it runs")
        world.server.stop(signal: SIGKILL)
        #expect(try await Self.leftovers(of: run).count >= 4, "kill -9 leaves them: the sweep below has work to do")
        let other = try await World.make()
        defer { other.stop() }
        #expect(try await Self.leftovers(of: run) == [], "the next server swept away a dead server's networks")
        #expect(!FileManager.default.fileExists(atPath: "/run/railyard-networks/\(run)"))

        // And the server itself comes back on a network of a new run, names and all.
        try await world.server.start()
        var seen = ""
        try await Self.waitFor("b.railway.internal to name the recovered replicas", seconds: 30) {
            // What the store says now: the replicas are recorded again as they come back.
            let b = (try await world.deployments("b").first.map(Self.addresses)) ?? []
            guard let a = try await world.deployments("a").first.flatMap({ Self.addresses($0).first }), b.count == 2,
                  let resolved = try? await Self.ask(a, "/resolve?name=b.railway.internal") as? [String]
            else { return false }
            seen = "\(resolved) for \(b)"
            return resolved == b.map(Self.host).sorted()
        }
        #expect(seen.isEmpty == false, "the recovered a never answered")
        let aAgain = try #require(try await world.deployments("a").first.flatMap { Self.addresses($0).first })
        #expect(try await Self.outcome(aAgain, connectTo: "b.railway.internal", Self.extraPort).outcome == "connected", "\(seen)")

        // A clean stop removes all of it itself (its commands are not cut short by the stop).
        let restarted = try #require(world.server.pid.flatMap(Self.networkRun(of:)))
        #expect(try await Self.leftovers(of: restarted).count >= 4)
        #expect(world.server.stop() == 0)
        #expect(try await Self.leftovers(of: restarted) == [], "a stopped server left its networks behind")
        #expect(!FileManager.default.fileExists(atPath: "/run/railyard-networks/\(restarted)"))
    }

    @Test func withoutPrivateNetworksEveryDeploymentSaysSo() async throws {
        let world = try await World.make(serverArguments: ["--private-network", "off"])
        defer { world.stop() }
        try await world.service("web")
        let result = try await world.up(try Self.app(["main.py": Self.pythonServer("shared")]), service: "web")
        #expect(result.status == 0, "\(result.log)")
        let warnings = (result.deployment["warnings"] as? [String]) ?? []
        #expect(warnings.contains { $0.hasPrefix("no private network") && $0.contains("--private-network off") }, "\(warnings)")
        #expect(Self.addresses(result.deployment).first?.hasPrefix("127.0.0.1:") == true)
        let refused = try await world.cli.exec(["server", "--private-network", "10.0.0.0/30", "--data", "/nonexistent"])
        #expect(refused.status != 0 && refused.stderr.contains("--private-network must be"), "\(refused.stderr)")
    }

    @Test func anAppListeningOnItsLoopbackOnlyIsToldWhy() async throws {
        let world = try await World.make()
        defer { world.stop() }
        try await world.service("web")
        let local = """
            import os
            from http.server import BaseHTTPRequestHandler, HTTPServer
            class H(BaseHTTPRequestHandler):
                def do_GET(self):
                    self.send_response(200); self.end_headers(); self.wfile.write(b"unreachable")
            HTTPServer(("127.0.0.1", int(os.environ["PORT"])), H).serve_forever()
            """
        let result = try await world.up(
            try Self.app(["main.py": local, "railway.json": #"{"deploy": {"healthcheckTimeout": 5}}"#]), service: "web")
        #expect(result.status != 0)
        let reason = try await world.deployments("web").first?["statusReason"] as? String ?? ""
        #expect(reason.contains("the app listens on 127.0.0.1:") && reason.contains("listen on 0.0.0.0"), "\(reason)")
    }

    @Test func aServiceWithoutOutboundAccessReachesItsEnvironmentOnly() async throws {
        let world = try await World.make()
        defer { world.stop() }
        for name in ["open", "closed", "b"] { try await world.service(name) }
        #expect(try await world.cli.exec(["variables", "--service", "closed", "--set", "RAILYARD_OUTBOUND=off"]).status == 0)
        let open = try #require(try await Self.deployProbe(world, service: "open").first)
        let closed = try #require(try await Self.deployProbe(world, service: "closed").first)
        _ = try await Self.deployProbe(world, service: "b")
        // Somewhere beyond the host: the machine's resolver (TCP port 53), which builds and apps
        // need anyway. The control: a service with outbound access reaches it.
        let resolver = try #require(try String(contentsOfFile: "/etc/resolv.conf", encoding: .utf8).split(separator: "\n")
            .compactMap { line -> String? in
                let words = line.split(separator: " ")
                return words.first == "nameserver" && words.count > 1 && !words[1].hasPrefix("127.") ? String(words[1]) : nil
            }.first, "no resolver off the host's loopback")
        let reachedOut = try await Self.outcome(open, connectTo: resolver, 53)
        #expect(reachedOut.outcome == "connected", "the control: a service with outbound access reaches \(resolver): \(reachedOut)")
        let blocked = try await Self.outcome(closed, connectTo: resolver, 53)
        #expect(blocked.outcome != "connected", "outbound access is off, yet it reached \(resolver): \(blocked)")
        let inside = try await Self.outcome(closed, connectTo: "b.railway.internal", Self.extraPort)
        #expect(inside.outcome == "connected" && inside.detail == "hello from b", "\(inside)")
        // Turned on again, the next deploy has it back.
        #expect(try await world.cli.exec(["variables", "--service", "closed", "--set", "RAILYARD_OUTBOUND=on"]).status == 0)
        let reopened = try #require(try await Self.deployProbe(world, service: "closed").first)
        #expect(try await Self.outcome(reopened, connectTo: resolver, 53).outcome == "connected")
    }
}
