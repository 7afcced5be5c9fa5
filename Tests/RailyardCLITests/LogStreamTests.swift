import Foundation
import Glibc
import Testing

/// Issue 19: the followed log's promises through a live server: a quiet stream still gets
/// heartbeats.
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
}
