import Foundation
import Testing

/// `railyard server --replace`: an upgrade that stops no app and fails no request. The new
/// server starts its own replicas beside the running server's, listens beside its edge once
/// they are healthy, then stops it; the old replicas go once their clients have moved.
extension DeployEndToEndTests {
    @Test func replacingTheServerStopsNoAppAndFailsNoRequest() async throws {
        // (Named for the goal; see the known gap below, where the load is checked.)
        let world = try await World.make()
        defer { world.stop() }
        var deployments: [String: String] = [:]
        for (name, replicas) in [("web", 2), ("api", 1)] {
            try await world.service(name)
            #expect(try await world.cli.exec(["domain", "--service", name]).status == 0)
            let config = #"{"deploy": {"numReplicas": \#(replicas)}}"#
            let served = try await world.up(try Self.app(["main.py": Self.pythonServer(name), "railway.json": config]), service: name)
            #expect(served.status == 0, "\(served.log)")
            deployments[name] = try #require(served.deployment["id"] as? String)
        }
        let before = deployments.mapValues { Set(Self.appProcesses(of: $0)) }
        #expect(before["web"]?.count == 2 && before["api"]?.count == 1, "\(before)")

        let loads = [SteadyLoad(), SteadyLoad()]
        let edgeURL = world.server.edgeURL
        let running = [
            // Some clients keep their connections, some open one per request: the old edge
            // is accepting connections, and has others idle, when it stops.
            Task { await loads[0].run(edgeURL: edgeURL, host: "web-apps.localhost", clients: 6, closing: 2) },
            Task { await loads[1].run(edgeURL: edgeURL, host: "api-apps.localhost", clients: 4, closing: 2) },
        ]
        try await Task.sleep(for: .milliseconds(500))

        let replacement = world.server.successor(arguments: ["--replace"])
        defer { replacement.stop() }
        // Returns once its API listens: after the old server has stopped.
        try await replacement.start()
        // Gone by then (the replacement waited for its exit); this process reaps it a moment
        // later, which Foundation's isRunning waits for.
        let reapedBy = ContinuousClock.now + .seconds(10)
        while world.server.process?.isRunning == true && ContinuousClock.now < reapedBy {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(world.server.process?.isRunning == false, "the replaced server still runs")
        try await Task.sleep(for: .milliseconds(500))
        for load in loads { load.stop() }
        for task in running { await task.value }

        for (index, load) in loads.enumerated() {
            // Every request answered 200 by an app: none reset, none closed without an answer.
            #expect(load.failures.isEmpty, "requests failed during the upgrade (\(index)): \(load.failures.count) of \(load.requests): \(load.failures.prefix(5))")
            #expect(load.requests > 20, "\(load.requests) requests")
        }
        for (name, id) in deployments {
            let after = Set(Self.appProcesses(of: id))
            #expect(after.count == before[name]?.count && after.isDisjoint(with: before[name] ?? []),
                    "\(name): one new process per replica, none of the old ones: before \(before[name] ?? []), after \(after)")
            #expect(await Self.viaEdge(replacement.edgeURL, host: "\(name)-apps.localhost")?.body == name)
        }
        #expect(world.server.log.contains("handing over to a replacing server"), "\(world.server.log.suffix(3000))")
        #expect(replacement.log.contains("the replaced server is gone"), "\(replacement.log.suffix(3000))")

        // The replacement runs everything: statuses, and the next deploy.
        let listed = try await world.deployments("web")
        #expect(listed.first?["status"] as? String == "SUCCESS", "\(listed.first ?? [:])")
        let next = try await world.up(try Self.app(["main.py": Self.pythonServer("web-next")]), service: "web")
        #expect(next.status == 0, "\(next.log)")
        #expect(await Self.viaEdge(replacement.edgeURL, host: "web-apps.localhost")?.body == "web-next")
    }

