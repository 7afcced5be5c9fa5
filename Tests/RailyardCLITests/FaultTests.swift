import Foundation
import Synchronization
import RailyardSandbox
import Testing

/// Issue 14's faults, injected for real against a live server: a PostgreSQL outage during a
/// build, and the server stopped (SIGTERM) or killed (kill -9) in the middle of one.
extension DeployEndToEndTests {
    /// A PostgreSQL server of the test's own, which it can stop and start again.
    final class PrivatePostgres: @unchecked Sendable {
        let folder: URL
        let port: Int
        let binaries: String
        /// Processes stopped by `pause()`, to be continued by `resume()`.
        let paused = Mutex<[Int32]>([])

        init() async throws {
            let versions = try FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql").sorted()
            binaries = "/usr/lib/postgresql/\(try #require(versions.last, "PostgreSQL is not installed"))/bin"
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("railyard-pg-\(UUID().uuidString)")
            port = try SandboxedFreePort.pick()
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            if geteuid() == 0 {
                guard let postgres = getpwnam("postgres") else { throw ProcessProblem("there is no postgres user") }
                chown(folder.path, postgres.pointee.pw_uid, postgres.pointee.pw_gid)
            }
            let initialised = try await asPostgres(["\(binaries)/initdb", "-D", folder.path + "/data", "-U", "postgres", "-A", "trust"])
            #expect(initialised.status == 0, "\(initialised.output)")
            try await start()
        }

        var url: String { "postgres://postgres@127.0.0.1:\(port)/postgres" }

        /// Runs a command as the postgres user (StreamingProcess: Foundation's Process lost
        /// exit notifications here and left the test waiting on a reaped child).
        func asPostgres(_ command: [String]) async throws -> (status: Int32, output: String) {
            let arguments = geteuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--"] + command : command
            let lines = CollectedLines()
            let outcome = try await StreamingProcess.run(
                arguments, environment: ["PATH": StreamingProcess.defaultPath], timeLimit: .seconds(120), onLine: lines.add)
            return (outcome.status, lines.all.joined(separator: "\n"))
        }

        func start() async throws {
            // Its output goes to a file: the server it leaves running would otherwise hold the
            // pipe open, and reading it would never end.
            let started = try await asPostgres([
                "\(binaries)/pg_ctl", "-D", folder.path + "/data", "-l", folder.path + "/log", "-w",
                "-o", "-p \(port) -k \(folder.path) -c listen_addresses=127.0.0.1 -c fsync=off", "start",
            ])
            #expect(started.status == 0, "\(started.output)")
        }

        func stop() async throws {
            let stopped = try await asPostgres(["\(binaries)/pg_ctl", "-D", folder.path + "/data", "-m", "immediate", "-w", "stop"])
            #expect(stopped.status == 0, "\(stopped.output)")
        }
    }

    static func status(_ world: World, _ service: String) async -> String? {
        (try? await world.deployments(service))?.first?["status"] as? String
    }

    /// A build that takes `seconds` (its build command sleeps that long: a number unique
    /// enough to find its process by).
    static func slowBuild(seconds: Int) throws -> URL {
        try Self.app([
            "main.py": Self.pythonServer("built"),
            "railway.json": #"{"build": {"buildCommand": "sleep \#(seconds)"}}"#,
        ])
    }

    @Test func aStoreOutageDuringABuildLeavesNothingStuck() async throws {
        let postgres = try await PrivatePostgres()
        defer { Task { try? await postgres.stop() } }
        let world = try await World.make(databaseURL: postgres.url)
        defer { world.stop() }
        try await world.service("web")
        let detached = try await world.cli.exec(["up", try Self.slowBuild(seconds: 6).path, "--service", "web", "--detach"])
        #expect(detached.status == 0, "\(detached.stderr)")
        try await Self.waitFor("the build to start") { await Self.status(world, "web") == "BUILDING" }
        try await postgres.stop()
        // The build ends while the store is away: what it writes then cannot land yet.
        try await Task.sleep(for: .seconds(12))
        try await postgres.start()
        try await Self.waitFor("the deployment to reach an end once the store answers", seconds: 60) {
            let status = await Self.status(world, "web")
            return status == "SUCCESS" || status == "FAILED"
        }
        let final = await Self.status(world, "web")
        #expect(final == "SUCCESS" || final == "FAILED", "left \(final ?? "unknown")")
        // And the server goes on deploying.
        let again = try await world.up(try Self.app(["main.py": Self.pythonServer("after")]), service: "web")
        #expect(again.status == 0, "\(again.log)")
    }

