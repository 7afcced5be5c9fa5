import Foundation
import RailyardSandbox
import Testing

/// Issue 13 through a live server, as a hostile tenant would: a hand-made tarball whose links
/// chain out of the upload (item 1), a config file that once crashed the server (item 2), and
/// processes that try to outlive their build and their replica, and to read another service's
/// environment (items 5 and 8).
extension DeployEndToEndTests {
    /// Runs a command and returns its status and output (through StreamingProcess, which
    /// never loses an exit).
    static func shell(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        let lines = CollectedLines()
        let outcome = try await StreamingProcess.run(
            ["/usr/bin/env"] + arguments, environment: ["PATH": StreamingProcess.defaultPath], timeLimit: .seconds(300),
            onLine: lines.add)
        return (outcome.status, lines.all.joined(separator: "\n"))
    }

    @Test func aHostileTarballCannotReachOutside() async throws {
        let world = try await World.make()
        defer { world.stop() }
        try await world.service("web")
        let status = try #require(try await world.cli.execJSON(["status"]) as? [String: Any])
        let environment = try #require((status["environment"] as? [String: Any])?["id"] as? String)
        let service = try #require(((status["services"] as? [[String: Any]]) ?? []).first { $0["name"] as? String == "web" }?["id"] as? String)
        let token = try #require((try await world.cli.execJSON(["tokens", "create", "--name", "tenant"]) as? [String: Any])?["secret"] as? String)

        // The unpack folder is DATA/builds/ID/src: eight levels up is far outside the data folder.
        let victim = FileManager.default.temporaryDirectory.appendingPathComponent("railyard-victim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: victim, withIntermediateDirectories: true)
        let sentinel = victim.appendingPathComponent("sentinel")
        try Data("keep".utf8).write(to: sentinel)
        let climb = String(repeating: "x/", count: 12) + String(repeating: "../", count: 12)
        let tarball = victim.appendingPathComponent("evil.tgz")
        let script = """
            import io, tarfile
            def link(name, target):
                i = tarfile.TarInfo(name); i.type = tarfile.SYMTYPE; i.linkname = target; return i
            with tarfile.open('\(tarball.path)', 'w:gz') as t:
                i = tarfile.TarInfo('main.py'); body = b'print(1)'; i.size = len(body); t.addfile(i, io.BytesIO(body))
                t.addfile(link('x', '.'))
                t.addfile(link('y', '\(climb)'))
                i = tarfile.TarInfo('y\(victim.path)/pwned'); i.size = 1; t.addfile(i, io.BytesIO(b'x'))
                t.addfile(link('y\(sentinel.path)', '/etc/passwd'))
            """
        #expect(try await Self.shell(["python3", "-c", script]).status == 0)
        let upload = try await Self.shell([
            "curl", "-s", "-w", "\n%{http_code}", "-H", "Authorization: Bearer \(token)", "-H", "Content-Type: application/gzip",
            "--data-binary", "@\(tarball.path)",
            "\(world.server.url)/api/v1/services/\(service)/uploads?environmentId=\(environment)",
        ])
        #expect(upload.output.hasSuffix("\n201") || upload.output.hasSuffix("\n202") || upload.output.hasSuffix("\n200"), "\(upload.output)")
        try await Self.waitFor("the hostile upload's deployment to fail") {
            try await world.deployments("web").first?["status"] as? String == "FAILED"
        }
        let reason = try await world.deployments("web").first?["statusReason"] as? String ?? ""
        #expect(reason.contains("cannot unpack the source"), "\(reason)")
        #expect(!FileManager.default.fileExists(atPath: victim.appendingPathComponent("pwned").path), "the upload wrote outside its folder")
        #expect(try String(contentsOf: sentinel, encoding: .utf8) == "keep", "the upload replaced a file outside its folder")
        #expect(await Self.get(world.server.url.replacingOccurrences(of: "http://", with: ""), "/healthz")?.status == 200)
    }

    @Test func aConfigFileThatOnceCrashedTheServerFailsItsDeployOnly() async throws {
        let world = try await World.make()
        defer { world.stop() }
        try await world.service("web")
        for text in [
            Array(repeating: "a", count: 10_000).joined(separator: ".") + " = 1\n",
            "[" + Array(repeating: "a", count: 10_000).joined(separator: ".") + "]\n",
            "[\na.b]\n",
        ] {
            let result = try await world.up(try Self.app(["main.py": Self.pythonServer("x"), "railway.toml": text]), service: "web")
            #expect(result.status != 0)
            let reason = try await world.deployments("web").first?["statusReason"] as? String ?? ""
            #expect(reason.contains("railway.toml: ") && !reason.contains("\n"), "one line naming the file: \(reason)")
            #expect(await Self.get(world.server.url.replacingOccurrences(of: "http://", with: ""), "/healthz")?.status == 200, "the server died")
        }
    }

    @Test func nothingATenantStartsOutlivesItsBuildOrItsReplicas() async throws {
        try #require(geteuid() == 0, "the server drops privileges and uses cgroups only as root; CI runs as root")
        let world = try await World.make()
        defer { world.stop() }
        try await world.service("web")
        try await world.service("neighbour")
        let marker = "9\(Int.random(in: 100_000...999_999))"
        let config = """
            {"build": {"buildCommand": "setsid sh -c 'exec sleep \(marker)1' </dev/null >/dev/null 2>&1 & nohup sleep \(marker)1 >/dev/null 2>&1 & echo built"},
             "deploy": {"startCommand": "setsid sh -c 'exec sleep \(marker)2' </dev/null >/dev/null 2>&1 & python3 main.py"}}
            """
        let web = try await world.up(try Self.app(["main.py": Self.pythonServer("web"), "railway.json": config]), service: "web")
        #expect(web.status == 0, "\(web.log)")
        #expect(ContainmentProbe.processes(marked: marker + "1").isEmpty, "a build's detached process outlived the build")
        #expect(ContainmentProbe.processes(marked: marker + "2").count == 1, "the replica's detached process runs while it does")

        // The neighbour (another service, so another user) cannot read web's environment.
        #expect(try await world.cli.exec(["variables", "--service", "web", "--set", "SECRET=s3cret-\(marker)"]).status == 0)
        #expect(try await world.cli.exec(["redeploy", "--service", "web"]).status == 0)
        let neighbour = try await world.up(try Self.app(["main.py": Self.pythonServer("neighbour")]), service: "neighbour")
        #expect(neighbour.status == 0, "\(neighbour.log)")
        let webApp = try #require(ContainmentProbe.processes(marked: "main.py", program: "python3").first { ContainmentProbe.environment(of: $0).contains("s3cret-\(marker)") })
        let neighbourDeployment = try #require(neighbour.deployment["id"] as? String)
        let neighbourApp = try #require(ContainmentProbe.processes(marked: "main.py", program: "python3").first {
            ContainmentProbe.environment(of: $0).contains("RAILYARD_DEPLOYMENT_ID=\(neighbourDeployment)")
        })
        let webUID = try #require(ContainmentProbe.uid(of: webApp))
        let neighbourUID = try #require(ContainmentProbe.uid(of: neighbourApp))
        #expect(webUID != neighbourUID && webUID != 65534 && webUID != 0, "\(webUID) \(neighbourUID)")
        let read = try await Self.shell(["setpriv", "--reuid=\(neighbourUID)", "--regid=\(neighbourUID)", "--clear-groups", "--", "cat", "/proc/\(webApp)/environ"])
        #expect(read.status != 0 && !read.output.contains("s3cret"), "another service's user read the environment")

