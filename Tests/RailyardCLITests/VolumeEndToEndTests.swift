import AsyncHTTPClient
import Foundation
import Testing

/// Volumes in a live server with real loop-mounted images and real apps: data survives
/// redeploys, rollbacks and `kill -9` of the server; the size limit is ENOSPC inside the app;
/// a volume service's redeploys and restarts fail no request through the edge and never run
/// two writers; only `volume remove --yes` deletes the data.
extension DeployEndToEndTests {
    /// A Python app that keeps a note on its volume. It takes an exclusive lock on the volume
    /// as it starts and exits if another replica holds it: a second writer fails its deploy.
    static func volumeApp(_ version: String) -> String {
        """
        import errno, fcntl, os, sys
        from http.server import BaseHTTPRequestHandler, HTTPServer
        from urllib.parse import urlparse, parse_qs
        root = os.environ["RAILWAY_VOLUME_MOUNT_PATH"]
        lock = open(os.path.join(root, ".writer"), "a")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            print("another replica holds the volume", flush=True)
            sys.exit(3)
        boot = os.urandom(8).hex()  # which process answers (pids repeat: each sandbox has its own)
        class H(BaseHTTPRequestHandler):
            def answer(self, text):
                body = text.encode()
                self.send_response(200); self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
            def do_GET(self):
                url = urlparse(self.path)
                note = os.path.join(root, "note.txt")
                if url.path == "/write":
                    with open(note, "w") as f: f.write(parse_qs(url.query)["text"][0])
                    return self.answer("written")
                if url.path == "/read":
                    return self.answer(open(note).read() if os.path.exists(note) else "none")
                if url.path == "/env":
                    return self.answer(os.environ.get("RAILWAY_VOLUME_NAME", "") + "|" + root + "|" + os.environ.get("RAILYARD_VOLUME_MOUNT_PATH", ""))
                if url.path == "/boot":
                    return self.answer(boot)
                if url.path == "/owner":
                    return self.answer("%d %d" % (os.stat(root).st_uid, os.getuid()))
                if url.path == "/fill":
                    written = 0
                    try:
                        with open(os.path.join(root, "big"), "wb") as f:
                            while written < 512 << 20:
                                f.write(b"x" * (1 << 20)); f.flush(); os.fsync(f.fileno()); written += 1 << 20
                        return self.answer("no error after %d bytes" % written)
                    except OSError as e:
                        os.remove(os.path.join(root, "big"))
                        return self.answer("errno=%d after %d bytes" % (e.errno, written))
                return self.answer("\(version)")
            def log_message(self, *args): pass
        HTTPServer(("0.0.0.0", int(os.environ["PORT"])), H).serve_forever()
        """
    }

    /// The one replica's address of the service's newest SUCCESS deployment.
    static func servingAddress(_ world: World, _ service: String) async throws -> String? {
        let serving = try await world.deployments(service).first { $0["status"] as? String == "SUCCESS" }
        return serving.flatMap { addresses($0).first }
    }

