import AsyncHTTPClient
import Foundation
import NIOCore
import Synchronization
import Testing

/// Promises of the README checked against a live `railyard server`: what an app finds in its
/// environment, and redeploys that cut no request off, slow ones included.
extension DeployEndToEndTests {
    /// An app that answers its whole environment as JSON.
    static let environmentApp = """
        import json, os
        from http.server import BaseHTTPRequestHandler, HTTPServer
        class H(BaseHTTPRequestHandler):
            def do_GET(self):
                body = json.dumps(dict(os.environ)).encode()
                self.send_response(200)
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def log_message(self, *args): pass
        HTTPServer(("0.0.0.0", int(os.environ["PORT"])), H).serve_forever()
        """

    @Test func variablesAndPlatformVariablesReachTheApp() async throws {
        let world = try await World.make()
        defer { world.stop() }
        try await world.service("web")
        let set = try await world.cli.exec(["variables", "--service", "web", "--set", "GREETING=hello", "--set", "SPACED=a b=c"])
        #expect(set.status == 0, "\(set.stderr)")
        let result = try await world.up(try Self.app(["main.py": Self.environmentApp]), service: "web")
        #expect(result.status == 0, "\(result.log)")
        let deploymentID = try #require(result.deployment["id"] as? String)
        let address = try #require(Self.addresses(result.deployment).first)
        let reply = try #require(await Self.get(address), "the app answers on \(address)")
        let environment = try #require(try JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as? [String: String])

        #expect(environment["GREETING"] == "hello")
        #expect(environment["SPACED"] == "a b=c")
        #expect(environment["PORT"] == address.split(separator: ":").last.map(String.init))
        let service = try #require(try await world.cli.execJSON(["service", "list"]) as? [[String: Any]])
            .first { $0["name"] as? String == "web" }
        let serviceID = try #require(service?["id"] as? String)
        let expected: [String: String] = [
            "PROJECT_NAME": "apps", "ENVIRONMENT_NAME": "production", "SERVICE_NAME": "web", "SERVICE_ID": serviceID,
            "DEPLOYMENT_ID": deploymentID, "REPLICA_ID": "0",
        ]
        #expect(environment["RAILWAY_PRIVATE_DOMAIN"] == "web.railway.internal")
        #expect(environment["RAILYARD_PRIVATE_DOMAIN"] == "web.railyard.internal")
        for prefix in ["RAILWAY_", "RAILYARD_"] {
            for (name, value) in expected {
                #expect(environment[prefix + name] == value, "\(prefix + name): \(environment[prefix + name] ?? "missing")")
            }
            #expect(environment[prefix + "PROJECT_ID"]?.isEmpty == false)
            #expect(environment[prefix + "ENVIRONMENT_ID"]?.isEmpty == false)
        }

        // A changed variable reaches the next deployment.
        #expect(try await world.cli.exec(["variables", "--service", "web", "--set", "GREETING=bye", "--unset", "SPACED"]).status == 0)
        let next = try await world.up(try Self.app(["main.py": Self.environmentApp]), service: "web")
        #expect(next.status == 0, "\(next.log)")
        let nextAddress = try #require(Self.addresses(next.deployment).first)
        let nextReply = try #require(await Self.get(nextAddress))
        let nextEnvironment = try #require(try JSONSerialization.jsonObject(with: Data(nextReply.body.utf8)) as? [String: String])
        #expect(nextEnvironment["GREETING"] == "bye")
        #expect(nextEnvironment["SPACED"] == nil)
        #expect(nextEnvironment["RAILWAY_DEPLOYMENT_ID"] == next.deployment["id"] as? String)
    }

    /// An app whose `/slow` answers after two seconds, from a server that serves requests side
    /// by side.
    static func slowServer(_ version: String) -> String {
        """
        import os, time
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        class H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            def do_GET(self):
                if self.path.startswith("/slow"):
                    time.sleep(2)
                body = b"\(version)"
                self.send_response(200)
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def log_message(self, *args): pass
        ThreadingHTTPServer(("0.0.0.0", int(os.environ["PORT"])), H).serve_forever()
        """
    }

