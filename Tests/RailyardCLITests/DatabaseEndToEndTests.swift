import AsyncHTTPClient
import Foundation
import RailyardSandbox
import NIOCore
import Testing

/// Databases through the CLI against a live server, with the host's real PostgreSQL, Redis
/// and MariaDB (scripts/test installs Debian's packages): added with `railyard add --database`,
/// used by an app through references only, their data kept across redeploys, `kill -9` of the
/// server and clean restarts, backed up, damaged, restored, and reached with `railyard connect`.
extension DeployEndToEndTests {
    /// An app that keeps notes in PostgreSQL with the host's `psql` and nothing but
    /// `DATABASE_URL`, which it gets by reference.
    static let postgresApp = """
        import os, subprocess
        from http.server import BaseHTTPRequestHandler, HTTPServer
        from urllib.parse import urlparse, parse_qs
        def sql(query):
            done = subprocess.run(["psql", os.environ["DATABASE_URL"], "-qtAc", query], capture_output=True, text=True, timeout=20)
            return done.stdout.strip() if done.returncode == 0 else "error: " + done.stderr.strip()
        class H(BaseHTTPRequestHandler):
            def answer(self, text):
                body = text.encode()
                self.send_response(200); self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
            def do_GET(self):
                url = urlparse(self.path)
                if url.path == "/write":
                    text = parse_qs(url.query)["text"][0]
                    return self.answer(sql("CREATE TABLE IF NOT EXISTS notes (text text); INSERT INTO notes VALUES ('%s'); SELECT 'written'" % text))
                if url.path == "/read":
                    return self.answer(sql("SELECT string_agg(text, ',' ORDER BY text) FROM notes"))
                if url.path == "/url":
                    return self.answer(os.environ.get("DATABASE_URL", "").split("@")[-1])
                return self.answer("ok")
            def log_message(self, *args): pass
        HTTPServer(("0.0.0.0", int(os.environ["PORT"])), H).serve_forever()
        """

    /// An app that keeps a value in Redis with a client of its own (the standard library's
    /// sockets, RESP by hand), given nothing but `REDIS_URL` by reference.
    static let redisApp = """
        import os, socket
        from http.server import BaseHTTPRequestHandler, HTTPServer
        from urllib.parse import urlparse, parse_qs
        def redis(*words):
            url = urlparse(os.environ["REDIS_URL"])
            with socket.create_connection((url.hostname, url.port), timeout=10) as s:
                f = s.makefile("rb")
                def send(*parts):
                    s.sendall(("*%d\\r\\n" % len(parts) + "".join("$%d\\r\\n%s\\r\\n" % (len(p.encode()), p) for p in parts)).encode())
                    line = f.readline().decode().strip()
                    if line.startswith("$"):
                        size = int(line[1:])
                        return None if size < 0 else f.read(size + 2)[:-2].decode()
                    return line
                auth = send("AUTH", url.username or "default", url.password)
                if auth != "+OK": return "auth failed: " + auth
                return send(*words)
        class H(BaseHTTPRequestHandler):
            def answer(self, text):
                body = str(text).encode()
                self.send_response(200); self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
            def do_GET(self):
                url = urlparse(self.path)
                if url.path == "/write":
                    return self.answer(redis("SET", "note", parse_qs(url.query)["text"][0]))
                if url.path == "/read":
                    return self.answer(redis("GET", "note"))
                return self.answer("ok")
            def log_message(self, *args): pass
        HTTPServer(("0.0.0.0", int(os.environ["PORT"])), H).serve_forever()
        """

    /// The service's newest SUCCESS deployment's one address.
    static func answering(_ world: World, _ service: String, _ path: String, is expected: String, _ what: String) async throws {
        var last = ""
        try await Self.waitFor(what, seconds: 120) {
            guard let address = try await Self.servingAddress(world, service) else { return false }
            last = await Self.get(address, path)?.body ?? "no answer"
            return last == expected
        }
        #expect(last == expected, "\(what): \(last)")
    }

