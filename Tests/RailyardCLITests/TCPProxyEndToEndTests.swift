import Foundation
import RailyardSandbox
import Testing

/// Issue 16's public access through a live server: a database is private until
/// `railyard domain --tcp` opens a TCP proxy on the edge; psql reaches it there with its
/// credentials, its public URL variable says where, the proxy follows a redeploy, and removing
/// it closes the port and unsets the variable. Hostile: another workspace neither sees nor
/// removes it, a port the service does not listen on, a second proxy, and ports outside the
/// range or taken are refused (each beside a control that succeeds), and a flood of
/// connections is turned away without hanging the edge.
extension DeployEndToEndTests {
    /// A range of 100 ports of its own per server, so that servers of other suites running
    /// beside this one do not take each other's.
    static func tcpProxyRange() -> ClosedRange<Int> {
        let low = 21000 + Int.random(in: 0..<80) * 100
        return low...(low + 99)
    }

    /// psql on this machine with the PG* variables given (never the password on its command
    /// line): the exit status and what it printed.
    static func psql(port: Int, host: String = "127.0.0.1", password: String, _ query: String) async throws -> (status: Int32, output: String) {
        let result = try await Self.child(
            ["/usr/bin/psql", "-qtAc", query],
            environment: ["PGHOST": host, "PGPORT": String(port), "PGUSER": "postgres", "PGPASSWORD": password,
                          "PGDATABASE": "railway", "PGCONNECT_TIMEOUT": "10"])
        return (result.status, result.output.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Runs a program to its end, on a thread of its own, with `environment` added to this
    /// process's: its status and its output and errors together.
    static func child(_ arguments: [String], environment: [String: String] = [:]) async throws -> (status: Int32, output: String) {
        try await onOwnThread {
            let run = try ProgramOutput.run(
                arguments, environment: ProcessInfo.processInfo.environment.merging(environment) { $1 }, within: .seconds(300))
            return (run.status, run.combined)
        }
    }

    /// A listener on 127.0.0.1:`port` that is not Railyard's (another program's); closed by
    /// the caller.
    static func squat(port: Int) throws -> Int32 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard descriptor >= 0, bound == 0, listen(descriptor, 1) == 0 else {
            throw ProcessProblem("cannot listen on 127.0.0.1:\(port) for the test")
        }
        return descriptor
    }

    /// Whether a TCP connection to 127.0.0.1:`port` opens.
    static func accepts(port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }

    @Test func postgresIsPrivateUntilItsTCPProxyOpensAndThenPsqlReachesItThroughRedeploysUntilRemoved() async throws {
        let range = Self.tcpProxyRange()
        let world = try await World.make(serverArguments: ["--tcp-proxy-ports", "\(range.lowerBound)-\(range.upperBound)"])
        defer { world.stop() }
        let added = try #require(try await world.cli.execJSON(["add", "--database", "postgres"]) as? [String: Any])
        #expect((added["deployment"] as? [String: Any])?["status"] as? String == "SUCCESS", "\(added)")
        // Public access is off: no proxy, no public URL.
        let before = try #require(try await world.cli.execJSON(["domain", "list", "--tcp", "--service", "postgres"]) as? [Any])
        #expect(before.isEmpty, "\(before)")
        let privateOnly = try #require(try await world.cli.execJSON(["variables", "--service", "postgres", "--resolved"]) as? [String: Any])
        #expect(privateOnly["DATABASE_PUBLIC_URL"] == nil)
        let password = try #require(privateOnly["PGPASSWORD"] as? String)

        // `railyard domain --tcp` prints HOST:PORT, a port of the server's range.
        let opened = try await world.cli.exec(["domain", "--tcp", "--service", "postgres"])
        #expect(opened.status == 0, "\(opened.stderr)")
        let printed = opened.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(printed.hasPrefix("localhost:"), "\(printed)")
        let port = try #require(Int(printed.split(separator: ":").last ?? ""), "\(printed)")
        #expect(range.contains(port))

        // psql with the database's credentials, through the edge's port.
        let created = try await Self.psql(port: port, password: password, "CREATE TABLE notes (text text); INSERT INTO notes VALUES ('public'); SELECT count(*) FROM notes")
        #expect(created.status == 0 && created.output == "1", "\(created)")
        // A wrong password is PostgreSQL's to refuse: the proxy adds no way in.
        let wrong = try await Self.psql(port: port, password: "not-the-password", "SELECT 1")
        #expect(wrong.status != 0, "\(wrong)")

        // DATABASE_PUBLIC_URL is set, resolves to the proxy, and works as it is.
        let resolved = try #require(try await world.cli.execJSON(["variables", "--service", "postgres", "--resolved"]) as? [String: Any])
        let publicURL = try #require(resolved["DATABASE_PUBLIC_URL"] as? String, "\(resolved.keys.sorted())")
        #expect(publicURL == "postgresql://postgres:\(password)@localhost:\(port)/railway")
        let raw = try #require(try await world.cli.execJSON(["variables", "--service", "postgres"]) as? [String: Any])
        #expect(raw["DATABASE_PUBLIC_URL"] as? String
            == "postgresql://${{PGUSER}}:${{PGPASSWORD}}@${{RAILWAY_TCP_PROXY_DOMAIN}}:${{RAILWAY_TCP_PROXY_PORT}}/${{PGDATABASE}}")
        let byURL = try await Self.child(["/usr/bin/psql", publicURL, "-qtAc", "SELECT text FROM notes"])
        #expect(byURL.status == 0 && byURL.output.trimmingCharacters(in: .whitespacesAndNewlines) == "public", "\(byURL)")
        // Encrypted end to end when the client asks (libpq's default asks): PostgreSQL's own TLS.
        let encrypted = try await Self.child(["/usr/bin/psql", publicURL + "?sslmode=require", "-qtAc",
                                              "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"])
        #expect(encrypted.status == 0 && encrypted.output.trimmingCharacters(in: .whitespacesAndNewlines) == "t", "\(encrypted)")

        // `railyard connect --public` goes through the proxy.
        let connected = try await world.cli.exec(["connect", "postgres", "--public", "--", "-tAc", "SELECT text FROM notes"])
        #expect(connected.status == 0 && connected.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "public", "\(connected.stdout) \(connected.stderr)")

        // A redeploy replaces the replica; new connections through the same port reach the new one.
        let firstReplica = try #require(try await Self.servingAddress(world, "postgres"))
        let redeployed = try await world.cli.exec(["redeploy", "--service", "postgres"])
        #expect(redeployed.status == 0, "\(redeployed.stderr)")
        var after = (status: Int32(-1), output: "")
        try await Self.waitFor("psql through the proxy after the redeploy", seconds: 120) {
            after = try await Self.psql(port: port, password: password, "SELECT text FROM notes")
            return after.status == 0
        }
        #expect(after.output == "public", "\(after)")
        let deployments = try await world.deployments("postgres")
        #expect(deployments.first?["status"] as? String == "SUCCESS" && deployments.count >= 2, "\(deployments.map { $0["status"] ?? "" })")
        _ = firstReplica

        // Removing it closes the port and unsets the public URL; the private address still works.
        #expect(Self.accepts(port: port), "control: the proxy's port accepts before it is removed")
        let removed = try await world.cli.exec(["domain", "remove", "--tcp", "--service", "postgres"])
        #expect(removed.status == 0, "\(removed.stderr)")
        #expect(!Self.accepts(port: port), "the port still accepts after the proxy was removed")
        let gone = try #require(try await world.cli.execJSON(["variables", "--service", "postgres", "--resolved"]) as? [String: Any])
        #expect(gone["DATABASE_PUBLIC_URL"] == nil, "\(gone.keys.sorted())")
        let noProxy = try await world.cli.exec(["connect", "postgres", "--public", "--", "-tAc", "SELECT 1"])
        #expect(noProxy.status != 0 && noProxy.stderr.contains("domain --tcp"), "\(noProxy.stderr)")
        let privately = try await world.cli.exec(["connect", "postgres", "--", "-tAc", "SELECT text FROM notes"])
        #expect(privately.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "public", "\(privately.stderr)")
    }

