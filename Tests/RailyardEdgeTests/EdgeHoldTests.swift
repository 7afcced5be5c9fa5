import AsyncHTTPClient
import Foundation
import NIOCore
import Testing
@testable import RailyardEdge

/// Routes that hold requests (a volume service between its old replica and its new one):
/// a request waits for an instance instead of getting a 503, body and all, up to a bound.
extension EdgeProxyTests {
    static func holding(_ host: String, _ upstreams: [Int]) -> [String: RouteEntry] {
        [host: RouteEntry(service: "svc", addresses: upstreams.map { (host: "127.0.0.1", port: $0) }, holdsRequests: true)]
    }

    @Test func aHeldRequestGoesToTheInstanceThatComes() async throws {
        let upstream = try await TestUpstream.start("late")
        let edge = try await Edge.start()
        defer { Task { await edge.stop(); await upstream.stop() } }
        edge.server.routes.replace(with: Self.holding("vol.localhost", []).merging([
            "plain.localhost": RouteEntry(service: "plain", addresses: []),
        ]) { first, _ in first })
        // A route that does not hold answers 503 at once, as before.
        #expect(try await Self.get(edge, host: "plain.localhost").status == 503)

        // Requests (one with a 100 KiB body) wait while the route has no instance…
        async let plain = Self.get(edge, host: "vol.localhost")
        async let posted = Self.get(edge, host: "vol.localhost", path: "/count", method: .POST,
                                    body: ByteBuffer(repeating: 0x62, count: 100 * 1024))
        try await Self.waitUntil { edge.server.routes.openConnectionCount >= 2 }
        try await Task.sleep(for: .milliseconds(300))
        #expect(edge.server.routes.openConnectionCount >= 2, "the held requests are still open")
        // …and go to the instance once the control plane publishes one.
        edge.server.routes.replace(with: Self.holding("vol.localhost", [upstream.port]))
        let first = try await plain
        #expect(first.status == 200)
        #expect(first.body == "late")
        let second = try await posted
        #expect(second.status == 200)
        #expect(second.body == String(100 * 1024), "the whole body arrived: \(second.body)")
    }

    @Test func aHeldRequestGetsAServiceUnavailablePastTheBound() async throws {
        var limits = EdgeLimits()
        limits.hold = .milliseconds(400)
        let edge = try await Edge.start(limits: limits)
        defer { Task { await edge.stop() } }
        edge.server.routes.replace(with: Self.holding("vol.localhost", []))
        let started = ContinuousClock.now
        let reply = try await Self.get(edge, host: "vol.localhost")
        #expect(reply.status == 503)
        #expect(ContinuousClock.now - started >= .milliseconds(400), "it waited the bound first")
        // The connection serves the next request as usual.
        #expect(try await Self.get(edge, host: "vol.localhost").status == 503)
    }

    @Test func aHeldRequestEndsWhenTheRouteStopsHolding() async throws {
        let edge = try await Edge.start()
        defer { Task { await edge.stop() } }
        edge.server.routes.replace(with: Self.holding("vol.localhost", []))
        async let reply = Self.get(edge, host: "vol.localhost")
        try await Self.waitUntil { edge.server.routes.openConnectionCount >= 1 }
        try await Task.sleep(for: .milliseconds(100))
        // The volume was removed: the route no longer holds, and the waiting request is told so.
        edge.server.routes.replace(with: ["vol.localhost": RouteEntry(service: "svc", addresses: [])])
        #expect(try await reply.status == 503)
    }
}