    @Test func postgresServesAnAppByReferenceAndKeepsItsDataThroughRedeployKillNineAndRestore() async throws {
        let world = try await World.make()
        defer { world.stop() }
        try await world.service("web")
        // A variable the app set itself is left alone (the URL's user wins over PGUSER anyway).
        let own = try await world.cli.exec(["variables", "--service", "web", "--set", "PGUSER=mine"])
        #expect(own.status == 0, "\(own.stderr)")
        // Railway's spelling of the service works too: `Postgres` is `postgres`.
        let added = try #require(try await world.cli.execJSON(["add", "--database", "postgres", "--service", "Web"]) as? [String: Any])
        #expect(added["kept"] as? [String] == ["PGUSER"], "\(added)")
        let service = try #require(added["service"] as? [String: Any])
        #expect(service["name"] as? String == "postgres")
        #expect(service["database"] as? String == "postgres")
        #expect((added["deployment"] as? [String: Any])?["status"] as? String == "SUCCESS", "\(added)")
        // It runs, and keeps, the newest PostgreSQL this machine has.
        let installed = try FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql").compactMap(Int.init)
            .filter { FileManager.default.isExecutableFile(atPath: "/usr/lib/postgresql/\($0)/bin/postgres") }.max()
        #expect(service["databaseVersion"] as? String == installed.map(String.init), "\(service)")
        // A version the machine lacks is refused, naming its package, and nothing is added; a
        // change to one under the data too.
        let missing = try await world.cli.exec(["add", "--database", "postgres", "--version", "99"])
        #expect(missing.status != 0 && missing.stderr.contains("apt-get install postgresql-99"), "\(missing.stderr)")
        let services = try #require(try await world.cli.execJSON(["service", "list"]) as? [[String: Any]])
        #expect(services.compactMap { $0["name"] as? String }.sorted() == ["postgres", "web"], "\(services)")
        let moved = try await world.cli.exec(["service", "update", "--service", "postgres", "--version", "99"])
        #expect(moved.status != 0 && moved.stderr.contains("postgresql-99"), "\(moved.stderr)")
        let notDatabase = try await world.cli.exec(["service", "update", "--service", "web", "--version", "15"])
        #expect(notDatabase.status != 0 && notDatabase.stderr.contains("not a database"), "\(notDatabase.stderr)")
        let same = try await world.cli.exec(["service", "update", "--service", "postgres", "--version", "\(installed ?? 0)"])
        #expect(same.status == 0 && same.stdout.contains("PostgreSQL \(installed ?? 0)"), "\(same.stdout) \(same.stderr)")
        let names = Set(added["variables"] as? [String] ?? [])
        #expect(names.isSuperset(of: ["DATABASE_URL", "PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE"]), "\(names)")
        #expect(Set(added["references"] as? [String] ?? []).contains("DATABASE_URL"))
        // The password is generated and strong; the URL refers to it and to the private name.
        let resolved = try #require(try await world.cli.execJSON(["variables", "--service", "postgres", "--resolved"]) as? [String: Any])
        let password = try #require(resolved["PGPASSWORD"] as? String)
        #expect(password.count >= 32 && password.allSatisfy { $0.isLetter || $0.isNumber }, "\(password)")
        #expect(resolved["DATABASE_URL"] as? String == "postgresql://postgres:\(password)@postgres.railway.internal:5432/railway")
        let web = try #require(try await world.cli.execJSON(["variables", "--service", "web"]) as? [String: Any])
        #expect(web["DATABASE_URL"] as? String == "${{postgres.DATABASE_URL}}", "references only: \(web)")
        #expect(web["PGUSER"] as? String == "mine", "the app's own value stays: \(web)")

        // The app, given nothing but the reference, writes and reads.
        let up = try await world.up(try Self.app(["main.py": Self.postgresApp]), service: "web")
        #expect(up.status == 0, "\(up.log)")
        let address = try #require(Self.addresses(up.deployment).first)
        #expect(await Self.get(address, "/url")?.body == "postgres.railway.internal:5432/railway")
        #expect(await Self.get(address, "/write?text=kept")?.body == "written")
        #expect(await Self.get(address, "/read")?.body == "kept")

        // `railyard connect` runs psql with the credentials, non-interactively.
        let connected = try await world.cli.exec(["connect", "Postgres", "--", "-tAc", "select count(*) from notes"])
        #expect(connected.status == 0, "\(connected.stderr)")
        #expect(connected.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "1", "\(connected.stdout)")

        // A redeploy of the database keeps its data (its volume).
        let redeployed = try await world.cli.exec(["redeploy", "--service", "postgres"])
        #expect(redeployed.status == 0, "\(redeployed.stderr)")
        try await Self.answering(world, "web", "/read", is: "kept", "the app to read its note after the database's redeploy")

        // kill -9 of the server: the next one starts the database again (crash recovery in
        // PostgreSQL), the note is there.
        world.server.stop(signal: SIGKILL)
        try await world.server.start()
        try await Self.answering(world, "web", "/read", is: "kept", "the app to read its note after kill -9 of the server")

        // Backup, drop the table, restore: the table is back with its rows.
        let backup = try #require(try await world.cli.execJSON(["backup", "create", "--service", "postgres"]) as? [String: Any])
        #expect(backup["status"] as? String == "COMPLETED", "\(backup)")
        let sha = try #require(backup["sha256"] as? String)
        let backupID = try #require(backup["id"] as? String)
        let file = world.data + "/backups/\(backupID).dump"
        #expect(FileManager.default.fileExists(atPath: file))
        #expect(try Self.sha256(file) == sha, "the checksum is the file's")
        let dropped = try await world.cli.exec(["connect", "postgres", "--", "-c", "DROP TABLE notes"])
        #expect(dropped.status == 0, "\(dropped.stderr)")
        #expect(await Self.get(try #require(try await Self.servingAddress(world, "web")), "/read")?.body.hasPrefix("error") == true)
        let unconfirmed = try await world.cli.exec(["backup", "restore", String(backupID.prefix(12)), "--service", "postgres"])
        #expect(unconfirmed.status != 0 && unconfirmed.stderr.contains("--yes"), "\(unconfirmed.stderr)")
        let restored = try await world.cli.exec(["backup", "restore", String(backupID.prefix(12)), "--service", "postgres", "--yes"])
        #expect(restored.status == 0, "\(restored.stderr)")
        try await Self.answering(world, "web", "/read", is: "kept", "the table to be back after the restore")
        let listed = try #require(try await world.cli.execJSON(["backup", "list", "--service", "postgres"]) as? [[String: Any]])
        #expect(listed.first?["restoreStatus"] as? String == "COMPLETED", "\(listed)")

        // A damaged backup file is refused before anything is touched.
        let handle = try #require(FileHandle(forWritingAtPath: file))
        try handle.seekToEnd()
        handle.write(Data("junk".utf8))
        try handle.close()
        let damaged = try await world.cli.exec(["backup", "restore", backupID, "--service", "postgres", "--yes"])
        #expect(damaged.status != 0 && damaged.stderr.contains("damaged"), "\(damaged.stderr)")

        // A clean restart: PostgreSQL is shut down (fast, not killed), and comes back.
        let serving = try #require(try await Self.latestDatabaseDeployment(world))
        world.server.stop()
        let log = try String(contentsOfFile: world.data + "/logs/\(serving).jsonl", encoding: .utf8)
        #expect(log.contains("database system is shut down"), "PostgreSQL was shut down cleanly")
        try await world.server.start()
        try await Self.answering(world, "web", "/read", is: "kept", "the app to read its note after a clean restart")

        // Deleting the database asks what to do about a final backup, then deletes its volume.
        let volumes = try #require(try await world.cli.execJSON(["volume", "list", "--service", "postgres"]) as? [[String: Any]])
        let image = world.data + "/volumes/\(try #require(volumes.first?["id"] as? String)).img"
        let asked = try await world.cli.exec(["service", "delete", "postgres", "--yes"])
        #expect(asked.status != 0 && asked.stderr.contains("--final-backup"), "\(asked.stderr)")
        let deleted = try await world.cli.exec(["service", "delete", "postgres", "--yes", "--final-backup"])
        #expect(deleted.status == 0, "\(deleted.stderr)")
        #expect(deleted.stderr.contains("Final backup"), "\(deleted.stderr)")
        #expect(!FileManager.default.fileExists(atPath: image), "the volume's data is deleted")
    }

