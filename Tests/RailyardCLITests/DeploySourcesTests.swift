import Foundation
import RailyardSandbox
import Synchronization
import Testing

/// Git sources through the CLI: `service create --repo`, `railyard deploy` of the branch's
/// latest commit with its sha and message recorded, `redeploy` of the same commit, and the
/// ways a repository setting can be wrong.
extension DeployEndToEndTests {
    /// Runs git in `folder` and returns its standard output.
    @discardableResult
    static func git(_ arguments: [String], in folder: URL) async throws -> String {
        let output = Mutex<[String]>([])
        let outcome = try await StreamingProcess.run(
            ["git", "-C", folder.path, "-c", "user.name=Railyard Tests", "-c", "user.email=tests@example.com"] + arguments,
            environment: ["PATH": StreamingProcess.defaultPath, "HOME": folder.path, "GIT_CONFIG_NOSYSTEM": "1"],
            timeLimit: .seconds(60)
        ) { channel, line in if channel == .stdout { output.withLock { $0.append(line) } } }
        let text = output.withLock { $0.joined(separator: "\n") }
        guard outcome.status == 0 else { throw ProcessProblem("git \(arguments.joined(separator: " ")) failed: \(text)") }
        return text
    }

    /// Writes `files` into `repository` and commits them with `message`; returns the sha.
    static func commit(_ files: [String: String], to repository: URL, message: String) async throws -> String {
        for (path, text) in files {
            let file = repository.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: file)
        }
        try await git(["add", "-A"], in: repository)
        try await git(["commit", "--quiet", "-m", message], in: repository)
        return try await git(["rev-parse", "HEAD"], in: repository).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `railyard deploy --json`, which exits non-zero when the deployment fails.
    static func deploy(_ world: World, _ service: String) async throws -> [String: Any] {
        let result = try await world.cli.exec(["deploy", "--service", service, "--json"])
        return (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]) ?? ["stderr": result.stderr]
    }

    static func web(_ body: String) -> [String: String] {
        ["apps/web/main.py": pythonServer(body), "apps/web/Procfile": "web: python3 main.py\n", "README.md": "monorepo\n"]
    }

    @Test func gitSourcesDeployTheBranchHeadAndRecordTheCommit() async throws {
        let world = try await World.make()
        defer { world.stop() }
        let repository = FileManager.default.temporaryDirectory.appendingPathComponent("railyard-repo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: repository, withIntermediateDirectories: true)
        try await Self.git(["init", "--quiet", "--initial-branch=main"], in: repository)
        let first = try await Self.commit(Self.web("git-v1"), to: repository, message: "first version")

        let created = try await world.cli.exec([
            "service", "create", "web", "--repo", "file://\(repository.path)", "--branch", "main", "--root-dir", "apps/web",
        ])
        #expect(created.status == 0, "\(created.stderr)")
        let deployed = try await world.cli.exec(["deploy", "--service", "web", "--json"])
        #expect(deployed.status == 0, "\(deployed.stderr)")
        let v1 = (try? JSONSerialization.jsonObject(with: Data(deployed.stdout.utf8)) as? [String: Any]) ?? [:]
        #expect(v1["status"] as? String == "SUCCESS", "\(v1)")
        #expect(v1["source"] as? String == "git")
        #expect(v1["commitSha"] as? String == first, "\(v1)")
        #expect(v1["commitMessage"] as? String == "first version")
        for address in Self.addresses(v1) { #expect(await Self.get(address)?.body == "git-v1") }
        let build = try await world.cli.exec(["logs", "--service", "web", "--build"])
        #expect(build.stdout.contains("git clone file://\(repository.path) (branch main)"), "\(build.stdout)")
        #expect(build.stdout.contains("commit \(first.prefix(12)): first version"), "\(build.stdout)")

        // A new commit: `deploy` takes the branch's latest.
        let second = try await Self.commit(Self.web("git-v2"), to: repository, message: "second version")
        let v2 = try await world.cli.execJSON(["deploy", "--service", "web"]) as? [String: Any] ?? [:]
        #expect(v2["status"] as? String == "SUCCESS", "\(v2)")
        #expect(v2["commitSha"] as? String == second)
        for address in Self.addresses(v2) { #expect(await Self.get(address)?.body == "git-v2") }

        // `redeploy` builds the same commit again, even with a newer one on the branch.
        _ = try await Self.commit(Self.web("git-v3"), to: repository, message: "third version")
        let again = try await world.cli.execJSON(["redeploy", "--service", "web"]) as? [String: Any] ?? [:]
        #expect(again["status"] as? String == "SUCCESS", "\(again)")
        #expect(again["source"] as? String == "redeploy")
        #expect(again["commitSha"] as? String == second, "redeploy rebuilds the deployed commit")
        for address in Self.addresses(again) { #expect(await Self.get(address)?.body == "git-v2") }

        // A branch that does not exist fails the deploy and names it; v2 keeps serving.
        #expect(try await world.cli.exec(["service", "update", "--service", "web", "--branch", "no-such-branch"]).status == 0)
        let missing = try await world.cli.exec(["deploy", "--service", "web", "--json"])
        #expect(missing.status != 0)
        let failed = (try? JSONSerialization.jsonObject(with: Data(missing.stdout.utf8)) as? [String: Any]) ?? [:]
        #expect(failed["status"] as? String == "FAILED")
        #expect((failed["statusReason"] as? String)?.contains("cannot clone file://\(repository.path) (branch no-such-branch)") == true,
                "\(failed)")
        for address in Self.addresses(again) { #expect(await Self.get(address)?.body == "git-v2") }

        // A root directory that is a symbolic link out of the clone is refused.
        try FileManager.default.createSymbolicLink(
            atPath: repository.appendingPathComponent("escape").path, withDestinationPath: "/etc")
        _ = try await Self.commit([:], to: repository, message: "link out")
        #expect(try await world.cli.exec([
            "service", "update", "--service", "web", "--branch", "main", "--root-dir", "escape",
        ]).status == 0)
        let escaped = try await Self.deploy(world, "web")
        #expect(escaped["status"] as? String == "FAILED")
        #expect((escaped["statusReason"] as? String)?.contains("the root directory 'escape' is not a folder in") == true, "\(escaped)")
    }

    /// With `--artifacts-kept 2`, old artifacts and source archives go; the newest stay, so
    /// redeploys and recent rollbacks still work, and older rollbacks are refused plainly.
    @Test func oldArtifactsAndSourcesArePruned() async throws {
        let world = try await World.make(serverArguments: ["--artifacts-kept", "2"])
        defer { world.stop() }
        try await world.service("web")
        var ids: [String] = []
        for version in 1...4 {
            let result = try await world.up(try Self.app(["main.py": Self.pythonServer("v\(version)")]), service: "web")
            #expect(result.status == 0, "\(result.log)")
            ids.append(result.deployment["id"] as? String ?? "")
        }
        // Pruning follows the switch-over (after the old deployment is retired), so it may
        // finish just after `up` returns.
        let serviceID = try #require(try await world.deployments("web").first?["serviceId"] as? String)
        let sourcesFolder = world.data + "/sources", artifactsFolder = world.data + "/artifacts/" + serviceID
        try await Self.waitFor("pruning to keep the newest two") {
            let sources = try FileManager.default.contentsOfDirectory(atPath: sourcesFolder).sorted()
            let artifacts = try FileManager.default.contentsOfDirectory(atPath: artifactsFolder).sorted()
            return sources == ids.suffix(2).map { "\($0).tar.gz" } && artifacts == Array(ids.suffix(2))
        }
        let redeployed = try await world.cli.execJSON(["redeploy", "--service", "web"]) as? [String: Any] ?? [:]
        #expect(redeployed["status"] as? String == "SUCCESS", "\(redeployed)")
        for address in Self.addresses(redeployed) { #expect(await Self.get(address)?.body == "v4") }
        let tooOld = try await world.cli.exec(["rollback", ids[0], "--service", "web"])
        #expect(tooOld.status != 0)
        #expect(tooOld.stderr.contains("no longer kept"), "\(tooOld.stderr)")
    }

    /// `file://` repositories are read as the sandbox user would read them on the host.
    @Test func aLocalRepositoryOthersCannotReadIsRefused() async throws {
        let world = try await World.make()
        defer { world.stop() }
        let closed = FileManager.default.temporaryDirectory.appendingPathComponent("railyard-closed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: closed, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let repository = closed.appendingPathComponent("repo")
        try FileManager.default.createDirectory(at: repository, withIntermediateDirectories: true)
        try await Self.git(["init", "--quiet", "--initial-branch=main"], in: repository)
        _ = try await Self.commit(Self.web("private"), to: repository, message: "private")
        #expect(try await world.cli.exec(["service", "create", "private", "--repo", "file://\(repository.path)", "--root-dir", "apps/web"]).status == 0)
        let refused = try await Self.deploy(world, "private")
        #expect(refused["status"] as? String == "FAILED")
        #expect((refused["statusReason"] as? String)?.contains("cannot be read by other users (\(closed.path) is closed to them)") == true,
                "\(refused)")
        // Railyard's own data folder is never a source.
        #expect(try await world.cli.exec(["service", "update", "--service", "private", "--repo", "file://\(world.data)"]).status == 0)
        let data = try await Self.deploy(world, "private")
        #expect((data["statusReason"] as? String)?.contains("inside Railyard's data folder") == true, "\(data)")
    }

    @Test func repositorySettingsAreCheckedAtEveryBoundary() async throws {
        let world = try await World.make()
        defer { world.stop() }
        try await world.service("plain")
        // No repository and nothing uploaded: nothing to deploy, said plainly.
        let nothing = try await world.cli.exec(["deploy", "--service", "plain"])
        #expect(nothing.status != 0)
        #expect(nothing.stderr.contains("has no git repository"), "\(nothing.stderr)")
        let redeploy = try await world.cli.exec(["redeploy", "--service", "plain"])
        #expect(redeploy.status != 0)
        #expect(redeploy.stderr.contains("no source to deploy yet"), "\(redeploy.stderr)")
        for bad in [
            ["--repo=-oProxyCommand=touch /tmp/pwned"], ["--repo", "ext::sh -c touch% /tmp/pwned"],
            ["--repo", "https://example.com/a.git", "--branch=--upload-pack=evil"],
            ["--repo", "https://example.com/a.git", "--root-dir", "../../etc"],
            ["--repo", "https://example.com/a.git", "--root-dir", "/etc"],
        ] {
            let result = try await world.cli.exec(["service", "create", "bad"] + bad)
            #expect(result.status != 0, "\(bad) was accepted")
            #expect(result.stderr.split(separator: "\n").count <= 2, "\(result.stderr)")
        }
        let limits = try await world.cli.exec(["service", "update", "--service", "plain", "--memory", "64M", "--cpu", "0.5", "--json"])
        #expect(limits.status == 0, "\(limits.stderr)")
        let service = (try? JSONSerialization.jsonObject(with: Data(limits.stdout.utf8)) as? [String: Any]) ?? [:]
        #expect(service["memoryLimit"] as? Int == 64 << 20)
        #expect(service["cpuLimitMillis"] as? Int == 500)
        for bad in [["--memory", "1K"], ["--memory", "lots"], ["--cpu", "-1"], ["--cpu", "5000"], ["--cpu", "1m"]] {
            let result = try await world.cli.exec(["service", "update", "--service", "plain"] + bad)
            #expect(result.status != 0, "\(bad) was accepted")
        }
        let cleared = try await world.cli.execJSON(["service", "update", "--service", "plain", "--memory", "none", "--cpu", "none"])
        #expect((cleared as? [String: Any])?["memoryLimit"] == nil)
        #expect((cleared as? [String: Any])?["cpuLimitMillis"] == nil)
    }
}

/// The isolation fixture app, deployed like any other: everything it tries against the
/// platform, another service and its sibling replica is denied, it is not root, and a memory
/// hog is held to the service's limit.
extension DeployEndToEndTests {
    @Test func aHostileAppIsContainedAndHeldToItsLimits() async throws {
        let world = try await World.make()
        defer { world.stop() }
        try await world.service("neighbor")
        let neighbor = try await world.up(Self.fixtures.appendingPathComponent("python-stdlib"), service: "neighbor")
        #expect(neighbor.deployment["status"] as? String == "SUCCESS", "\(neighbor.log)")
        let neighborService = try #require(neighbor.deployment["serviceId"] as? String)
        let neighborDeployment = try #require(neighbor.deployment["id"] as? String)
        let otherArtifact = "\(world.data)/artifacts/\(neighborService)/\(neighborDeployment)"
        #expect(FileManager.default.fileExists(atPath: otherArtifact + "/main.py"), "the neighbour's artifact is where the probe looks")

        try await world.service("probe")
        let secret = "s3cret-\(UUID().uuidString)"
        #expect(try await world.cli.exec([
            "variables", "--service", "probe", "--set", "PROBE_DATA=\(world.data)", "--set", "PROBE_OTHER_ARTIFACT=\(otherArtifact)",
            "--set", "PROBE_SECRET=\(secret)",
        ]).status == 0)
        #expect(try await world.cli.exec(["service", "update", "--service", "probe", "--memory", "64M", "--cpu", "0.5"]).status == 0)
        let probe = try await world.up(Self.fixtures.appendingPathComponent("isolation-probe"), service: "probe")
        #expect(probe.status == 0, "\(probe.log)")
        #expect((probe.deployment["warnings"] as? [String]) == [], "limits and sandbox apply: \(probe.deployment)")
        let addresses = Self.addresses(probe.deployment)
        #expect(addresses.count == 2)

        for address in addresses {
            let reply = try #require(await Self.get(address, "/probe"), "the probe answers at \(address)")
            let report = try #require(try JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as? [String: Any])
            // Its service's own user: not root, not nobody (which other services' processes were).
            #expect((1_200_000_000...1_299_999_999).contains(report["uid"] as? Int ?? 0), "runs as its service's own user: \(report["uid"] ?? "none")")
            #expect(report["error"] == nil, "\(report["error"] ?? "")")
            // The real paths arrived and were the ones tried.
            let paths = try #require(report["paths"] as? [String: String])
            #expect(paths["data"] == world.data && paths["other"] == otherArtifact, "\(paths)")
            let attempts = try #require(report["attempts"] as? [String: [String: String]])
            #expect(attempts.count == 10)
            #expect(attempts["read the database"]?["detail"]?.contains(world.data) == true, "\(attempts["read the database"] ?? [:])")
            #expect(attempts["read another service's artifact"]?["detail"]?.contains(otherArtifact) == true,
                    "\(attempts["read another service's artifact"] ?? [:])")
            for (name, result) in attempts where name != "write into /tmp" {
                #expect(result["outcome"] != "allowed", "\(name) was allowed: \(result["detail"] ?? "")")
            }
            #expect(attempts["write into /tmp"]?["outcome"] == "allowed", "its private /tmp is writable")
            // Its own PID namespace: its sandbox's init and itself, never the sibling replica,
            // the neighbour or the server.
            let processes = (report["processes"] as? [[String: Any]] ?? []).compactMap { $0["cmdline"] as? String }
            #expect(processes.filter { $0.hasPrefix("python3") }.count == 1, "\(processes)")
            #expect(!processes.contains { $0.contains(secret) }, "a variable shows on a command line: \(processes)")
            #expect(!processes.contains { $0.contains("main.py") || $0.contains("railyard server") }, "\(processes)")
            #expect(processes.count <= 3, "\(processes)")
        }
        // No user of the host can read the service's variables off a process list.
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] where Int(entry) != nil {
            guard let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { continue }
            #expect(!String(decoding: data, as: UTF8.self).contains(secret), "process \(entry) shows a variable on its command line")
        }
        #expect(!FileManager.default.fileExists(atPath: world.data + "/probe.txt"))
        #expect(!FileManager.default.fileExists(atPath: "/etc/probe.txt"))

        // The hog: the kernel stops it at 64 MiB, the log says why, and the replica restarts.
        let before = await Self.get(addresses[0], "/hog")
        #expect(before?.body != "survived", "a 4 GiB allocation went through a 64 MiB limit")
        try await Self.waitFor("the out-of-memory exit in the deploy log") {
            let logs = try await world.cli.exec(["logs", "--service", "probe"])
            return logs.stdout.contains("out of memory (over its limit of 64 MiB)") && logs.stdout.contains("restarting replica")
        }
        let logs = try await world.cli.exec(["logs", "--service", "probe"])
        let held = logs.stdout.split(separator: "\n").compactMap { line -> Int? in
            guard let range = line.range(of: "holding ") else { return nil }
            return Int(line[range.upperBound...].split(separator: " ").first ?? "")
        }
        #expect(!held.isEmpty && held.allSatisfy { $0 <= 64 }, "held \(held.max() ?? 0) MiB under a 64 MiB limit")
        try await Self.waitFor("both replicas serving again") {
            let deployments = try await world.deployments("probe")
            let current = deployments.first ?? [:]
            let addresses = Self.addresses(current)
            guard current["status"] as? String == "SUCCESS", addresses.count == 2 else { return false }
            for address in addresses where await Self.get(address, "/health")?.status != 200 { return false }
            return true
        }
    }
}

