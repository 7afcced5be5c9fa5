import Foundation
import Testing

/// Issue 18: a service's own start command, replicas and health check (`railyard service
/// update`, the dashboard's settings) start an app its source says nothing about, from the next
/// deployment, and the source's railway.json overrides each one it sets.
extension DeployEndToEndTests {
    @Test func aServicesOwnSettingsStartAndScaleAnAppItsSourceSaysNothingAbout() async throws {
        let world = try await World.make()
        defer { world.stop() }
        try await world.service("web")
        // No Procfile, no config file, nothing a provider detects: no start command anywhere.
        let files = ["serve.py": Self.pythonServer("from settings")]
        let unstarted = try await world.up(try Self.app(files), service: "web")
        #expect(unstarted.status != 0, "a source with no start command deployed")

        let bad = try await world.cli.exec(["service", "update", "--service", "web", "--replicas", "65"])
        #expect(bad.status != 0 && bad.stderr.contains("--replicas"), "\(bad.stderr)")
        let updated = try await world.cli.exec([
            "service", "update", "--service", "web", "--start-command", "python3 serve.py", "--replicas", "2", "--healthcheck-path", "/",
        ])
        #expect(updated.status == 0, "\(updated.stderr)")
        #expect(updated.stdout.contains("start command python3 serve.py, replicas 2, health check /"), "\(updated.stdout)")

        let served = try await world.up(try Self.app(files), service: "web")
        #expect(served.status == 0, "\(served.log)")
        let addresses = Self.addresses(served.deployment)
        #expect(addresses.count == 2, "\(served.deployment)")
        for address in addresses { #expect(await Self.get(address)?.body == "from settings", "\(address)") }
        let id = try #require(served.deployment["id"] as? String)
        let log = try await world.cli.exec(["logs", "--deployment", id, "--build"])
        #expect(log.stdout.contains("start command from the service's settings"), "\(log.stdout)")
        #expect(log.stdout.contains("from the service's settings: healthcheckPath, numReplicas"), "\(log.stdout)")

        // The source's config file wins where it says something: one replica, not two.
        var configured = files
        configured["railway.json"] = #"{"deploy": {"numReplicas": 1}}"#
        let overridden = try await world.up(try Self.app(configured), service: "web")
        #expect(overridden.status == 0, "\(overridden.log)")
        #expect(Self.addresses(overridden.deployment).count == 1, "\(overridden.deployment)")
        let overriddenID = try #require(overridden.deployment["id"] as? String)
        let overriddenLog = try await world.cli.exec(["logs", "--deployment", overriddenID, "--build"])
        #expect(overriddenLog.stdout.contains("railway.json overrides the service's numReplicas"), "\(overriddenLog.stdout)")

        // `none` removes a setting: without its start command the source cannot start again.
        let removed = try await world.cli.execJSON(["service", "update", "--service", "web", "--start-command", "none", "--replicas", "none"])
        let deploy = try #require((removed as? [String: Any])?["deploy"] as? [String: Any])
        #expect(deploy["startCommand"] == nil && deploy["numReplicas"] == nil && deploy["healthcheckPath"] as? String == "/", "\(deploy)")
        #expect(try await world.up(try Self.app(files), service: "web").status != 0)
    }
}
