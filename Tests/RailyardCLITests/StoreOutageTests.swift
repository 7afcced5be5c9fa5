import Foundation
import RailyardClient
import RailyardCore
import RailyardSandbox
import Testing

/// Issue 14, item 5: a PostgreSQL outage against a live server. The API answers 503
/// `store_unavailable` within seconds (not when the database comes back), `/readyz` says
/// not ready at once, the edge keeps serving the deployed app, the CLI says the server is up
/// and its store is not, and once PostgreSQL is back everything works again with nothing lost.
extension DeployEndToEndTests {
    @Test func aStoreOutageAnswers503FastWhileTheEdgeServes() async throws {
        let postgres = try await PrivatePostgres()
        defer {
            postgres.resume()
            Task { try? await postgres.stop() }
        }
        let world = try await World.make(databaseURL: postgres.url)
        defer { world.stop() }
        try await world.service("web")
        let deployed = try await world.up(try Self.app(["main.py": Self.pythonServer("served")]), service: "web")
        #expect(deployed.status == 0, "\(deployed.log)")
        #expect(try await world.cli.exec(["domain", "--service", "web"]).status == 0)
        #expect(await Self.viaEdge(world, host: "web-apps.localhost")?.body == "served")
        let pair = try await RailyardClient(server: world.server.url, bearer: nil)
            .login(email: "admin@example.com", password: "admin-password")
        let client = RailyardClient(server: world.server.url, bearer: pair.accessToken)
        let projectsBefore = try await client.projects()

        // The harder case first: every PostgreSQL process stopped (SIGSTOP), as behind a dead
        // network. Connections stay open and nothing answers on them.
        try postgres.pause()
        try await Self.expectOutageAnswers(world: world, client: client, what: "a wedged PostgreSQL")
        postgres.resume()
        try await Self.expectRecovery(world: world, client: client, projects: projectsBefore)

        // Then PostgreSQL gone: stopped at once, refusing connections.
        try await postgres.stop()
        try await Self.expectOutageAnswers(world: world, client: client, what: "a stopped PostgreSQL")
        try await postgres.start()
        try await Self.expectRecovery(world: world, client: client, projects: projectsBefore)

        // What was acknowledged is all there: the deployment, and a service made after.
        let deployments = try await world.deployments("web")
        #expect(deployments.first?["status"] as? String == "SUCCESS", "\(deployments)")
        try await world.service("after")
        #expect(await Self.viaEdge(world, host: "web-apps.localhost")?.body == "served")

        // And a server that is gone is told apart from one whose store is.
        world.server.stop()
        let dead = try await world.cli.exec(["service", "list"])
        #expect(dead.status != 0)
        #expect(dead.stderr.contains("cannot reach the Railyard server at \(world.server.url)"), "\(dead.stderr)")
    }

    /// What clients see while the store is away.
    static func expectOutageAnswers(
        world: World, client: RailyardClient, what: String, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        // Several calls at once (reads and a write): each gets 503 store_unavailable within
        // a few seconds (the store's time limit is 5 s), none waits for the store to return.
        let started = ContinuousClock.now
        struct Outcome: Sendable {
            var answer: String
            var status: Int
            var code: String
            var message: String
            var took: Duration
        }
        let outcomes = await withTaskGroup(of: Outcome.self) { group in
            for index in 0..<6 {
                group.addTask {
                    let begun = ContinuousClock.now
                    do {
                        if index == 0 {
                            _ = try await client.createProject(name: "during-outage", workspace: nil)
                        } else {
                            _ = try await client.projects()
                        }
                        return Outcome(answer: "success", status: 200, code: "", message: "", took: ContinuousClock.now - begun)
                    } catch let error as ClientError {
                        return Outcome(
                            answer: "\(error.status) \(error.code): \(error.message)", status: error.status, code: error.code,
                            message: error.message, took: ContinuousClock.now - begun)
                    } catch {
                        return Outcome(answer: "\(error)", status: -1, code: "", message: "\(error)", took: ContinuousClock.now - begun)
                    }
                }
            }
            var all: [Outcome] = []
            for await outcome in group { all.append(outcome) }
            return all
        }
        for outcome in outcomes {
            #expect(outcome.status == 503 && outcome.code == "store_unavailable", "with \(what): \(outcome.answer)",
                    sourceLocation: sourceLocation)
            #expect(outcome.message.contains("store (postgresql) is unavailable"), "\(outcome.answer)", sourceLocation: sourceLocation)
            #expect(outcome.took <= .seconds(10), "with \(what) a call took \(outcome.took)", sourceLocation: sourceLocation)
        }
        #expect(ContinuousClock.now - started <= .seconds(15), sourceLocation: sourceLocation)