    /// An app with an echo server on `extraPort` beside its HTTP port.
    static let echoApp = """
        import os, socket, threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        def serve(c):
            with c:
                while True:
                    data = c.recv(65536)
                    if not data: return
                    c.sendall(data)
        def echo():
            s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("0.0.0.0", 9555)); s.listen(1024)
            while True:
                c, _ = s.accept()
                threading.Thread(target=serve, args=(c,), daemon=True).start()
        threading.Thread(target=echo, daemon=True).start()
        class H(BaseHTTPRequestHandler):
            def do_GET(self):
                body = b"ok"
                self.send_response(200); self.send_header("Content-Length", "2"); self.end_headers(); self.wfile.write(body)
            def log_message(self, *args): pass
        ThreadingHTTPServer(("0.0.0.0", int(os.environ["PORT"])), H).serve_forever()
        """

    /// Runs on this machine against a proxy port: 256 connections (a proxy's limit) each echo
    /// 64 KiB at once; one more is closed at once while they are open, and meanwhile the edge
    /// still answers HTTP for `host`; once one closes, a new one is served again.
    static let flood = """
        import socket, sys, threading, time, urllib.request
        port, edge, host = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
        payload = b"x" * 65536
        def echo(c):
            c.sendall(payload); got = b""
            while len(got) < len(payload):
                part = c.recv(65536)
                if not part: return False
                got += part
            return got == payload
        conns, results = [], []
        for i in range(256):
            c = socket.create_connection(("127.0.0.1", port), timeout=30); conns.append(c)
        threads = [threading.Thread(target=lambda c=c: results.append(echo(c))) for c in conns]
        for t in threads: t.start()
        for t in threads: t.join()
        print("echoed", sum(results))
        extra = socket.create_connection(("127.0.0.1", port), timeout=10)
        start = time.time()
        try:
            extra.sendall(b"y"); closed = extra.recv(10) == b""
        except (ConnectionResetError, BrokenPipeError):
            closed = True
        print("extra closed", closed, "in", round(time.time() - start, 1))
        request = urllib.request.Request("http://127.0.0.1:%d/" % edge, headers={"Host": host})
        last = ""
        for attempt in range(40):
            try:
                print("http", urllib.request.urlopen(request, timeout=10).read().decode()); break
            except Exception as error:
                last = str(error); time.sleep(0.5)
        else:
            print("http failed", last)
        conns.pop().close(); time.sleep(0.5)
        again = socket.create_connection(("127.0.0.1", port), timeout=10)
        print("again", echo(again))
        """

