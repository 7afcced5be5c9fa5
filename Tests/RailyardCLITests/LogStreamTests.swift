import Foundation
import Glibc
import Testing

/// Issue 19: the followed log's promises through a live server. A quiet stream still gets
/// heartbeats; `railyard up` whose stream drops in the middle of a build resumes after the
/// last line it printed, so it prints every line once and still exits with the status.
extension DeployEndToEndTests {
    /// What a raw client of a followed log received: the text, and when each heartbeat came
    /// (from the connection's start).
    struct FollowedStream {
        var text = ""
        var heartbeats: [Duration] = []
        var lastEvent: Duration = .zero
    }

    /// Reads `GET path` on the API's port for `seconds`, byte by byte as it comes, with no
    /// HTTP client between the server and the test.
    static func followRaw(port: Int, path: String, token: String, seconds: Int) throws -> FollowedStream {
        let fd = try LoopbackSocket.connect(port: port)
        defer { close(fd) }
        LoopbackSocket.send(fd, Array((
            "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAuthorization: Bearer \(token)\r\n"
            + "Accept: text/event-stream\r\n\r\n").utf8))
        LoopbackSocket.receiveTimeout(fd, milliseconds: 250)
        let started = ContinuousClock.now
        var stream = FollowedStream()
        while ContinuousClock.now - started < .seconds(seconds) {
            guard let bytes = LoopbackSocket.receiveUnlessTimedOut(fd) else { continue }
            if bytes.isEmpty { break }
            let now = ContinuousClock.now - started
            let before = stream.text.components(separatedBy: ": heartbeat\n\n").count
            stream.text += String(decoding: bytes, as: UTF8.self)
            let after = stream.text.components(separatedBy: ": heartbeat\n\n").count
            stream.heartbeats += Array(repeating: now, count: after - before)
            if String(decoding: bytes, as: UTF8.self).contains("event: ") { stream.lastEvent = now }
        }
        return stream
    }

    @Test func aQuietFollowedLogGetsHeartbeats() async throws {
        let world = try await World.make()
        defer { world.stop() }
        try await world.service("quiet")
        // The app prints nothing (its request log is off) and nobody calls it.
        let result = try await world.up(try Self.app(["main.py": Self.pythonServer("quiet")]), service: "quiet")
        #expect(result.status == 0, "\(result.log)")
        let id = try #require(result.deployment["id"] as? String)
        let token = try await LiveAPI(url: world.server.url).login("admin@example.com", "admin-password")
        let port = world.server.port

        let stream = try await onOwnThread {
            try Self.followRaw(port: port, path: "/api/v1/deployments/\(id)/logs?follow=true", token: token, seconds: 17)
        }
        #expect(stream.text.hasPrefix("HTTP/1.1 200"), "\(stream.text.prefix(300))")
        #expect(stream.text.lowercased().contains("content-type: text/event-stream"))
        // The history, then the current status (SUCCESS, so the stream stays open).
        #expect(stream.text.contains("event: status") && stream.text.contains("SUCCESS"), "\(stream.text.prefix(2000))")
        // Nothing else to say for 17 s: the server says it is still there every ~5 s (a wake
        // every 5 s writes one once 4 s passed without a write), so that a client, or a proxy
        // between, can tell a quiet stream from a dead one, and the server notices a client
        // that went away.
        #expect(stream.heartbeats.count >= 2, "heartbeats at \(stream.heartbeats) in \(stream.text.suffix(400))")
        let quietFrom = stream.lastEvent
        let marks = [quietFrom] + stream.heartbeats.filter { $0 > quietFrom }
        let gaps = zip(marks.dropFirst(), marks).map { $0 - $1 }
        #expect(gaps.count >= 2, "heartbeats after the last event at \(quietFrom): \(stream.heartbeats)")
        #expect(gaps.allSatisfy { $0 <= .seconds(11) }, "a silence longer than two heartbeat periods: \(gaps)")
        #expect(gaps.dropFirst().allSatisfy { $0 >= .seconds(3) }, "heartbeats only after a quiet while: \(gaps)")
    }

    @Test func upResumesADroppedLogStreamWithoutGapOrRepeat() async throws {
        let world = try await World.make()
        defer { world.stop() }
        try await world.service("counting")
        let token = try #require(try await world.cli.execJSON(["tokens", "create", "--name", "proxied"]) as? [String: Any])
        // The stream is cut the first time line-12's event passes, in the middle of it.
        let proxy = try CuttingProxy(upstreamPort: world.server.port, cutAt: #""message":"line-12""#)
        defer { proxy.stop() }
        var cli = try CLI.make()
        cli.environment["RAILYARD_SERVER"] = "http://127.0.0.1:\(proxy.port)"
        cli.environment["RAILYARD_TOKEN"] = try #require(token["secret"] as? String)
        let app = try Self.app([
            "main.py": Self.pythonServer("counted"),
            "railway.json": #"{"build": {"buildCommand": "for i in $(seq 1 40); do echo line-$i; sleep 0.1; done"}}"#,
        ])

        let result = try await cli.exec(["up", app.path, "--project", "apps", "--service", "counting"])
        #expect(result.status == 0, "\(result.stderr.suffix(2000))")
        #expect(proxy.cuts == 1, "the proxy cut the log stream once")
        let printed = result.stderr.split(separator: "\n").compactMap { line -> Int? in
            guard let range = line.range(of: "] | line-") else { return nil }
            return Int(line[range.upperBound...])
        }
        #expect(printed == Array(1...40), "every build line once, in order: \(printed)")
        // Resumed after a line it had, not from the start (which `up` would print twice) nor
        // from the status alone (which would leave a gap).
        let follows = proxy.requestLines.filter { $0.contains("follow=true") }
        #expect(follows.count >= 2, "\(proxy.requestLines)")
        let resumedAfter = follows.dropFirst().first.flatMap { line -> Int? in
            guard let range = line.range(of: "after=") else { return nil }
            return Int(line[range.upperBound...].prefix { $0.isNumber })
        }
        #expect((resumedAfter ?? 0) > 0, "the second stream starts after a line: \(follows)")
        let deployment = try #require(try await world.deployments("counting").first)
        #expect(deployment["status"] as? String == "SUCCESS", "\(deployment)")
    }
}