    @Test func volumeKeepsDataAcrossRedeployRollbackAndKillNine() async throws {
        let world = try await World.make()
        defer { world.stop() }
        try await world.service("notes")
        let added = try #require(try await world.cli.execJSON(
            ["volume", "add", "--service", "notes", "--mount", "/data", "--size", "32M"]) as? [String: Any])
        #expect(added["mountPath"] as? String == "/data")
        #expect(added["sizeBytes"] as? Int == 32 << 20)
        #expect(added["name"] as? String == "notes-volume")
        let volumeID = try #require(added["id"] as? String)
        let image = world.data + "/volumes/\(volumeID).img"
        #expect(FileManager.default.fileExists(atPath: image))
        // One per service per environment.
        let second = try await world.cli.exec(["volume", "add", "--service", "notes", "--mount", "/other"])
        #expect(second.status != 0)
        #expect(second.stderr.contains("already has a volume"), "\(second.stderr)")

        let v1 = try await world.up(try Self.app(["main.py": Self.volumeApp("v1")]), service: "notes")
        #expect(v1.status == 0, "\(v1.log)")
        var address = try #require(Self.addresses(v1.deployment).first)
        #expect(await Self.get(address, "/env")?.body == "notes-volume|/data|/data")
        let owner = try #require(await Self.get(address, "/owner")?.body).split(separator: " ")
        #expect(owner.count == 2 && owner[0] == owner[1], "the volume is the service user's: \(owner)")
        #expect(await Self.get(address, "/write?text=kept")?.body == "written")
        let firstID = try #require(v1.deployment["id"] as? String)

        // Redeploy: the new replica reads what the old one wrote (and got the lock: one writer).
        let v2 = try await world.up(try Self.app(["main.py": Self.volumeApp("v2")]), service: "notes")
        #expect(v2.status == 0, "\(v2.log)")
        address = try #require(Self.addresses(v2.deployment).first)
        #expect(await Self.get(address)?.body == "v2")
        #expect(await Self.get(address, "/read")?.body == "kept")
        let log = try await world.cli.exec(["logs", "--service", "notes"])
        #expect(log.stdout.contains("one writer") || log.stderr.contains("one writer"), "the deploy says why it stopped the old replica")

        // Rollback to v1: same data.
        let rolled = try #require(try await world.cli.execJSON(["rollback", "--service", "notes"]) as? [String: Any])
        #expect(rolled["status"] as? String == "SUCCESS", "\(rolled)")
        #expect(rolled["sourceDeploymentId"] as? String == firstID)
        address = try #require(Self.addresses(rolled).first)
        #expect(await Self.get(address)?.body == "v1")
        #expect(await Self.get(address, "/read")?.body == "kept")

        // A write past the size fails inside the app with ENOSPC (28), and the app goes on.
        let filled = try #require(await Self.get(address, "/fill")?.body)
        #expect(filled.hasPrefix("errno=28 "), "\(filled)")
        let written = Int(filled.split(separator: " ").dropLast().last ?? "") ?? 0
        #expect(written > 16 << 20 && written <= 32 << 20, "wrote \(written) bytes into a 32 MiB volume")

        // kill -9 of the server: the next one replaces the replica (a new process) and the
        // volume comes back with it, data intact.
        let before = try #require(await Self.get(address, "/boot")?.body)
        world.server.stop(signal: SIGKILL)
        try await world.server.start()
        try await Self.waitFor("a new replica of the volume service to answer") {
            guard let found = try await Self.servingAddress(world, "notes"),
                  let boot = await Self.get(found, "/boot")?.body, boot != before
            else { return false }
            address = found
            return await Self.get(found, "/read")?.body == "kept"
        }
        if await Self.get(address, "/read")?.body != "kept" {
            let log = try await world.cli.exec(["logs", "--service", "notes"])
            Issue.record("after kill -9: \(try await world.deployments("notes").prefix(2))\n\(log.stdout.suffix(3000))\(log.stderr.suffix(2000))")
        }
        let listed = try #require(try await world.cli.execJSON(["volume", "list", "--service", "notes"]) as? [[String: Any]])
        #expect(listed.count == 1)
        #expect(listed.first?["mounted"] as? Bool == true)
        #expect((listed.first?["usedBytes"] as? Int ?? 0) > 0, "\(listed)")

        // Grows online; never shrinks; sizes that are not sizes are refused.
        let grown = try await world.cli.execJSON(["volume", "resize", "--service", "notes", "--size", "64M"]) as? [String: Any]
        #expect(grown?["sizeBytes"] as? Int == 64 << 20)
        // (Online where the kernel lets Railyard grow a mounted ext4; else its replica restarts
        // around the resize, on a new port.)
        try await Self.waitFor("the volume service to answer after the resize") {
            guard let found = try await Self.servingAddress(world, "notes") else { return false }
            address = found
            return await Self.get(found, "/read")?.body == "kept"
        }
        let total = try String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8).contains(world.data + "/volumes/\(volumeID)")
        #expect(total, "the volume is mounted on the host")
        let shrink = try await world.cli.exec(["volume", "resize", "--service", "notes", "--size", "48M"])
        #expect(shrink.status != 0)
        #expect(shrink.stderr.contains("only grows"), "\(shrink.stderr)")
        for size in ["0", "-1", "1Q", "1e30", "2T"] {
            let refused = try await world.cli.exec(["volume", "resize", "--service", "notes", "--size", size])
            #expect(refused.status != 0, "--size \(size)")
        }

        // A clean stop unmounts the volume (nothing uses it once the replica stopped); the next
        // start mounts it again and the replica finds its data.
        let mountPoint = world.data + "/volumes/\(volumeID)"
        func mounted() throws -> Bool {
            try String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8).split(separator: "\n")
                .contains { $0.split(separator: " ").dropFirst(4).first.map(String.init) == mountPoint }
        }
        #expect(try mounted())
        world.server.stop()
        #expect(try !mounted(), "unmounted at a clean stop")
        try await world.server.start()
        try await Self.waitFor("the volume service to answer after a clean restart") {
            guard let found = try await Self.servingAddress(world, "notes") else { return false }
            address = found
            return await Self.get(found, "/read")?.body == "kept"
        }
        #expect(try mounted())

        // Removing needs --yes; without it nothing changes.
        let unconfirmed = try await world.cli.exec(["volume", "remove", "--service", "notes"])
        #expect(unconfirmed.status != 0)
        #expect(unconfirmed.stderr.contains("--yes"), "\(unconfirmed.stderr)")
        #expect(FileManager.default.fileExists(atPath: image))
        #expect(await Self.get(address, "/read")?.body == "kept")
        let removed = try await world.cli.exec(["volume", "remove", "--service", "notes", "--yes"])
        #expect(removed.status == 0, "\(removed.stderr)")
        #expect(!FileManager.default.fileExists(atPath: image), "the data is deleted")
        let none = try await world.cli.execJSON(["volume", "list", "--service", "notes"]) as? [[String: Any]]
        #expect(none?.isEmpty == true)
    }

    @Test func volumeServiceRedeploysAndRestartsFailNoRequestThroughTheEdge() async throws {
        let world = try await World.make()
        defer { world.stop() }
        try await world.service("web")
        let added = try await world.cli.execJSON(["volume", "add", "--service", "web", "--mount", "/var/data", "--size", "32M"]) as? [String: Any]
        let image = world.data + "/volumes/\(try #require(added?["id"] as? String)).img"
        let generated = try #require(try await world.cli.execJSON(["domain", "--service", "web"]) as? [String: Any])
        let host = try #require(generated["hostname"] as? String)
        let v1 = try await world.up(try Self.app(["main.py": Self.volumeApp("v1")]), service: "web")
        #expect(v1.status == 0, "\(v1.log)")
        #expect(await Self.viaEdge(world, host: host)?.body == "v1")

        // Steady load while the service is redeployed and restarted: each time its replica
        // stops before the next starts (the app exits if another holds the volume), and the
        // edge holds requests meanwhile: none fails.
        let load = SteadyLoad()
        let edgeURL = world.server.edgeURL
        let loadTask = Task { await load.run(edgeURL: edgeURL, host: host, clients: 4) }
        for version in 2...4 {
            let result = try await world.up(try Self.app(["main.py": Self.volumeApp("v\(version)")]), service: "web")
            #expect(result.status == 0, "v\(version): \(result.log)")
        }
        let restarted = try await world.cli.exec(["restart", "--service", "web"])
        #expect(restarted.status == 0, "\(restarted.stderr)")
        // Until the load has been answered by the last version (not a fixed time: a starved
        // load once saw none of it within 300 ms, in another test).
        try await Self.waitFor("the load to reach v4", seconds: 60) { load.served.contains("v4") }
        load.stop()
        await loadTask.value
        #expect(load.failures.isEmpty, "requests failed during a volume service's redeploys: \(load.failures.prefix(5))")
        #expect(load.served.isSuperset(of: ["v1", "v4"]), "\(load.served)")
        #expect(load.requests > 50, "\(load.requests) requests under load")

        // More than one replica with a volume is refused, and the running one keeps serving.
        let replicated = try await world.up(try Self.app([
            "main.py": Self.volumeApp("v5"), "railway.json": #"{"deploy": {"numReplicas": 2}}"#,
        ]), service: "web")
        #expect(replicated.status != 0)
        #expect((replicated.deployment["statusReason"] as? String ?? replicated.log).contains("one replica"), "\(replicated.deployment)")
        #expect(await Self.viaEdge(world, host: host)?.body == "v4")

        // A deploy that fails after it stopped the old replica (its own exits at once): the old
        // one starts again, with its data, and serves.
        let broken = try await world.up(try Self.app(["main.py": "import sys\nsys.exit(1)\n"]), service: "web")
        #expect(broken.status != 0)
        try await Self.waitFor("the previous deployment to serve again") { await Self.viaEdge(world, host: host)?.body == "v4" }
        let current = try #require(try await Self.servingAddress(world, "web"))
        #expect(await Self.get(current, "/read")?.body == "none", "the volume is there (nothing was written to it here)")
        #expect(await Self.get(current, "/write?text=after")?.body == "written")
        #expect(await Self.get(current, "/read")?.body == "after")

        // Down, nothing is on its way: requests are not held (10 s would time the client out).
        #expect(try await world.cli.exec(["down", "--service", "web"]).status == 0)
        #expect(await Self.viaEdge(world, host: host)?.status == 503)
        #expect(FileManager.default.fileExists(atPath: image), "down keeps the data")

        // Deleting the service (with --yes) deletes its volume's data; without, nothing goes.
        #expect(try await world.cli.exec(["service", "delete", "web"]).status != 0)
        #expect(FileManager.default.fileExists(atPath: image))
        #expect(try await world.cli.exec(["service", "delete", "web", "--yes"]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: image), "the service's volume went with it")
    }

    @Test func anUpgradeNeverRunsTwoWritersOfAVolume() async throws {
        let world = try await World.make()
        defer { world.stop() }
        try await world.service("notes")
        #expect(try await world.cli.exec(["volume", "add", "--service", "notes", "--mount", "/data", "--size", "32M"]).status == 0)
        #expect(try await world.cli.exec(["domain", "--service", "notes"]).status == 0)
        let served = try await world.up(try Self.app(["main.py": Self.volumeApp("v1")]), service: "notes")
        #expect(served.status == 0, "\(served.log)")
        let address = try #require(Self.addresses(served.deployment).first)
        #expect(await Self.get(address, "/write?text=upgraded")?.body == "written")
        let before = try #require(await Self.get(address, "/boot")?.body)

        // The replacement starts the volume's replica only once the old server's has stopped:
        // the app, which exits when another holds the volume, never has to.
        let replacement = world.server.successor(arguments: ["--replace"])
        defer { replacement.stop() }
        try await replacement.start()
        try await Self.waitFor("the replacement's replica of the volume service") {
            guard let reply = await Self.viaEdge(replacement.edgeURL, host: "notes-apps.localhost", path: "/boot"),
                  reply.status == 200, reply.body != before
            else { return false }
            return await Self.viaEdge(replacement.edgeURL, host: "notes-apps.localhost", path: "/read")?.body == "upgraded"
        }
        let log = try await world.cli.exec(["logs", "--service", "notes"])
        #expect(!log.stdout.contains("another replica holds the volume"), "two writers at once during the upgrade: \(log.stdout.suffix(2000))")
        #expect(log.stdout.contains("once the old server's has stopped"), "\(log.stdout.suffix(2000))")
    }
}