    @Test func aServerStoppedDuringABuildSaysSoAndLeavesNothingBehind() async throws {
        let world = try await World.make()
        defer { world.stop() }
        try await world.service("web")
        let marker = "6\(Int.random(in: 100_000...999_999))"
        let detached = try await world.cli.exec(["up", try Self.slowBuild(seconds: Int(marker) ?? 600).path, "--service", "web", "--detach"])
        #expect(detached.status == 0, "\(detached.stderr)")
        try await Self.waitFor("the build to start") { await Self.status(world, "web") == "BUILDING" }
        try await Self.waitFor("its sleep to run") { !ContainmentProbe.processes(marked: marker).isEmpty }

        // SIGTERM: the deployment says the server stopped, not that it was superseded.
        world.server.stop(signal: SIGTERM)
        #expect(ContainmentProbe.processes(marked: marker).isEmpty, "the build outlived the server")
        try await world.server.start()
        let afterStop = try #require(try await world.deployments("web").first)
        #expect(afterStop["status"] as? String == "FAILED", "\(afterStop)")
        #expect((afterStop["statusReason"] as? String)?.contains("the server stopped during the build") == true, "\(afterStop)")

        // kill -9 in the middle of the next build: after the restart its sandbox is gone, and
        // so is its folder.
        #expect(try await world.cli.exec(["redeploy", "--service", "web", "--detach"]).status == 0)
        try await Self.waitFor("the second build to start") { (await Self.status(world, "web")) == "BUILDING" }
        try await Self.waitFor("its sleep to run") { !ContainmentProbe.processes(marked: marker).isEmpty }
        let building = ContainmentProbe.processes(marked: marker)
        world.server.stop(signal: SIGKILL)
        try await world.server.start()
        try await Self.waitFor("the killed server's build to be gone", seconds: 30) {
            !ContainmentProbe.processes(marked: marker).contains { building.contains($0) }
        }
        try await Self.waitFor("the interrupted build's folder to be removed", seconds: 30) {
            ((try? FileManager.default.contentsOfDirectory(atPath: world.data + "/builds")) ?? []).isEmpty
        }
        let afterKill = try #require(try await world.deployments("web").first)
        #expect(afterKill["status"] as? String == "FAILED" && (afterKill["statusReason"] as? String)?.contains("the server stopped during the build") == true,
                "\(afterKill)")
    }
}

extension DeployEndToEndTests {
    /// Item 3: after kill -9 every app comes back, each once (its leftover killed, not kept
    /// beside it). How fast is measured by benchmarks/recovery.sh, not here.
    @Test func everyAppComesBackOnceAfterKillNine() async throws {
        let world = try await World.make()
        defer { world.stop() }
        var deployments: [String: String] = [:]
        for index in 1...6 {
            let name = "app\(index)"
            try await world.service(name)
            #expect(try await world.cli.exec(["domain", "--service", name]).status == 0)
            let served = try await world.up(try Self.app(["main.py": Self.pythonServer(name)]), service: name)
            #expect(served.status == 0, "\(served.log)")
            deployments[name] = try #require(served.deployment["id"] as? String)
        }
        let before = deployments.mapValues { Self.appProcesses(of: $0) }
        #expect(before.values.allSatisfy { $0.count == 1 }, "\(before)")
        // Acknowledged just before the kill: still there after it.
        let set = try await world.cli.exec(["variables", "--service", "app1", "--set", "ACKNOWLEDGED=yes"])
        #expect(set.status == 0, "\(set.stderr)")

        world.server.stop(signal: SIGKILL)
        try await world.server.start()
        for name in deployments.keys.sorted() {
            try await Self.waitFor("\(name) to answer through the edge again") {
                await Self.viaEdge(world, host: "\(name)-apps.localhost")?.body == name
            }
        }
        for (name, id) in deployments {
            let after = Self.appProcesses(of: id)
            #expect(after.count == 1 && after != before[name], "\(name): before \(before[name] ?? []), after \(after)")
        }
        #expect(world.server.log.contains("killed what an earlier run left running"), "\(world.server.log.suffix(2000))")
        let variables = try await world.cli.execJSON(["variables", "--service", "app1"]) as? [String: String]
        #expect(variables?["ACKNOWLEDGED"] == "yes", "\(variables ?? [:])")
        for name in deployments.keys {
            #expect(await Self.status(world, name) == "SUCCESS", "\(name)")
        }
    }
}

/// Output lines collected from any thread.
final class CollectedLines: Sendable {
    private let storage = Mutex<[String]>([])
    func add(_ channel: OutputChannel, _ line: String) { storage.withLock { $0.append(line) } }
    var all: [String] { storage.withLock { $0 } }
}
