import Foundation
import Testing

/// Issue 14, item 4: servers sharing one store. A second server is refused and touches nothing;
/// a standby takes over a killed leader without killing or duplicating the leader's apps; the
/// leader, back, runs its own apps once each. Every server here is a real `railyard server`
/// process on one real PostgreSQL database.
extension DeployEndToEndTests {
    /// App processes (python3 main.py) of `deployment`, found by the id in their environment.
    static func appProcesses(of deployment: String) -> [Int32] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { entry -> Int32? in
            guard let pid = Int32(entry), let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { return nil }
            let arguments = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            guard arguments.first?.hasSuffix("python3") == true, arguments.contains("main.py"),
                  ContainmentProbe.environment(of: pid).contains("RAILWAY_DEPLOYMENT_ID=\(deployment)")
            else { return nil }
            return pid
        }
    }

    static func nodeID(of data: String) throws -> String {
        try String(contentsOfFile: data + "/node-id", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A server on a fresh PostgreSQL database with a short lease, serving `body` as service
    /// web: its world, database, deployment and the one app process.
    static func leaderServing(_ body: String, lease: [String]) async throws
        -> (world: World, database: String, deployment: [String: Any], id: String, processes: [Int32])
    {
        let database = try TestPostgres.freshDatabaseURL()
        let world = try await World.make(serverArguments: lease, databaseURL: database)
        try await world.service("web")
        let served = try await world.up(try Self.app(["main.py": Self.pythonServer(body)]), service: "web")
        #expect(served.status == 0, "\(served.log)")
        let id = try #require(served.deployment["id"] as? String)
        let processes = Self.appProcesses(of: id)
        #expect(processes.count == 1, "one process for the one replica: \(processes)")
        return (world, database, served.deployment, id, processes)
    }

    @Test func aSecondServerOnTheSameStoreIsRefusedAndTouchesNothing() async throws {
        let lease = ["--lease-seconds", "4"]
        let (world, database, deployment, id, before) = try await Self.leaderServing("first", lease: lease)
        defer { world.stop() }

        // Another data folder, the same database: refused, naming the first server's node.
        let other = FileManager.default.temporaryDirectory.appendingPathComponent("railyard-second-\(UUID().uuidString)").path
        let second = ServerProcess(dataDirectory: other, databaseURL: database, arguments: lease)
        await #expect(throws: (any Error).self) { try await second.start() }
        #expect(second.log.contains("another Railyard server already runs on this store"), "\(second.log)")
        #expect(second.log.contains(try Self.nodeID(of: world.data)), "the refusal names the holder: \(second.log)")
        #expect(second.log.contains("--standby"), "and says how to run a standby: \(second.log)")

        // The same data folder: refused by its lock, before the store is even opened.
        let twin = ServerProcess(dataDirectory: world.data, databaseURL: database, arguments: lease)
        await #expect(throws: (any Error).self) { try await twin.start() }
        #expect(twin.log.contains("uses the data folder"), "\(twin.log)")

        // Past a few lease periods: the first server's app is the same process, still serving.
        try await Task.sleep(for: .seconds(9))
        #expect(Self.appProcesses(of: id) == before, "the app was restarted or duplicated")
        let address = try #require(Self.addresses(deployment).first)
        #expect(await Self.get(address)?.body == "first")
        #expect(await Self.status(world, "web") == "SUCCESS")
        #expect(!world.server.log.contains("lost the store's lease"), "\(world.server.log)")
    }

    @Test func aStandbyTakesOverAKilledLeaderWithoutKillingOrDuplicatingItsApps() async throws {
        let lease = ["--lease-seconds", "4"]
        let (world, database, _, id, leaderApp) = try await Self.leaderServing("leader", lease: lease)
        defer { world.stop() }

        let standbyData = FileManager.default.temporaryDirectory.appendingPathComponent("railyard-standby-\(UUID().uuidString)").path
        let standby = ServerProcess(dataDirectory: standbyData, databaseURL: database, arguments: lease + ["--standby"])
        defer { standby.stop() }
        let standbyStarted = Task { try await standby.start() }
        try await Self.waitFor("the standby to wait for the lease") { standby.log.contains("standby: another server holds the store") }
        // It waits while the leader lives (several lease periods).
        try await Task.sleep(for: .seconds(8))
        #expect(standby.port == 0, "the standby started serving while the leader held the store")

        world.server.stop(signal: SIGKILL)
        try await standbyStarted.value
        #expect(standby.log.contains("took over the store from another node"), "\(standby.log)")
        // A few reconciles later, the leader's app is untouched (its processes and artifact are
        // the leader's) and not started a second time here.
        try await Self.waitFor("the standby to leave the leader's deployment alone") {
            standby.log.contains("a deployment of another node is left to it")
        }
        try await Task.sleep(for: .seconds(3))
        #expect(Self.appProcesses(of: id) == leaderApp, "the standby killed or duplicated the leader's app")
        var standbyCLI = try CLI.make()
        standbyCLI.environment["RAILYARD_SERVER"] = standby.url
        try await standbyCLI.exec(["login", "--email", "admin@example.com", "--password", "admin-password"])
        #expect(try await standbyCLI.exec(["link", "--project", "apps"]).status == 0)
        let listed = try #require(try await standbyCLI.execJSON(["deployment", "list", "--service", "web"]) as? [[String: Any]])
        #expect(listed.first?["status"] as? String == "SUCCESS", "\(listed)")

        // The standby acts on the store: it builds and runs a deployment of its own.
        #expect(try await standbyCLI.exec(["service", "create", "other"]).status == 0)
        let otherUp = try await standbyCLI.exec(["up", try Self.app(["main.py": Self.pythonServer("standby")]).path, "--service", "other", "--json"])
        #expect(otherUp.status == 0, "\(otherUp.stderr)")
        let otherDeployment = (try? JSONSerialization.jsonObject(with: Data(otherUp.stdout.utf8)) as? [String: Any]) ?? [:]
        let otherID = try #require(otherDeployment["id"] as? String)
        #expect(Self.appProcesses(of: otherID).count == 1)

        // The standby stops cleanly and lets the lease go; the leader starts again at once,
        // replaces its own leftover app (one process, not two) and leaves the standby's alone.
        standby.stop()
        #expect(Self.appProcesses(of: otherID).isEmpty, "a clean stop stops the standby's apps")
        try await world.server.start()
        try await Self.waitFor("the leader's app to answer again") {
            guard let current = try await world.deployments("web").first(where: { $0["id"] as? String == id }),
                  let address = Self.addresses(current).first
            else { return false }
            return await Self.get(address)?.body == "leader"
        }
        let after = Self.appProcesses(of: id)
        #expect(after.count == 1 && after != leaderApp, "the leftover was replaced, once: before \(leaderApp), after \(after)")
        try await Task.sleep(for: .seconds(3))
        #expect(Self.appProcesses(of: otherID).isEmpty, "the leader started the standby's deployment")
        #expect(world.server.log.contains("a deployment of another node is left to it"), "\(world.server.log)")
    }
}
