import AsyncHTTPClient
import Foundation
import RailyardCore
import Testing

/// Issue 14 item 7 against a live server: an app that prints as fast as it can beside a quiet
/// one. The server's memory stays within its log budget, the last lines and `--since` of the
/// long log come back at once, and the quiet app's health checks do not fail.
extension DeployEndToEndTests {
    /// Prints as fast as it can for `seconds`, then "chatty: done" and one "tick N" line a
    /// second; answers 200 on every path.
    static func chattyApp(seconds: Int) throws -> URL {
        try Self.app(["main.py": """
            import sys, threading, time
            def chatter():
                started = time.monotonic()
                n = 0
                while time.monotonic() - started < \(seconds):
                    sys.stdout.write("".join("chatty line %d with some text to make it a realistic length\\n" % (n + i) for i in range(1000)))
                    n += 1000
                sys.stdout.flush()
                print("chatty: done after %d lines" % n, flush=True)
                tick = 0
                while True:
                    tick += 1
                    print("tick %d" % tick, flush=True)
                    time.sleep(1)
            threading.Thread(target=chatter, daemon=True).start()
            """ + "\n" + Self.pythonServer("chatty")])
    }

    /// The resident memory of process `pid`, in bytes (VmRSS).
    static func residentBytes(_ pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kilobytes = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        else { return nil }
        return kilobytes * 1024
    }

    @Test func aChattyAppKeepsTheServerSmallItsLogQuickAndItsNeighboursHealthy() async throws {
        let world = try await World.make()
        defer { world.stop() }
        let pid = try #require(world.server.process?.processIdentifier)
        try await world.service("quiet")
        let quiet = try await world.up(try Self.app([
            "main.py": Self.pythonServer("quiet"), "railway.json": #"{"deploy": {"healthcheckPath": "/"}}"#,
        ]), service: "quiet")
        #expect(quiet.status == 0, "\(quiet.log)")
        try await world.service("chatty")
        let baseline = try #require(Self.residentBytes(pid))

        let chatterSeconds = 24
        let chatty = try await world.up(try Self.chattyApp(seconds: chatterSeconds), service: "chatty")
        #expect(chatty.status == 0, "\(chatty.log)")
        let chattyID = try #require(chatty.deployment["id"] as? String)
        let chatterEnds = ContinuousClock.now + .seconds(chatterSeconds)
        let sampler = Task {
            var peak = 0
            while !Task.isCancelled {
                peak = max(peak, Self.residentBytes(pid) ?? 0)
                try? await Task.sleep(for: .milliseconds(200))
            }
            return peak
        }
        defer { sampler.cancel() }

        // While it chatters (its log some tens of megabytes by now): the last 100 lines.
        try await Task.sleep(for: .seconds(10))
        let midChatter = JSONCoding.formatTimestamp(Date())
        var started = ContinuousClock.now
        let tail = try await world.cli.exec(["logs", "--service", "chatty", "-n", "100"])
        let tailTook = ContinuousClock.now - started
        #expect(tail.status == 0, "\(tail.stderr)")
        let tailLines = tail.stdout.split(separator: "\n")
        #expect(tailLines.count == 100, "\(tailLines.count) lines")
        #expect(tailLines.contains { $0.contains("chatty line") }, "\(tailLines.last ?? "")")
        // Minutes before (the whole log was read). The bound only tells reading from the end
        // from reading everything, with room for a loaded 2-core machine and a debug build (it
        // once took 2.06 s here beside three builds); the figure is benchmarks/logs.sh's.
        #expect(tailTook < .seconds(10), "railyard logs -n 100 took \(tailTook)")

        // The same through the API, which reads the last lines without reading the log.
        let token = try #require(try await world.cli.execJSON(["tokens", "create", "--name", "logs"]) as? [String: Any])
        let secret = try #require(token["secret"] as? String)
        func api(_ query: String) async throws -> (page: [String: Any], took: Duration) {
            var request = HTTPClientRequest(url: "\(world.server.url)/api/v1/deployments/\(chattyID)/logs?\(query)")
            request.headers.add(name: "Authorization", value: "Bearer \(secret)")
            let started = ContinuousClock.now
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(300))
            let body = try await response.body.collect(upTo: 64 << 20)
            let took = ContinuousClock.now - started
            #expect(response.status == .ok, "\(query): \(response.status)")
            return (try #require(try JSONSerialization.jsonObject(with: Data(String(buffer: body).utf8)) as? [String: Any]), took)
        }
        let (page, apiTook) = try await api("tail=100&phase=deploy")
        #expect((page["items"] as? [Any])?.count == 100)
        #expect(apiTook < .seconds(10), "GET logs?tail=100 took \(apiTook)")

        try await Task.sleep(until: chatterEnds + .seconds(4))
        sampler.cancel()
        let peak = await sampler.value
        // --since, once it only ticks: found by a binary search over tens of megabytes.
        started = ContinuousClock.now
        let recent = try await world.cli.exec(["logs", "--service", "chatty", "--since", "3s"])
        let took = ContinuousClock.now - started
        #expect(recent.status == 0, "\(recent.stderr)")
        #expect(recent.stdout.contains("tick"), "\(recent.stdout)")
        #expect(!recent.stdout.contains("chatty line"), "lines older than 3 s: \(recent.stdout.prefix(500))")
        #expect(took < .seconds(10), "railyard logs --since 3s took \(took)")
        let (sincePage, sinceTook) = try await api("since=\(midChatter)&limit=10")
        let sinceItems = try #require(sincePage["items"] as? [[String: Any]])
        #expect(sinceItems.count == 10 && sincePage["nextCursor"] != nil)
        #expect(((sinceItems.first?["time"] as? String) ?? "") >= midChatter, "\(sinceItems.first ?? [:])")
        #expect(sinceTook < .seconds(10), "GET logs?since took \(sinceTook)")

        // Memory: lines wait within a fixed budget (16 MiB for all deployments), a reader holds
        // one page (at most 4 MiB), SSE writes go out a page at a time; 64 MB leaves room for
        // the allocator's slack and the deploy itself (measured: 16 MB). Before, a chatty app
        // grew the server by 300 MB, which it kept.
        let growth = peak - baseline
        #expect(growth < 64 << 20, "the server grew from \(baseline >> 20) MB to \(peak >> 20) MB")
        // The quiet app kept passing its health checks.
        let quietLog = try await world.cli.exec(["logs", "--service", "quiet"])
        #expect(quietLog.status == 0)
        #expect(!quietLog.stdout.contains("failed its health check"), "\(quietLog.stdout)")
        #expect(Self.addresses(try #require(try await world.deployments("quiet").first)).count == 1)
        let logFiles = try FileManager.default.contentsOfDirectory(atPath: world.data + "/logs").filter { $0.hasPrefix(chattyID) }
        let logBytes = try logFiles.reduce(0) { total, name in
            total + ((try FileManager.default.attributesOfItem(atPath: world.data + "/logs/" + name)[.size] as? Int) ?? 0)
        }
        print("chatty log: \(logBytes >> 20) MB kept; server RSS \(baseline >> 20) MB before, \(peak >> 20) MB at its peak; "
              + "logs -n 100 took \(tailTook), --since \(took), API tail \(apiTook), API since \(sinceTook)")
    }
}