        // Readiness has its own short probe: not ready, at once, whatever the pool is doing.
        let probed = ContinuousClock.now
        let ready = await Self.readiness(world)
        #expect(ready.status == 503 && ready.body.contains("store_unavailable"), "\(ready)", sourceLocation: sourceLocation)
        #expect(ContinuousClock.now - probed <= .seconds(4), "readyz took \(ContinuousClock.now - probed)",
                sourceLocation: sourceLocation)

        // The edge routes from memory: the app still answers.
        #expect(await Self.viaEdge(world, host: "web-apps.localhost")?.body == "served", "with \(what) the edge stopped serving",
                sourceLocation: sourceLocation)

        // The CLI tells an unavailable store from a dead server.
        let listed = try await world.cli.exec(["service", "list"], timeLimit: .seconds(60))
        #expect(listed.status != 0, sourceLocation: sourceLocation)
        #expect(listed.stderr.contains("the server is up but its store is unavailable"), "\(listed.stderr)",
                sourceLocation: sourceLocation)
        #expect(!listed.stderr.contains("cannot reach"), "\(listed.stderr)", sourceLocation: sourceLocation)
    }

    /// Once the store is back: ready again, calls answer, nothing lost.
    static func expectRecovery(
        world: World, client: RailyardClient, projects: [Project], sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        try await Self.waitFor("the server to be ready again", seconds: 90) { await Self.readiness(world).status == 200 }
        try await Self.waitFor("API calls to answer again", seconds: 90) { (try? await client.projects()) != nil }
        let now = try await client.projects()
        for project in projects {
            #expect(now.contains { $0.id == project.id }, "project \(project.name) lost", sourceLocation: sourceLocation)
        }
        #expect(try await world.cli.exec(["service", "list"]).status == 0, sourceLocation: sourceLocation)
    }

    static func readiness(_ world: World) async -> (status: Int, body: String) {
        await Self.get(world.server.url.replacingOccurrences(of: "http://", with: ""), "/readyz") ?? (0, "no answer")
    }
}

extension DeployEndToEndTests.PrivatePostgres {
    /// The postmaster and every process it started (backends, background workers).
    func processes() throws -> [Int32] {
        let pidFile = try String(contentsOfFile: folder.path + "/data/postmaster.pid", encoding: .utf8)
        let postmaster = try #require(pidFile.split(separator: "\n").first.flatMap { Int32($0) }, "no postmaster pid")
        return [postmaster] + ProcessTree.descendants(of: postmaster, parents: ProcessTree.parents())
    }

    /// Stops every PostgreSQL process (SIGSTOP): the server keeps its sockets and answers
    /// nothing, as behind a network that drops everything.
    func pause() throws {
        let all = try processes()
        paused.withLock { $0 = all }
        for pid in all { kill(pid, SIGSTOP) }
    }

    /// Lets stopped processes run again (nothing when none is stopped).
    func resume() {
        let all = paused.withLock { pids in
            defer { pids = [] }
            return pids
        }
        for pid in all.reversed() { kill(pid, SIGCONT) }
    }
}
