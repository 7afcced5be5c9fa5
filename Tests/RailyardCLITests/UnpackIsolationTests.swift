import Foundation
import RailyardSandbox
import Testing

/// Issue 13, item 4, through a live server: an upload of 99,000 one-byte files (which once
/// held the deployment controller for 14 minutes, hanging every other deploy and domain change)
/// is unpacked in its own build slot, off the controller: another service's domain change and
/// deploy go through meanwhile, and the heavy one still finishes.
extension DeployEndToEndTests {
    @Test func aHugeUploadDoesNotHoldUpOtherDeploys() async throws {
        let world = try await World.make()
        defer { world.stop() }
        try await world.service("heavy")
        try await world.service("web")
        let heavy = try Self.app(["main.py": Self.pythonServer("heavy")])
        let script = """
            import os
            for folder in range(99):
                path = os.path.join('\(heavy.path)', 'data', str(folder))
                os.makedirs(path)
                for n in range(1000):
                    with open(os.path.join(path, str(n)), 'w') as f: f.write('x')
            """
        let status = try await onOwnThread { () throws -> Int32 in
            try ProgramOutput.run(["/usr/bin/env", "python3", "-c", script], within: .seconds(300)).status
        }
        #expect(status == 0)

        let detached = try await world.cli.exec(["up", heavy.path, "--service", "heavy", "--detach"])
        #expect(detached.status == 0, "\(detached.stderr)")
        let started = ContinuousClock.now
        #expect(try await world.cli.exec(["domain", "add", "web.example.com", "--service", "web"]).status == 0)
        let web = try await world.up(try Self.app(["main.py": Self.pythonServer("web")]), service: "web")
        #expect(web.status == 0, "\(web.log)")
        // Not a performance figure: the old controller held every deploy for minutes.
        #expect(ContinuousClock.now - started < .seconds(120), "another service waited \(ContinuousClock.now - started)")
        try await Self.waitFor("the heavy upload's deployment to finish", seconds: 240) {
            let status = try await world.deployments("heavy").first?["status"] as? String
            return status == "SUCCESS" || status == "FAILED"
        }
        #expect(try await world.deployments("heavy").first?["status"] as? String == "SUCCESS")
    }
}
