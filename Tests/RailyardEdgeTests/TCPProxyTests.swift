import Foundation
import NIOCore
import NIOPosix
import Testing
@testable import RailyardEdge

/// The edge's TCP proxies over real sockets on loopback: bytes both ways, the table's
/// instances only, a connection held while an instance is on its way and closed at once when
/// none is, a removed proxy's connections closed, and a proxy's connection limit.
struct TCPProxyTests {
    /// An echo server on a free loopback port.
    static func echoServer() async throws -> any Channel {
        try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Echo()) } }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    /// A free port for a proxy (bound and let go).
    static func freePort() async throws -> Int {
        let channel = try await echoServer()
        let port = try #require(channel.localAddress?.port)
        try await channel.close()
        return port
    }

    /// Connects, sends `text`, and reads until `expecting` bytes (default: as many as sent)
    /// came back, the connection closed or `timeout` seconds passed: what came back ("" when
    /// it was closed with nothing, "refused" when it could not connect).
    static func exchange(_ port: Int, _ text: String, expecting: Int? = nil, timeout: Int = 5) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
                defer { close(descriptor) }
                var seconds = timeval(tv_sec: timeout, tv_usec: 0)
                setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &seconds, socklen_t(MemoryLayout<timeval>.size))
                var address = sockaddr_in()
                address.sin_family = sa_family_t(AF_INET)
                address.sin_port = UInt16(port).bigEndian
                address.sin_addr.s_addr = inet_addr("127.0.0.1")
                let connected = withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
                }
                guard connected == 0 else { return continuation.resume(returning: "refused") }
                _ = text.withCString { send(descriptor, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
                var received: [UInt8] = []
                var buffer = [UInt8](repeating: 0, count: 65536)
                while received.count < (expecting ?? text.utf8.count) {
                    let count = recv(descriptor, &buffer, buffer.count, 0)
                    if count <= 0 { break }
                    received += buffer[0..<count]
                }
                continuation.resume(returning: String(decoding: received, as: UTF8.self))
            }.start()
        }
    }

    /// A connection to `port` that sent `text` and got it back whole: its descriptor (the
    /// caller closes it), or nil.
    static func echoed(_ port: Int, _ text: String) async -> Int32? {
        await withCheckedContinuation { continuation in
            Thread {
                let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
                var seconds = timeval(tv_sec: 10, tv_usec: 0)
                setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &seconds, socklen_t(MemoryLayout<timeval>.size))
                var address = sockaddr_in()
                address.sin_family = sa_family_t(AF_INET)
                address.sin_port = UInt16(port).bigEndian
                address.sin_addr.s_addr = inet_addr("127.0.0.1")
                let connected = withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
                }
                _ = text.withCString { send(descriptor, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
                var received: [UInt8] = []
                var buffer = [UInt8](repeating: 0, count: 4096)
                while connected == 0, received.count < text.utf8.count {
                    let count = recv(descriptor, &buffer, buffer.count, 0)
                    if count <= 0 { break }
                    received += buffer[0..<count]
                }
                guard String(decoding: received, as: UTF8.self) == text else {
                    close(descriptor)
                    return continuation.resume(returning: nil)
                }
                continuation.resume(returning: descriptor)
            }.start()
        }
    }

    /// Whether the peer closed `descriptor` (a read gives end of file) within `seconds`.
    static func closedByPeer(_ descriptor: Int32, within seconds: Int) async -> Bool {
        await withCheckedContinuation { continuation in
            Thread {
                var timeout = timeval(tv_sec: seconds, tv_usec: 0)
                setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                var byte: UInt8 = 0
                continuation.resume(returning: recv(descriptor, &byte, 1, 0) == 0)
            }.start()
        }
    }

    @Test func bytesGoBothWaysToTheTablesInstanceOnly() async throws {
        let echo = try await Self.echoServer()
        defer { echo.close(promise: nil) }
        let upstreamPort = try #require(echo.localAddress?.port)
        let server = TCPProxyServer(host: "127.0.0.1")
        let port = try await Self.freePort()
        #expect(await server.listen(on: [port]).isEmpty)
        // Not routed yet, and nothing coming: closed at once, nothing echoed.
        #expect(try await Self.exchange(port, "early") == "")
        server.routes.replace(with: [port: TCPProxyEntry(service: "db", addresses: [(host: "127.0.0.1", port: upstreamPort)])])
        let large = String(repeating: "abcdefgh", count: 64 * 1024)
        #expect(try await Self.exchange(port, large) == large)
        #expect(server.routes.addresses(port: port) == ["127.0.0.1:\(upstreamPort)"])
        await server.closeAll()
    }

    @Test func aConnectionWaitsForAnInstanceOnItsWayAndIsClosedWhenTheProxyGoes() async throws {
        let echo = try await Self.echoServer()
        defer { echo.close(promise: nil) }
        let upstreamPort = try #require(echo.localAddress?.port)
        let server = TCPProxyServer(host: "127.0.0.1")
        let port = try await Self.freePort()
        await server.listen(on: [port])
        server.routes.replace(with: [port: TCPProxyEntry(service: "db", addresses: [], holdsConnections: true)])
        async let held = Self.exchange(port, "held")
        try await Task.sleep(for: .milliseconds(300))
        server.routes.replace(with: [port: TCPProxyEntry(service: "db", addresses: [(host: "127.0.0.1", port: upstreamPort)])])
        #expect(try await held == "held")

        // A removed proxy: the port no longer accepts, and a connection through it is closed.
        // (The held connection's close reached the proxy first, so the count below is the new one.)
        try await Self.waitUntil { await server.openConnections(port: port) == 0 }
        // Glued for certain once its bytes came back from the instance (the proxy counts a
        // connection from its accept, before it is glued: a run of the edge tests at a82d6c3 saw
        // the removal overtake the glue when the count alone was waited for).
        let open = try #require(await Self.echoed(port, "0123456789"), "the bytes came back through the proxy")
        defer { close(open) }
        let started = ContinuousClock.now
        await server.listen(on: [])
        #expect(await Self.closedByPeer(open, within: 10), "the connection was closed when its proxy was removed")
        #expect(ContinuousClock.now - started < .seconds(5), "the connection stayed open after its proxy was removed")
        #expect(try await Self.exchange(port, "after") == "refused")
        #expect(await server.listeningPorts.isEmpty)
    }

    @Test func aProxyTakesNoMoreThanItsConnections() async throws {
        let echo = try await Self.echoServer()
        defer { echo.close(promise: nil) }
        let upstreamPort = try #require(echo.localAddress?.port)
        var limits = TCPProxyLimits()
        limits.connectionsPerProxy = 2
        let server = TCPProxyServer(host: "127.0.0.1", limits: limits)
        let port = try await Self.freePort()
        await server.listen(on: [port])
        server.routes.replace(with: [port: TCPProxyEntry(service: "db", addresses: [(host: "127.0.0.1", port: upstreamPort)])])
        // Two held open (they wait for a reply that never fully comes), a third closed at once.
        // Waited for, not slept on: under a loaded machine's parallel tests the two may take
        // more than a moment to be glued (a 300 ms sleep failed once).
        async let first = Self.exchange(port, "x", expecting: 100, timeout: 10)
        async let second = Self.exchange(port, "y", expecting: 100, timeout: 10)
        try await Self.waitUntil { await server.openConnections(port: port) == 2 }
        #expect(await server.openConnections(port: port) == 2)
        #expect(try await Self.exchange(port, "third") == "")
        _ = try await (first, second)
        // Control: once the proxy saw them close, a new one is served.
        try await Self.waitUntil { await server.openConnections(port: port) == 0 }
        #expect(try await Self.exchange(port, "fourth") == "fourth")
        await server.closeAll()
    }

    /// Polls `condition` every 20 ms for up to 8 s (conditions, not fixed sleeps: a loaded
    /// machine's parallel tests delay everything).
    /// Up to a minute: the process's shared event loops (these proxies' and echo servers') can
    /// be held for seconds by another test running beside this one (HealthCheckTests holds
    /// them on purpose); 8 s was outlived once in a full run (f4c8510).
    static func waitUntil(_ condition: () async -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while !(await condition()) && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