/// Where bubblewrap cannot work (or `--no-sandbox` turns it off), builds and apps still run,
/// as the unprivileged user, and every deployment says it ran without a sandbox.
extension DeployEndToEndTests {
    @Test func withoutASandboxAppsStillRunWithAWarning() async throws {
        // Without a sandbox, a data folder the unprivileged user cannot walk to fails plainly.
        let closed = try await World.make(serverArguments: ["--no-sandbox"])
        try await closed.service("web")
        let refused = try await closed.up(Self.fixtures.appendingPathComponent("python-stdlib"), service: "web")
        closed.stop()
        try #require(geteuid() == 0, "the server drops privileges only as root; CI runs as root")
        #expect((refused.deployment["statusReason"] as? String)?.contains("cannot enter") == true, "\(refused.deployment)")

        let world = try await World.make(serverArguments: ["--no-sandbox"], closedBase: false)
        defer { world.stop() }
        for (fixture, answer) in [("python-stdlib", "\"service\": \"python-stdlib\""), ("static-site", "<h1>static-site</h1>")] {
            try await world.service(fixture)
            let result = try await world.up(Self.fixtures.appendingPathComponent(fixture), service: fixture)
            #expect(result.status == 0, "\(fixture): \(result.log)")
            #expect((result.deployment["warnings"] as? [String])?.contains("running without a sandbox: turned off with --no-sandbox") == true,
                    "\(result.deployment)")
            for address in Self.addresses(result.deployment) {
                #expect(await Self.get(address)?.body.contains(answer) == true, "\(fixture) at \(address)")
            }
            let build = try await world.cli.exec(["logs", "--service", fixture, "--build"])
            #expect(build.stdout.contains("warning: building without a sandbox"), "\(build.stdout)")
        }
        // Still never root, and still found again after `kill -9` of the server: one process.
        let served = try #require(try await world.deployments("python-stdlib").first)
        let servedID = try #require(served["id"] as? String)
        func appProcesses() -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).filter { entry in
                guard Int(entry) != nil,
                      let environ = try? String(contentsOfFile: "/proc/\(entry)/environ", encoding: .utf8),
                      environ.contains("RAILYARD_DEPLOYMENT_ID=\(servedID)"),
                      let command = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline")
                else { return false }
                // The app itself, not the shell that runs its start command (`sh -c 'python main.py'`).
                let words = command.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
                return words.first != "/bin/sh" && words.contains("main.py")
            }
        }
        let before = appProcesses()
        #expect(before.count == 1, "\(before)")
        try #require(geteuid() == 0, "the server drops privileges only as root; CI runs as root")
        let pid = try #require(before.first)
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        let uid = status.split(separator: "\n").first { $0.hasPrefix("Uid:") }?.split(separator: "\t").dropFirst().first.flatMap { Int($0) }
        #expect((1_200_000_000...1_299_999_999).contains(uid ?? 0), "runs as its service's own user: \(uid ?? -1)")
        world.server.stop(signal: SIGKILL)
        try await world.server.start()
        try await Self.waitFor("the app to answer again after kill -9") {
            let current = try await world.deployments("python-stdlib").first { $0["id"] as? String == servedID }
            guard let address = current.flatMap({ Self.addresses($0).first }) else { return false }
            return await Self.get(address)?.status == 200
        }
        let after = appProcesses()
        #expect(after.count == 1, "exactly one app process after the restart: \(after)")
        #expect(after != before, "the old process was stopped and a new one started")
    }
}