        // Down: the replica and what it detached go; so do they on a restart after kill -9.
        #expect(try await world.cli.exec(["down", "--service", "web"]).status == 0)
        try await Self.waitFor("the replica's detached process to go with it", seconds: 20) {
            ContainmentProbe.processes(marked: marker + "2").isEmpty
        }
        #expect(try await world.cli.exec(["redeploy", "--service", "web"]).status == 0)
        try await Self.waitFor("the redeployed replica's detached process", seconds: 30) {
            ContainmentProbe.processes(marked: marker + "2").count == 1
        }
        let before = ContainmentProbe.processes(marked: marker + "2")
        _ = world.server.stop(signal: SIGKILL)
        try await world.server.start()
        try await Self.waitFor("the earlier run's detached process to be killed", seconds: 30) {
            !ContainmentProbe.processes(marked: marker + "2").contains { before.contains($0) }
        }
        #expect(!ContainmentProbe.processes(marked: marker + "2").contains { before.contains($0) }, "a detached process survived a restart")
    }
}

/// What runs on the host, read from /proc.
enum ContainmentProbe {
    /// Processes running `program` (by its command name) whose command line holds `marker`:
    /// the app itself, not the sandbox or shells whose command lines mention it.
    static func processes(marked marker: String, program: String = "sleep") -> [Int32] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { entry -> Int32? in
            guard let pid = Int32(entry), ProcessTree.commandName(pid) == program,
                  let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline")
            else { return nil }
            return String(decoding: data, as: UTF8.self).contains(marker) ? pid : nil
        }
    }

    static func environment(of pid: Int32) -> String { ProcFile.read("/proc/\(pid)/environ") ?? "" }

    static func uid(of pid: Int32) -> UInt32? {
        guard let status = ProcFile.read("/proc/\(pid)/status") else { return nil }
        return status.split(separator: "\n").first { $0.hasPrefix("Uid:") }?.split(separator: "\t").dropFirst().first.flatMap { UInt32($0) }
    }
}