    /// Redis and MySQL from outside: their public URLs through their proxies, as the clients
    /// take them; TLS on Redis' own TLS port (`--tls`, rediss://) and on MariaDB's port for
    /// clients that ask; `railyard connect --public` through each.
    @Test func redisAndMySQLAreReachedThroughTheirTCPProxiesWithTLS() async throws {
        let range = Self.tcpProxyRange()
        let world = try await World.make(serverArguments: ["--tcp-proxy-ports", "\(range.lowerBound)-\(range.upperBound)"])
        defer { world.stop() }
        let redis = try await world.cli.exec(["add", "--database", "redis"])
        #expect(redis.status == 0, "\(redis.stderr)")

        // Redis' proxy to its TLS port: rediss://, which redis-cli takes as it is (the
        // certificate is self-signed: --insecure); plain Redis there gets nowhere.
        let tlsProxy = try #require(try await world.cli.execJSON(["domain", "--tcp", "--tls", "--service", "redis"]) as? [String: Any])
        let tlsPort = try #require(tlsProxy["port"] as? Int)
        #expect(tlsProxy["targetPort"] as? Int == 6380, "\(tlsProxy)")
        let redisVariables = try #require(try await world.cli.execJSON(["variables", "--service", "redis", "--resolved"]) as? [String: Any])
        let password = try #require(redisVariables["REDISPASSWORD"] as? String)
        let tlsURL = try #require(redisVariables["REDIS_PUBLIC_URL"] as? String, "\(redisVariables.keys.sorted())")
        #expect(tlsURL == "rediss://default:\(password)@localhost:\(tlsPort)", "\(tlsURL)")
        var pong = (status: Int32(-1), output: "")
        try await Self.waitFor("redis-cli over TLS through the proxy") {
            pong = try await Self.child(["/usr/bin/redis-cli", "-u", tlsURL, "--insecure", "--no-auth-warning", "SET", "note", "public"])
            return pong.output.contains("OK")
        }
        let plainOnTLS = try await Self.child(["/usr/bin/redis-cli", "-h", "127.0.0.1", "-p", String(tlsPort), "-a", password, "--no-auth-warning", "PING"])
        #expect(!plainOnTLS.output.contains("PONG"), "plain Redis through the TLS port: \(plainOnTLS)")
        let connected = try await world.cli.exec(["connect", "redis", "--public", "--", "GET", "note"])
        #expect(connected.status == 0 && connected.stdout.contains("public"), "\(connected.stdout) \(connected.stderr)")

        // Swapped for a plain proxy: redis:// and plain redis-cli (the control for the TLS one).
        #expect(try await world.cli.exec(["domain", "remove", "--tcp", "--service", "redis"]).status == 0)
        let plainProxy = try #require(try await world.cli.execJSON(["domain", "--tcp", "--service", "redis"]) as? [String: Any])
        let plainPort = try #require(plainProxy["port"] as? Int)
        let plainVariables = try #require(try await world.cli.execJSON(["variables", "--service", "redis", "--resolved"]) as? [String: Any])
        let plainURL = try #require(plainVariables["REDIS_PUBLIC_URL"] as? String)
        #expect(plainURL == "redis://default:\(password)@localhost:\(plainPort)", "\(plainURL)")
        let plain = try await Self.child(["/usr/bin/redis-cli", "-u", plainURL, "--no-auth-warning", "GET", "note"])
        #expect(plain.output.contains("public"), "\(plain)")

        // MySQL: MYSQL_PUBLIC_URL through its proxy; TLS on the same port when the client asks.
        let mysql = try await world.cli.exec(["add", "--database", "mysql"])
        #expect(mysql.status == 0, "\(mysql.stderr)")
        let note = try await world.cli.exec(["domain", "--tcp", "--tls", "--service", "mysql"])
        #expect(note.status == 0 && note.stderr.contains("on its own port"), "\(note.stdout) \(note.stderr)")
        let mysqlVariables = try #require(try await world.cli.execJSON(["variables", "--service", "mysql", "--resolved"]) as? [String: Any])
        let mysqlURL = try #require(mysqlVariables["MYSQL_PUBLIC_URL"] as? String, "\(mysqlVariables.keys.sorted())")
        let parts = try #require(URLComponents(string: mysqlURL), "\(mysqlURL)")
        let mysqlPort = try #require(parts.port)
        #expect(parts.host == "localhost" && parts.user == "root" && range.contains(mysqlPort), "\(mysqlURL)")
        let mysqlPassword = try #require(parts.password)
        for ssl in [false, true] {
            let answer = try await Self.child(
                ["/usr/bin/mariadb", "-h", "127.0.0.1", "-P", String(mysqlPort), "-u", "root", "-N", "-B"] + (ssl ? ["--ssl"] : ["--skip-ssl"])
                    + ["-e", "SHOW STATUS LIKE 'Ssl_cipher'", "railway"],
                environment: ["MYSQL_PWD": mysqlPassword])
            let cipher = answer.output.split(separator: "\t").dropFirst().first.map { String($0).trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
            #expect(answer.status == 0, "\(answer)")
            #expect(cipher.isEmpty == !ssl, "ssl \(ssl): cipher '\(cipher)' in \(answer.output)")
        }
        let viaConnect = try await world.cli.exec(["connect", "mysql", "--public", "--", "-N", "-e", "SELECT 41 + 1"])
        #expect(viaConnect.status == 0 && viaConnect.stdout.contains("42"), "\(viaConnect.stdout) \(viaConnect.stderr)")
    }

    @Test func tcpProxiesRefuseStrangersWrongPortsAndFloodsEachBesideAControl() async throws {
        let range = Self.tcpProxyRange()
        let world = try await World.make(serverArguments: ["--tcp-proxy-ports", "\(range.lowerBound)-\(range.upperBound)"])
        defer { world.stop() }
        try await world.service("web")
        let up = try await world.up(try Self.app(["main.py": Self.echoApp]), service: "web")
        #expect(up.status == 0, "\(up.log)")

        // An app's proxy needs a target port its own processes listen on.
        let noTarget = try await world.cli.exec(["domain", "--tcp", "--service", "web"])
        #expect(noTarget.status != 0 && noTarget.stderr.contains("targetPort"), "\(noTarget.stderr)")
        let notListening = try await world.cli.exec(["domain", "--tcp", "--service", "web", "--target-port", "9556"])
        #expect(notListening.status != 0 && notListening.stderr.contains("listens on port 9556"), "\(notListening.stderr)")
        // Outside the range: refused; the control, inside it, is taken.
        let outside = try await world.cli.exec(["domain", "--tcp", "--service", "web", "--target-port", "9555", "--proxy-port", "\(range.upperBound + 1)"])
        #expect(outside.status != 0 && outside.stderr.contains("outside"), "\(outside.stderr)")
        let proxy = try #require(try await world.cli.execJSON([
            "domain", "--tcp", "--service", "web", "--target-port", "9555", "--proxy-port", "\(range.lowerBound + 10)",
        ]) as? [String: Any])
        let port = try #require(proxy["port"] as? Int)
        #expect(port == range.lowerBound + 10)
        // One per service and environment.
        let second = try await world.cli.exec(["domain", "--tcp", "--service", "web", "--target-port", "9555"])
        #expect(second.status != 0 && second.stderr.contains("already has a TCP proxy"), "\(second.stderr)")

        // A port another proxy has, or another program listens on, is refused; a free one is not.
        try await world.service("other")
        let otherUp = try await world.up(try Self.app(["main.py": Self.echoApp]), service: "other")
        #expect(otherUp.status == 0, "\(otherUp.log)")
        let taken = try await world.cli.exec(["domain", "--tcp", "--service", "other", "--target-port", "9555", "--proxy-port", "\(port)"])
        #expect(taken.status != 0 && taken.stderr.contains("in use"), "\(taken.stderr)")
        let squatter = try Self.squat(port: range.lowerBound + 20)
        defer { close(squatter) }
        let held = try await world.cli.exec(["domain", "--tcp", "--service", "other", "--target-port", "9555", "--proxy-port", "\(range.lowerBound + 20)"])
        #expect(held.status != 0 && held.stderr.contains("in use"), "\(held.stderr)")
        let free = try #require(try await world.cli.execJSON(["domain", "--tcp", "--service", "other", "--target-port", "9555"]) as? [String: Any])
        let otherPort = try #require(free["port"] as? Int)
        #expect(range.contains(otherPort) && otherPort != port && otherPort != range.lowerBound + 20, "\(free)")

        // Bytes both ways, through the proxy to web's echo server.
        let echoed = try await Self.child(["/usr/bin/python3", "-c", """
            import socket
            c = socket.create_connection(("127.0.0.1", \(port)), timeout=10); c.sendall(b"hello through the proxy"); print(c.recv(100).decode())
            """])
        #expect(echoed.output.contains("hello through the proxy"), "\(echoed)")

        // Another workspace neither sees nor removes it (404, as for anything of ours); we do see it.
        let api = LiveAPI(url: world.server.url)
        let admin = try await api.login("admin@example.com", "admin-password")
        let me = try await api.call(.GET, "/api/v1/me", token: admin)
        let workspace = try #require(((me.json["workspaces"] as? [[String: Any]])?.first?["workspace"] as? [String: Any])?["id"] as? String)
        let outsider = try await api.join(admin: admin, workspace: workspace, email: "outsider@example.com", role: "viewer")
        let outsiderMe = try await api.call(.GET, "/api/v1/me", token: outsider)
        let outsiderID = try #require((outsiderMe.json["user"] as? [String: Any])?["id"] as? String)
        #expect(try await api.call(.DELETE, "/api/v1/workspaces/\(workspace)/members/\(outsiderID)", token: admin).status == 204)
        let serviceID = try #require(proxy["serviceId"] as? String)
        let environmentID = try #require(proxy["environmentId"] as? String)
        let path = "/api/v1/services/\(serviceID)/tcp-proxies?environmentId=\(environmentID)"
        #expect(try await api.call(.GET, path, token: outsider).status == 404)
        #expect(try await api.call(.DELETE, path, token: outsider).status == 404)
        #expect(try await api.call(.POST, path, token: outsider, json: ["targetPort": 9555]).status == 404)
        let ours = try await api.call(.GET, path, token: admin)
        #expect(ours.status == 200 && (ours.json["items"] as? [[String: Any]])?.first?["port"] as? Int == port, "\(ours.text)")
        #expect(Self.accepts(port: port), "the stranger's attempts closed the proxy")

        // A flood: the proxy's 256 connections echo, the 257th is closed at once, the edge keeps
        // answering HTTP, and a freed slot is served again.
        let domain = try #require(try await world.cli.execJSON(["domain", "--service", "web"]) as? [String: Any])
        let host = try #require(domain["hostname"] as? String)
        let flooded = try await Self.child(["/usr/bin/python3", "-c", Self.flood, String(port), String(world.server.httpPort), host])
        #expect(flooded.output.contains("echoed 256"), "\(flooded)")
        #expect(flooded.output.contains("extra closed True"), "\(flooded)")
        #expect(flooded.output.contains("http ok"), "\(flooded)")
        #expect(flooded.output.contains("again True"), "\(flooded)")
    }
}