    @Test func redisAndMySQLAreAddedBackedUpRestoredAndReachedByConnect() async throws {
        let world = try await World.make()
        defer { world.stop() }
        try await world.service("cache-app")
        let redis = try #require(try await world.cli.execJSON(["add", "--database", "redis", "--service", "cache-app"]) as? [String: Any])
        #expect((redis["deployment"] as? [String: Any])?["status"] as? String == "SUCCESS", "\(redis)")
        #expect(Set(redis["variables"] as? [String] ?? []).isSuperset(of: ["REDIS_URL", "REDISHOST", "REDISPORT", "REDISUSER", "REDISPASSWORD"]))
        let up = try await world.up(try Self.app(["main.py": Self.redisApp]), service: "cache-app")
        #expect(up.status == 0, "\(up.log)")
        let address = try #require(Self.addresses(up.deployment).first)
        #expect(await Self.get(address, "/write?text=kept")?.body == "+OK")
        #expect(await Self.get(address, "/read")?.body == "kept")
        let ping = try await world.cli.exec(["connect", "redis", "--", "PING"])
        #expect(ping.stdout.contains("PONG"), "\(ping.stdout) \(ping.stderr)")

        // Acknowledged writes survive kill -9 of the server (and with it of Redis).
        world.server.stop(signal: SIGKILL)
        try await world.server.start()
        try await Self.answering(world, "cache-app", "/read", is: "kept", "Redis to have the value after kill -9")

        // Backup, change, restore: Redis restarts from the snapshot, and keeps what comes next.
        let backup = try #require(try await world.cli.execJSON(["backup", "create", "--service", "redis"]) as? [String: Any])
        #expect(backup["status"] as? String == "COMPLETED", "\(backup)")
        _ = try await world.cli.exec(["connect", "redis", "--", "SET", "note", "changed"])
        let restored = try await world.cli.exec(["backup", "restore", try #require(backup["id"] as? String), "--service", "redis", "--yes"])
        #expect(restored.status == 0, "\(restored.stderr)")
        try await Self.answering(world, "cache-app", "/read", is: "kept", "the snapshot's value after the restore")
        _ = try await world.cli.exec(["connect", "redis", "--", "SET", "later", "written"])
        world.server.stop(signal: SIGKILL)
        try await world.server.start()
        try await Self.waitFor("Redis to keep a write made after the restore") {
            try await world.cli.exec(["connect", "redis", "--", "GET", "later"]).stdout.contains("written")
        }

        // MySQL (MariaDB): its own names, a query through connect, a backup restored.
        let mysql = try #require(try await world.cli.execJSON(["add", "--database", "mysql"]) as? [String: Any])
        #expect((mysql["deployment"] as? [String: Any])?["status"] as? String == "SUCCESS", "\(mysql)")
        #expect(Set(mysql["variables"] as? [String] ?? []).isSuperset(of: [
            "MYSQL_URL", "MYSQLHOST", "MYSQLPORT", "MYSQLUSER", "MYSQLPASSWORD", "MYSQLDATABASE", "MYSQL_ROOT_PASSWORD",
        ]))
        let made = try await world.cli.exec(["connect", "mysql", "--", "-e", "CREATE TABLE notes (text varchar(20)); INSERT INTO notes VALUES ('kept')"])
        #expect(made.status == 0, "\(made.stderr)")
        let taken = try #require(try await world.cli.execJSON(["backup", "create", "--service", "mysql"]) as? [String: Any])
        #expect(taken["status"] as? String == "COMPLETED", "\(taken)")
        _ = try await world.cli.exec(["connect", "mysql", "--", "-e", "DROP TABLE notes"])
        let back = try await world.cli.exec(["backup", "restore", try #require(taken["id"] as? String), "--service", "mysql", "--yes"])
        #expect(back.status == 0, "\(back.stderr)")
        let selected = try await world.cli.exec(["connect", "mysql", "--", "-N", "-e", "SELECT text FROM notes"])
        #expect(selected.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "kept", "\(selected.stdout) \(selected.stderr)")
        // Without a password nobody gets in, from any address the network gives.
        let anonymous = try await world.cli.exec(["connect", "mysql", "--", "-u", "root", "--password=", "-e", "SELECT 1"])
        #expect(anonymous.status != 0, "root without its password: \(anonymous.stdout)")

        // Each replica's memory and CPU time are in /metrics, databases' as apps'.
        let metrics = try await Self.scrapeMetrics(world)
        for service in ["redis", "mysql", "cache-app"] {
            let line = metrics.split(separator: "\n").first { $0.hasPrefix("railyard_replica_memory_bytes{service=\"\(service)\"") }
            #expect((line?.split(separator: " ").last.flatMap { Int($0) } ?? 0) > 1 << 20, "\(service): \(line ?? "no line")")
            #expect(metrics.contains("railyard_replica_cpu_seconds_total{service=\"\(service)\""), "\(service)")
        }

        // What Debian has not, and what is not a database, are said in words.
        let mongo = try await world.cli.exec(["add", "--database", "mongodb"])
        #expect(mongo.status != 0 && mongo.stderr.contains("not in Debian's packages"), "\(mongo.stderr)")
        let unknown = try await world.cli.exec(["add", "--database", "../../etc"])
        #expect(unknown.status != 0 && unknown.stderr.contains("unknown database"), "\(unknown.stderr)")
        let upload = try await world.up(try Self.app(["main.py": Self.redisApp]), service: "redis")
        #expect(upload.status != 0 && upload.log.contains("database service"), "\(upload.log)")
        let notDatabase = try await world.cli.exec(["backup", "create", "--service", "cache-app"])
        #expect(notDatabase.status != 0 && notDatabase.stderr.contains("not a database"), "\(notDatabase.stderr)")
        // A second Redis gets a name of its own.
        let second = try #require(try await world.cli.execJSON(["add", "--database", "redis", "--detach"]) as? [String: Any])
        #expect((second["service"] as? [String: Any])?["name"] as? String == "redis-2")
    }

    /// Railway's Django template as it is laid out (its start command runs migrate &&
    /// collectstatic && gunicorn; its settings read PGHOST, PGPORT, PGUSER, PGPASSWORD and
    /// PGDATABASE) deploys against a PostgreSQL added with one command: no variable is typed.
    @Test func railwaysDjangoTemplateRunsOnAPostgresAddedWithOneCommand() async throws {
        let world = try await World.make()
        defer { world.stop() }
        try await world.service("django-postgres")
        let added = try await world.cli.exec(["add", "--database", "postgres", "--service", "django-postgres"])
        #expect(added.status == 0, "\(added.stderr)")
        let set = try #require(try await world.cli.execJSON(["variables", "--service", "django-postgres"]) as? [String: String])
        #expect(set.values.allSatisfy { $0.hasPrefix("${{postgres.") }, "references only: \(set)")
        #expect(Set(set.keys).isSuperset(of: ["PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE", "DATABASE_URL"]))
        let domain = try #require(try await world.cli.execJSON(["domain", "--service", "django-postgres"]) as? [String: Any])
        let host = try #require(domain["hostname"] as? String)
        let (status, _, log) = try await world.up(Self.realApps.appendingPathComponent("django-postgres"), service: "django-postgres")
        #expect(status == 0, "\(log)")
        // Gunicorn listens before its worker has imported Django: the first request of a new
        // replica waits for that, which on a loaded 2-core machine took over 10 s once.
        let first = await Self.viaEdge(world, host: host, path: "/add?name=alice", timeout: .seconds(90))?.body ?? ""
        #expect(first.contains(#""vendor": "postgresql""#) && first.contains(#""users": 1"#) && first.contains(#""collectstatic": true"#), "\(first)")
        // The rows are PostgreSQL's: a redeploy of the app (migrate runs again) finds them.
        let again = try await world.up(Self.realApps.appendingPathComponent("django-postgres"), service: "django-postgres")
        #expect(again.status == 0, "\(again.log)")
        let second = await Self.viaEdge(world, host: host, timeout: .seconds(90))
        #expect(second?.body.contains(#""users": 1"#) == true, "\(second.map { "\($0.status) \($0.body)" } ?? "no answer within 90 s")")
    }

    /// `/metrics` as the World's admin sees it.
    static func scrapeMetrics(_ world: World) async throws -> String {
        var login = HTTPClientRequest(url: world.server.url + "/api/v1/auth/login")
        login.method = .POST
        login.headers.add(name: "Content-Type", value: "application/json")
        login.body = .bytes(ByteBuffer(string: #"{"email":"admin@example.com","password":"admin-password"}"#))
        let session = try await HTTPClient.shared.execute(login, timeout: .seconds(10))
        let token = try #require((try JSONSerialization.jsonObject(with: Data(buffer: try await session.body.collect(upTo: 1 << 16))) as? [String: Any])?["accessToken"] as? String)
        var scrape = HTTPClientRequest(url: world.server.url + "/metrics")
        scrape.headers.add(name: "Authorization", value: "Bearer \(token)")
        return String(buffer: try await HTTPClient.shared.execute(scrape, timeout: .seconds(10)).body.collect(upTo: 1 << 20))
    }

    static func latestDatabaseDeployment(_ world: World) async throws -> String? {
        try await world.deployments("postgres").first { $0["status"] as? String == "SUCCESS" }?["id"] as? String
    }

    static func sha256(_ path: String) throws -> String {
        let run = try ProgramOutput.run(["/usr/bin/sha256sum", path], within: .seconds(120))
        return run.stdout.split(separator: " ").first.map(String.init) ?? ""
    }
}