    /// Clients asking for `/slow` (two seconds each) one after another all through a redeploy:
    /// at the moment the new deployment takes over, several requests are half-way through on the
    /// old one, and each must still get its answer. With no draining period set (the default),
    /// the old deployment still waits for them (up to 30 s) before it is signalled: it waited
    /// 1 s at first, and these requests got 502s.
    @Test func slowRequestsInFlightDuringARedeployAreNotDropped() async throws {
        let world = try await World.make()
        defer { world.stop() }
        try await world.service("web")
        #expect(try await world.cli.exec(["domain", "--service", "web"]).status == 0)
        let first = try await world.up(try Self.app(["main.py": Self.slowServer("v1")]), service: "web")
        #expect(first.status == 0, "\(first.log)")
        try await Self.waitFor("v1 through the edge") { await Self.viaEdge(world, host: "web-apps.localhost")?.body == "v1" }

        let state = SlowLoad()
        let edgeURL = world.server.edgeURL
        let clients = Task {
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        while !state.outcome.withLock({ $0.stopped }) {
                            var request = HTTPClientRequest(url: edgeURL + "/slow")
                            request.headers.replaceOrAdd(name: "Host", value: "web-apps.localhost")
                            do {
                                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
                                let body = String(buffer: try await response.body.collect(upTo: 1 << 16))
                                state.outcome.withLock {
                                    if response.status == .ok {
                                        $0.answers.append((body, ContinuousClock.now))
                                    } else {
                                        $0.failures.append("\(response.status.code): \(body.prefix(80))")
                                    }
                                }
                            } catch {
                                state.outcome.withLock { $0.failures.append("\(error)") }
                            }
                        }
                    }
                }
            }
        }
        let second = try await world.up(try Self.app(["main.py": Self.slowServer("v2")]), service: "web")
        #expect(second.status == 0, "\(second.log)")
        let switched = ContinuousClock.now
        // Long enough for every request begun before the switch to end, and a few after it.
        try await Self.waitFor("answers from v2 after the switch") {
            state.outcome.withLock { outcome in outcome.answers.filter { $0.body == "v2" }.count >= 4 }
        }
        state.outcome.withLock { $0.stopped = true }
        await clients.value
        let outcome = state.outcome.withLock { $0 }
        #expect(outcome.failures.isEmpty, "requests failed during the redeploy: \(outcome.failures.prefix(5))")
        #expect(outcome.answers.contains { $0.body == "v1" } && outcome.answers.contains { $0.body == "v2" })
        // Answers from v1 that ended after `up` said v2 serves: requests that were in flight on
        // the old deployment when it was replaced (otherwise the test proved nothing).
        let straddling = outcome.answers.filter { $0.body == "v1" && $0.ended > switched }.count
        print("slow requests: \(outcome.answers.count) answered, \(straddling) from v1 after the switch")
    }

    /// The limits a server has without any setting: five failures per account and address,
    /// twenty per address (README, SECURITY.md), each failure answered 401 until then.
    @Test func loginLimitsByDefault() async throws {
        let world = try await World.make()
        defer { world.stop() }
        let api = LiveAPI(url: world.server.url)
        func attempt(_ email: String, _ password: String) async throws -> Int {
            try await api.call(.POST, "/api/v1/auth/login", json: ["email": email, "password": password]).status
        }
        for index in 1...5 {
            #expect(try await attempt("admin@example.com", "wrong-password") == 401, "failure \(index) for the account")
        }
        #expect(try await attempt("admin@example.com", "admin-password") == 429, "the sixth try at one account, right or not")
        // Fifteen more failures at accounts that do not exist, one each (a refused attempt is
        // not counted): twenty from this address, each still answered; the next one is not.
        for index in 1...15 {
            #expect(try await attempt("ghost\(index)@example.com", "wrong-password") == 401, "failure \(5 + index) for the address")
        }
        #expect(try await attempt("ghost-last@example.com", "wrong-password") == 429, "past twenty failures from one address")
    }

    /// The CLI's access token is refused (expired, or revoked): it refreshes the session once,
    /// saves the new pair and retries; with the refresh token refused as well it says to log in.
    @Test func theCLIRefreshesItsSessionOnA401() async throws {
        let world = try await World.make()
        defer { world.stop() }
        let path = world.cli.configHome + "/railyard/config.json"
        func config() throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        }
        func write(_ config: [String: Any]) throws {
            try JSONSerialization.data(withJSONObject: config).write(to: URL(fileURLWithPath: path))
        }
        var saved = try config()
        let refreshToken = try #require(saved["refreshToken"] as? String)
        saved["accessToken"] = "not-a-token-this-server-issued"
        try write(saved)
        let listed = try await world.cli.exec(["project", "list"])
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stdout.contains("apps"), "\(listed.stdout)")
        let refreshed = try config()
        let newAccess = try #require(refreshed["accessToken"] as? String)
        #expect(newAccess != "not-a-token-this-server-issued")
        #expect(refreshed["refreshToken"] as? String != refreshToken, "the refresh token was rotated and saved")
        // The saved pair works without another refresh.
        #expect(try await world.cli.exec(["project", "list"]).status == 0)
        #expect(try config()["accessToken"] as? String == newAccess)

        var spent = try config()
        spent["accessToken"] = "not-a-token-this-server-issued"
        spent["refreshToken"] = refreshToken
        try write(spent)
        let expired = try await world.cli.exec(["project", "list"])
        #expect(expired.status != 0)
        #expect(expired.stderr.contains("run `railyard login` again"), "\(expired.stderr)")
    }

    /// An app that prints `tick 0000`, `tick 0001`… every 0.3 s while it serves.
    static let tickingApp = """
        import os, threading, time
        from http.server import BaseHTTPRequestHandler, HTTPServer
        def tick():
            n = 0
            while True:
                print("tick %04d" % n, flush=True)
                n += 1
                time.sleep(0.3)
        threading.Thread(target=tick, daemon=True).start()
        class H(BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200); self.end_headers(); self.wfile.write(b"ok")
            def log_message(self, *args): pass
        HTTPServer(("0.0.0.0", int(os.environ["PORT"])), H).serve_forever()
        """

    /// Resuming a deployment's log: `after` (JSON pages) and `Last-Event-ID` (the followed
    /// stream) give exactly the lines after the one named, history then live, each once; the
    /// CLI's `--since` leaves out older lines.
    @Test func logsResumeAfterALineAndSinceATime() async throws {
        let world = try await World.make()
        defer { world.stop() }
        try await world.service("web")
        let result = try await world.up(try Self.app(["main.py": Self.tickingApp]), service: "web")
        #expect(result.status == 0, "\(result.log)")
        let deploymentID = try #require(result.deployment["id"] as? String)
        let api = LiveAPI(url: world.server.url)
        let token = try await api.login("admin@example.com", "admin-password")
        let path = "/api/v1/deployments/\(deploymentID)/logs"
        func page(_ query: String) async throws -> [[String: Any]] {
            let reply = try await api.call(.GET, path + query, token: token)
            #expect(reply.status == 200, "\(reply.text.prefix(200))")
            return reply.json["items"] as? [[String: Any]] ?? []
        }
        try await Self.waitFor("six ticks in the log") {
            try await page("?limit=5000").filter { ($0["message"] as? String)?.hasPrefix("tick ") == true }.count >= 6
        }
        let all = try await page("?limit=5000")
        let seqs = all.compactMap { $0["seq"] as? Int }
        #expect(seqs == Array(1...seqs.count), "numbered from 1 without gaps: \(seqs)")
        let ticks = all.filter { ($0["message"] as? String)?.hasPrefix("tick ") == true }
        let resumePoint = try #require(ticks[2]["seq"] as? Int)

        let after = try await page("?after=\(resumePoint)&limit=5000")
        let afterSeqs = after.compactMap { $0["seq"] as? Int }
        #expect(afterSeqs.first == resumePoint + 1, "\(afterSeqs)")
        #expect(afterSeqs == Array((resumePoint + 1)..<(resumePoint + 1 + afterSeqs.count)))
        #expect(after.first?["message"] as? String == all.first { $0["seq"] as? Int == resumePoint + 1 }?["message"] as? String)
        #expect(try await api.call(.GET, path + "?after=-1", token: token).status == 400)

        // Followed, resumed with Last-Event-ID: the history after that line, then live ticks
        // printed since, with ids that go on one by one.
        var request = HTTPClientRequest(url: world.server.url + path + "?follow=true")
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Last-Event-ID", value: String(resumePoint))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        #expect(response.headers.first(name: "content-type") == "text/event-stream")
        var text = ""
        var ids: [Int] = []
        let newest = seqs.last ?? 0
        for try await part in response.body {
            text += String(buffer: part)
            ids = text.split(separator: "\n").compactMap { $0.hasPrefix("id: ") ? Int($0.dropFirst(4)) : nil }
            // Past what the page above held, by three live lines.
            if (ids.last ?? 0) >= newest + 3 { break }
        }
        #expect(ids.first == resumePoint + 1, "\(ids.prefix(5))")
        #expect(ids == Array((resumePoint + 1)..<(resumePoint + 1 + ids.count)), "each line once, in order: \(ids)")
        #expect((ids.last ?? 0) >= newest + 3, "live lines follow the history")

        // `--since`: the first tick is older than 3 s by now; recent ticks are not.
        try await Task.sleep(for: .seconds(5))
        let recent = try await world.cli.exec(["logs", "--service", "web", "--since", "3s"])
        #expect(recent.status == 0, "\(recent.stderr)")
        #expect(recent.stdout.contains("tick ") && !recent.stdout.contains("tick 0000"), "\(recent.stdout.suffix(400))")
        let everything = try await world.cli.exec(["logs", "--service", "web", "--since", "1h"])
        #expect(everything.stdout.contains("tick 0000"), "\(everything.stdout.prefix(400))")
    }
}

/// What clients asking for slow answers got, shared between them and the test.
final class SlowLoad: Sendable {
    struct Outcome: Sendable {
        var failures: [String] = []
        var answers: [(body: String, ended: ContinuousClock.Instant)] = []
        var stopped = false
    }

    let outcome = Mutex(Outcome())
}
