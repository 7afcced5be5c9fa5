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
        // Each replica holds one fixed port besides its own: a second copy cannot start while
        // the first runs, so the restart's new replica exits at once.
        let fixed = try SandboxedFreePort.pick()
        let holder = "import socket\nheld = socket.socket()\nheld.bind((\"127.0.0.1\", \(fixed)))\nheld.listen()"
        let served = try await world.up(try Self.app(["main.py": Self.pythonServer("kept", extra: holder)]), service: "lock")
        #expect(served.status == 0, "\(served.log)")
        let id = try #require(served.deployment["id"] as? String)
        let before = Self.appProcesses(of: id)
        #expect(before.count == 1)
        let restarted = try await world.cli.exec(["restart", "--service", "lock"])
        #expect(restarted.status != 0, "the restart said it worked: \(restarted.stdout)")
        #expect(restarted.stderr.contains("the running replicas are kept"), "\(restarted.stderr)")
        #expect(Self.appProcesses(of: id) == before, "the running replica was stopped or duplicated")
        let address = try #require(Self.addresses(served.deployment).first)
        #expect(await Self.get(address)?.body == "kept")
        #expect(await Self.status(world, "lock") == "SUCCESS")
    }
}