    /// The TCP proxies move to the replacing server too: it listens on their ports beside the
    /// old server (whose they are, on the same data folder) instead of finding them taken,
    /// and serves them once the old one has stopped.
    @Test func aReplacingServerTakesOverTheTCPProxies() async throws {
        let range = Self.tcpProxyRange()
        let world = try await World.make(serverArguments: ["--tcp-proxy-ports", "\(range.lowerBound)-\(range.upperBound)"])
        defer { world.stop() }
        try await world.service("web")
        let up = try await world.up(try Self.app(["main.py": Self.echoApp]), service: "web")
        #expect(up.status == 0, "\(up.log)")
        let proxy = try #require(try await world.cli.execJSON(["domain", "--tcp", "--service", "web", "--target-port", "9555"]) as? [String: Any])
        let port = try #require(proxy["port"] as? Int)
        let echo = """
            import socket, sys
            c = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10); c.sendall(sys.argv[2].encode()); print(c.recv(100).decode())
            """
        let before = try await Self.child(["/usr/bin/python3", "-c", echo, String(port), "before the upgrade"])
        #expect(before.output.contains("before the upgrade"), "\(before)")

        let replacement = world.server.successor(arguments: ["--replace"])
        defer { replacement.stop() }
        try await replacement.start()
        // Gone by then (the replacement waited for its exit); this process reaps it a moment
        // later, which Foundation's isRunning waits for.
        let reapedBy = ContinuousClock.now + .seconds(10)
        while world.server.process?.isRunning == true && ContinuousClock.now < reapedBy {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(world.server.process?.isRunning == false, "the replaced server still runs")
        #expect(!replacement.log.contains("a TCP proxy cannot listen"), "\(replacement.log.suffix(3000))")
        // The old server is gone: what answers on the port is the replacement's proxy, to its replica.
        var after: (status: Int32, output: String) = (1, "")
        for _ in 0..<40 {
            after = try await Self.child(["/usr/bin/python3", "-c", echo, String(port), "after the upgrade"])
            if after.output.contains("after the upgrade") { break }
            try await Task.sleep(for: .milliseconds(250))
        }
        #expect(after.output.contains("after the upgrade"), "\(after) \(replacement.log.suffix(3000))")
    }

    /// A replacement that never comes (it failed to start, or died before it took the data
    /// folder): the old server takes everything back and goes on.
    @Test func aHandoverNobodyTakesIsTakenBack() async throws {
        let world = try await World.make()
        defer { world.stop() }
        try await world.service("web")
        #expect(try await world.cli.exec(["domain", "--service", "web"]).status == 0)
        let served = try await world.up(try Self.app(["main.py": Self.pythonServer("v1")]), service: "web")
        #expect(served.status == 0, "\(served.log)")
        let process = try #require(world.server.process)
        kill(process.processIdentifier, SIGUSR2)
        try await Self.waitFor("the server to hand over") { world.server.log.contains("handing over to a replacing server") }
        // Meanwhile the apps serve, and commands on them wait for the replacement.
        #expect(await Self.viaEdge(world, host: "web-apps.localhost")?.body == "v1")
        let refused = try await world.cli.exec(["restart", "--service", "web"])
        #expect(refused.status != 0 && refused.stderr.contains("being replaced"), "\(refused.stderr)")
        try await Self.waitFor("the server to take everything back", seconds: 90) {
            world.server.log.contains("manages its apps again")
        }
        let next = try await world.up(try Self.app(["main.py": Self.pythonServer("v2")]), service: "web")
        #expect(next.status == 0, "\(next.log)")
        #expect(await Self.viaEdge(world, host: "web-apps.localhost")?.body == "v2")
    }

    @Test func replaceWithNothingRunningIsRefused() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("railyard-replace-\(UUID().uuidString)").path
        let lonely = ServerProcess(dataDirectory: data, arguments: ["--replace"])
        await #expect(throws: (any Error).self) { try await lonely.start() }
        #expect(lonely.log.contains("no server runs on the data folder"), "\(lonely.log)")
    }
}
