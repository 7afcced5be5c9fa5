import Atomics
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Testing
@testable import RailyardEdge

/// The edge over real sockets: routing by host, balancing, failover, timeouts, streams and
/// tunnels, malformed input (a gigabyte each way in bounded memory: EdgeStreamingTests).
struct EdgeProxyTests {
    /// An edge on a free loopback port.
    struct Edge {
        let server: EdgeServer
        let channel: any Channel
        var port: Int { channel.localAddress?.port ?? 0 }

        static func start(limits: EdgeLimits = EdgeLimits()) async throws -> Edge {
            let server = EdgeServer(limits: limits)
            let channel = try await server.bind(host: "127.0.0.1", port: 0)
            return Edge(server: server, channel: channel)
        }

        func route(
            _ host: String, to upstreams: [Int], service: String = "svc", identity: TLSIdentity? = nil,
            redirectsToHTTPS: Bool = false, maximumBodyBytes: Int? = nil
        ) {
            let table = server.routes.current
            var entries = table.routes.mapValues { route in
                RouteEntry(
                    service: route.service, addresses: route.upstreams.map { (host: $0.host, port: $0.port) },
                    redirectsToHTTPS: route.redirectsToHTTPS, maximumBodyBytes: route.maximumBodyBytes)
            }
            for (name, identity) in table.identities { entries[name]?.identity = identity }
            entries[host] = RouteEntry(
                service: service, addresses: upstreams.map { (host: "127.0.0.1", port: $0) }, identity: identity,
                redirectsToHTTPS: redirectsToHTTPS, maximumBodyBytes: maximumBodyBytes)
            server.routes.replace(with: entries)
        }

        func stop() async { try? await channel.close() }
    }

    struct Reply {
        let status: Int
        let headers: HTTPHeaders
        let body: String
    }

    static func get(_ edge: Edge, host: String, path: String = "/", headers: [(String, String)] = [],
                    method: HTTPMethod = .GET, body: ByteBuffer? = nil, timeout: TimeAmount = .seconds(30)) async throws -> Reply {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(edge.port)\(path)")
        request.method = method
        request.headers.replaceOrAdd(name: "Host", value: host)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(body) }
        let response = try await HTTPClient.shared.execute(request, timeout: timeout)
        let collected = try await response.body.collect(upTo: 16 << 20)
        return Reply(status: Int(response.status.code), headers: response.headers, body: String(buffer: collected))
    }

    /// A blocking TCP socket connected to 127.0.0.1:`port`, whose reads give up after `timeout`
    /// seconds. The caller closes it, once.
    static func connectedSocket(_ port: Int, timeout: Int = 5) throws -> Int32 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(descriptor)
            throw EdgeError("cannot connect to port \(port)")
        }
        var tv = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        return descriptor
    }

    /// Sends raw bytes and reads until the edge closes or `timeout` passes, on a thread of its
    /// own: a blocking read on one of Swift's cooperative threads (two on these machines) would
    /// hold up every other test for as long as it waits.
    static func raw(_ port: Int, _ text: String, timeout: Double = 5) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try rawBlocking(port, text, timeout: timeout) }) }.start()
        }
    }

    private static func rawBlocking(_ port: Int, _ text: String, timeout: Double) throws -> String {
        let descriptor = try connectedSocket(port, timeout: Int(timeout))
        defer { close(descriptor) }
        _ = text.withCString { send(descriptor, $0, strlen($0), 0) }
        var received = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count <= 0 { break }
            received += buffer[0..<count]
        }
        return String(decoding: received, as: UTF8.self)
    }

    /// Waits until `condition` holds, checking every 20 ms for up to `deadline` (generous: these
    /// machines run other builds beside the tests), and says whether it came to hold; the caller
    /// asserts on the condition itself, so a condition that never holds still fails the test.
    @discardableResult
    static func waitUntil(deadline: Duration = .seconds(30), _ condition: () -> Bool) async throws -> Bool {
        let started = ContinuousClock.now
        while !condition() {
            if ContinuousClock.now - started > deadline { return false }
            try await Task.sleep(for: .milliseconds(20))
        }
        return true
    }

    @Test func routesByHostAndAnswersUnknownHostsWithoutNamingOthers() async throws {
        let a = try await TestUpstream.start("alpha")
        let b = try await TestUpstream.start("beta")
        let edge = try await Edge.start()
        defer { Task { await edge.stop(); await a.stop(); await b.stop() } }
        edge.route("web-shop.localhost", to: [a.port])
        edge.route("api-shop.localhost", to: [b.port])

        #expect(try await Self.get(edge, host: "web-shop.localhost").body == "alpha")
        #expect(try await Self.get(edge, host: "API-Shop.localhost:8080").body == "beta", "case and port do not matter")
        let unknown = try await Self.get(edge, host: "nobody.localhost")
        #expect(unknown.status == 404)
        #expect(!unknown.body.contains("shop"), "the 404 page names no other host: \(unknown.body)")
        #expect(unknown.headers.first(name: "x-request-id")?.count == 32)

        let echoed = try await Self.get(edge, host: "web-shop.localhost", path: "/headers",
                                        headers: [("X-Request-Id", "trace-123"), ("X-Forwarded-For", "203.0.113.9")])
        #expect(echoed.headers.first(name: "x-request-id") == "trace-123", "a client's request id is kept and returned")
        #expect(echoed.body.contains("x-request-id: trace-123"))
        #expect(echoed.body.contains("x-forwarded-for: 203.0.113.9, 127.0.0.1"), "\(echoed.body)")
        #expect(echoed.body.contains("x-forwarded-proto: http"))
        #expect(echoed.body.contains("x-forwarded-host: web-shop.localhost"))
        #expect(echoed.headers.first(name: "x-upstream") == "alpha")
        // Client-address headers the edge does not vouch for are dropped.
        let forged = try await Self.get(edge, host: "web-shop.localhost", path: "/headers",
                                        headers: [("Forwarded", "for=1.2.3.4"), ("X-Real-IP", "1.2.3.4")])
        #expect(!forged.body.contains("1.2.3.4"), "\(forged.body)")
        // An absolute-form target routes by its own host; the instance gets the path.
        let absolute = try await Self.raw(
            edge.port, "GET http://api-shop.localhost/headers HTTP/1.1\r\nHost: web-shop.localhost\r\nConnection: close\r\n\r\n")
        #expect(absolute.contains("host: api-shop.localhost") && absolute.lowercased().contains("x-upstream: beta"), "\(absolute)")
        // HEAD: the answer's headers and no body, without waiting for one.
        let head = try await Self.get(edge, host: "web-shop.localhost", method: .HEAD, timeout: .seconds(5))
        #expect(head.status == 200)
        #expect(head.body.isEmpty)
        #expect(head.headers.first(name: "content-length") == "5")
    }

    @Test func balancesAcrossReplicasAndReusesConnections() async throws {
        let replicas = [try await TestUpstream.start("r0"), try await TestUpstream.start("r1"), try await TestUpstream.start("r2")]
        let edge = try await Edge.start()
        defer { Task { await edge.stop(); for replica in replicas { await replica.stop() } } }
        edge.route("web.localhost", to: replicas.map(\.port))
        var seen: [String: Int] = [:]
        for _ in 0..<60 { seen[try await Self.get(edge, host: "web.localhost").body, default: 0] += 1 }
        // One at a time, every replica is equally idle: ties go round robin, so all get a share.
        #expect(seen.keys.sorted() == ["r0", "r1", "r2"])
        #expect(seen.values.allSatisfy { $0 >= 10 }, "\(seen)")
        // Sequential requests reuse kept-alive connections to each instance.
        let connections = replicas.map { $0.connections.load(ordering: .relaxed) }.reduce(0, +)
        #expect(connections <= 6, "\(connections) connections for 60 requests")
    }

    /// Fewest requests in flight: with one replica that takes a second per answer and one that
    /// answers at once, concurrent clients find the slow one busy and are sent to the fast one
    /// (round robin, or a random pick, would give each about half).
    @Test func theReplicaWithFewestRequestsInFlightGetsTheNext() async throws {
        let slow = try await TestUpstream.start("slow", delay: .seconds(1))
        let fast = try await TestUpstream.start("fast")
        let edge = try await Edge.start()
        defer { Task { await edge.stop(); await slow.stop(); await fast.stop() } }
        edge.route("web.localhost", to: [slow.port, fast.port])
        // Eight clients, ten requests each, all at once.
        let answers = try await withThrowingTaskGroup(of: [String].self) { group in
            for _ in 0..<8 {
                group.addTask {
                    var bodies: [String] = []
                    for _ in 0..<10 { bodies.append(try await Self.get(edge, host: "web.localhost", timeout: .seconds(60)).body) }
                    return bodies
                }
            }
            return try await group.reduce(into: [String]()) { $0 += $1 }
        }
        let toSlow = answers.filter { $0 == "slow" }.count
        let toFast = answers.filter { $0 == "fast" }.count
        #expect(toSlow + toFast == 80, "\(answers)")
        // A ratio, not a count: however slowly this machine runs, the slow replica is busy for
        // a whole second with each request it gets, the fast one for hardly any time. Only
        // while both are idle (ties) does the slow one get one, so it gets about one in seven;
        // round robin would give it half, a random pick at least a third but for one time in a
        // thousand. (With five requests a client and 3:1, a loaded full run at cc8ef31 failed
        // at 29:11: ties are more frequent when the fast replica is slowed too.)
        #expect(toFast >= 2 * toSlow, "\(toFast) to the fast replica, \(toSlow) to the slow one")
        #expect(toSlow >= 1, "the slow replica still gets requests when it is no busier")
    }

    @Test func aDeadInstanceIsSkippedAndAvoided() async throws {
        let live = try await TestUpstream.start("live")
        let dead = try await TestUpstream.start("dead")
        let deadPort = dead.port
        await dead.stop()
        let edge = try await Edge.start()
        defer { Task { await edge.stop(); await live.stop() } }
        edge.route("web.localhost", to: [deadPort, live.port])
        for _ in 0..<20 {
            let reply = try await Self.get(edge, host: "web.localhost")
            #expect(reply.status == 200)
            #expect(reply.body == "live")
        }
        // Every instance down: 502. No instance at all: 503.
        edge.route("gone.localhost", to: [deadPort])
        let gone = try await Self.get(edge, host: "gone.localhost")
        #expect(gone.status == 502)
        edge.route("empty.localhost", to: [])
        #expect(try await Self.get(edge, host: "empty.localhost").status == 503)
    }

    @Test func aSlowInstanceGetsAGatewayTimeout() async throws {
        let slow = try await TestUpstream.start("slow")
        var limits = EdgeLimits()
        // Three seconds: the upload below pauses a second between bytes, a third of it, so a
        // loaded machine's stalls do not reach it; the upload as a whole takes longer.
        limits.response = .seconds(3)
        let edge = try await Edge.start(limits: limits)
        defer { Task { await edge.stop(); await slow.stop() } }
        edge.route("slow.localhost", to: [slow.port])
        let reply = try await Self.get(edge, host: "slow.localhost", path: "/slow?ms=30000", timeout: .seconds(25))
        #expect(reply.status == 504)
        #expect(try await Self.get(edge, host: "slow.localhost", path: "/slow?ms=50").body == "slow slow")
        // An upload that takes longer than the timeout is not a slow answer: the clock starts
        // from the request's last byte. Sent from a thread of its own, so that its pauses are
        // not stretched by a busy cooperative pool.
        let upload = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<(String, Duration, Duration), any Error>) in
            Thread {
                continuation.resume(with: Result {
                    let descriptor = try Self.connectedSocket(edge.port, timeout: 30)
                    defer { close(descriptor) }
                    func send(_ text: String) { _ = text.withCString { Glibc.send(descriptor, $0, strlen($0), 0) } }
                    send("POST /count HTTP/1.1\r\nHost: slow.localhost\r\nContent-Length: 5\r\nConnection: close\r\n\r\n")
                    let started = ContinuousClock.now
                    var last = started
                    var longestPause = Duration.zero
                    for letter in "hello" {
                        usleep(1_000_000)
                        send(String(letter))
                        longestPause = max(longestPause, ContinuousClock.now - last)
                        last = ContinuousClock.now
                    }
                    let took = ContinuousClock.now - started
                    var received = [UInt8](repeating: 0, count: 4096)
                    let count = recv(descriptor, &received, received.count, 0)
                    return (String(decoding: received.prefix(max(count, 0)), as: UTF8.self), took, longestPause)
                })
            }.start()
        }
        let (answer, took, longestPause) = upload
        // The test means something only if the upload outlasted the limit and no single pause did.
        #expect(took > .seconds(3), "the upload took \(took)")
        #expect(longestPause < .seconds(3), "a pause of \(longestPause): this machine stalled longer than the limit")
        #expect(answer.hasPrefix("HTTP/1.1 200") && answer.hasSuffix("5"), "\(answer)")
    }

    /// An instance that never completes a connection: a listening socket whose accept queue
    /// is full (the kernel then drops new SYNs), so connecting hangs until the edge gives up.
    @Test func anInstanceThatCannotBeConnectedToInTimeGetsABadGateway() async throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) } }
        _ = listen(listener, 0)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) } }
        let port = Int(UInt16(bigEndian: address.sin_port))
        // Fill the accept queue (non-blocking connects: the last ones wait on dropped SYNs);
        // nobody ever accepts.
        var fillers: [Int32] = []
        for _ in 0..<4 {
            let filler = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            _ = fcntl(filler, F_SETFL, fcntl(filler, F_GETFL) | O_NONBLOCK)
            _ = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(filler, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            fillers.append(filler)
        }
        try await Task.sleep(for: .milliseconds(100))
        defer {
            for filler in fillers { close(filler) }
            close(listener)
        }
        var limits = EdgeLimits()
        limits.connect = .milliseconds(300)
        let edge = try await Edge.start(limits: limits)
        // A second edge, whose connect timeout is two minutes, asked at the same moment: it
        // must still be waiting well after the first has given up. Compared with each other,
        // not with a clock, so a slow machine slows both alike.
        var patient = EdgeLimits()
        patient.connect = .seconds(120)
        let patientEdge = try await Edge.start(limits: patient)
        defer { Task { await edge.stop(); await patientEdge.stop() } }
        edge.route("stuck.localhost", to: [port])
        patientEdge.route("stuck.localhost", to: [port])
        let patientAnswered = ManagedAtomic(false)
        let waiting = Task {
            _ = try? await Self.get(patientEdge, host: "stuck.localhost", timeout: .seconds(150))
            patientAnswered.store(true, ordering: .relaxed)
        }
        defer { waiting.cancel() }
        let started = ContinuousClock.now
        let reply = try await Self.get(edge, host: "stuck.localhost", timeout: .seconds(60))
        let took = ContinuousClock.now - started
        #expect(reply.status == 502, "\(reply.body)")
        // Three times as long again (and two seconds more): had the edge used its default 5 s,
        // or any timeout but its own, the patient edge would have answered by then too.
        try await Task.sleep(for: took * 3 + .seconds(2))
        let patientDone = patientAnswered.load(ordering: .relaxed)
        #expect(!patientDone, "the 300 ms connect timeout ended it (after \(took)), not another")
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
        let upstream = try await TestUpstream.start("p")
        let edge = try await Edge.start()
        defer { Task { await edge.stop(); await upstream.stop() } }
        edge.route("p.localhost", to: [upstream.port])
        // Four requests in one write: a slow one, one for an unknown host (answered by the edge
        // itself), one with a body, and the last asking to close.
        let requests = "GET /slow?ms=300 HTTP/1.1\r\nHost: p.localhost\r\n\r\n"
            + "GET / HTTP/1.1\r\nHost: unknown.localhost\r\n\r\n"
            + "POST /count HTTP/1.1\r\nHost: p.localhost\r\nContent-Length: 5\r\n\r\nhello"
            + "GET / HTTP/1.1\r\nHost: p.localhost\r\nConnection: close\r\n\r\n"
        let answers = try await Self.raw(edge.port, requests)
        let statuses = answers.components(separatedBy: "HTTP/1.1 ").dropFirst().map { $0.prefix(3) }
        #expect(statuses == ["200", "404", "200", "200"], "\(answers)")
        let slow = try #require(answers.range(of: "slow p"))
        let notFound = try #require(answers.range(of: "404 Not Found"))
        let counted = try #require(answers.range(of: "\r\n\r\n5"))
        #expect(slow.lowerBound < notFound.lowerBound && notFound.lowerBound < counted.lowerBound, "in the order asked")
        #expect(answers.hasSuffix("p"))
    }

    @Test func malformedRequestsGetABadRequestAndTheEdgeKeepsServing() async throws {
        let upstream = try await TestUpstream.start("ok")
        let edge = try await Edge.start()
        defer { Task { await edge.stop(); await upstream.stop() } }
        edge.route("ok.localhost", to: [upstream.port])
        let garbage = try await Self.raw(edge.port, "THIS IS NOT HTTP\r\n\r\n")
        #expect(garbage.hasPrefix("HTTP/1.1 400"), "\(garbage.prefix(80))")
        let noHost = try await Self.raw(edge.port, "GET / HTTP/1.1\r\nConnection: close\r\n\r\n")
        #expect(noHost.hasPrefix("HTTP/1.1 400"), "\(noHost.prefix(80))")
        let hugeHeader = try await Self.raw(edge.port, "GET / HTTP/1.1\r\nHost: ok.localhost\r\nX-Big: \(String(repeating: "a", count: 200_000))\r\n\r\n")
        #expect(hugeHeader.hasPrefix("HTTP/1.1 431"), "\(hugeHeader.prefix(80))")
        // Requests whose framing could be read two ways (request smuggling) are refused, never
        // passed on.
        let ambiguous: [(String, String)] = [
            ("Content-Length: 5\r\nTransfer-Encoding: chunked", "400"),
            ("Content-Length: 5\r\nContent-Length: 6", "400"),
            ("Content-Length: -5", "400"),
            ("Content-Length: 0x10", "400"),
            ("Transfer-Encoding: gzip", "501"),
            ("Transfer-Encoding: gzip, chunked", "501"),
            ("Host: other.localhost", "400"),
            ("X-Folded: one\r\n two", "400"),
            ("X-Space : before colon", "400"),
            ("X-Control: a\u{01}b", "400"),
        ]
        for (headers, status) in ambiguous {
            let answer = try await Self.raw(edge.port, "POST /count HTTP/1.1\r\nHost: ok.localhost\r\n\(headers)\r\n\r\nhello")
            #expect(answer.hasPrefix("HTTP/1.1 \(status)"), "\(headers): \(answer.prefix(80))")
        }
        #expect(upstream.requests.load(ordering: .relaxed) == 0, "none of them reached the instance")
        // Chunk framing must be exact too: a bare LF, or a control character in an extension,
        // could be read another way by the instance (which has the head by then; the connection
        // to it is closed before the body could end).
        for body in ["5\nhello\r\n0\r\n\r\n", "5\r\nhello\n0\r\n\r\n", "5;x=\u{01}\r\nhello\r\n0\r\n\r\n", "5\r\nhello\r\n0\r\nX: 1\n\r\n"] {
            let answer = try await Self.raw(edge.port, "POST /count HTTP/1.1\r\nHost: ok.localhost\r\nTransfer-Encoding: chunked\r\n\r\n\(body)")
            #expect(answer.hasPrefix("HTTP/1.1 400"), "\(body.debugDescription): \(answer.prefix(80))")
        }
        let connect = try await Self.raw(edge.port, "CONNECT ok.localhost:443 HTTP/1.1\r\nHost: ok.localhost:443\r\n\r\n")
        #expect(connect.hasPrefix("HTTP/1.1 405"), "\(connect.prefix(80))")
        let oldChunked = try await Self.raw(edge.port, "POST /count HTTP/1.0\r\nHost: ok.localhost\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
        #expect(oldChunked.hasPrefix("HTTP/1.1 400"), "no transfer coding in HTTP/1.0: \(oldChunked.prefix(80))")
        let badVersion = try await Self.raw(edge.port, "GET / HTTP/2.0\r\nHost: ok.localhost\r\n\r\n")
        #expect(badVersion.hasPrefix("HTTP/1.1 400"), "\(badVersion.prefix(80))")
        let chunked = try await Self.raw(edge.port, "POST /count HTTP/1.1\r\nHost: ok.localhost\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5;name=\"quoted\"\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\n")
        #expect(chunked.hasPrefix("HTTP/1.1 200"), "\(chunked.prefix(80))")
        #expect(chunked.hasSuffix("\r\n\r\n11"), "a chunked body reaches the instance whole: \(chunked.suffix(40))")
        // A body that breaks the framing after the request went to the instance: 400, and the
        // instance is no longer counted as busy with it. (Two requests first, on two new
        // connections, leave a kept-alive instance connection on each event loop, so that the
        // broken request goes out at once.)
        for _ in 0..<2 {
            #expect(try await Self.raw(edge.port, "GET / HTTP/1.1\r\nHost: ok.localhost\r\nConnection: close\r\n\r\n").hasSuffix("ok"))
        }
        let broken = try await Self.raw(edge.port, "POST /count HTTP/1.1\r\nHost: ok.localhost\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\nnot a chunk\r\n")
        #expect(broken.hasPrefix("HTTP/1.1 400"), "\(broken.prefix(80))")
        try await Self.waitUntil { edge.server.routes.inFlight(port: upstream.port) == 0 }
        #expect(edge.server.routes.inFlight(port: upstream.port) == 0)
        #expect(try await Self.get(edge, host: "ok.localhost").body == "ok")
    }

    /// Server-Sent Events pass through as they are written, not when the stream ends: the
    /// instance sends its second event only after the client has received the first.
    @Test func eventStreamsArriveAsTheyAreSent() async throws {
        let upstream = try await TestUpstream.start("events")
        let edge = try await Edge.start()
        defer { Task { await edge.stop(); await upstream.stop() } }
        edge.route("events.localhost", to: [upstream.port])
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(edge.port)/gated-events")
        request.headers.replaceOrAdd(name: "Host", value: "events.localhost")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(20))
        #expect(response.headers.first(name: "content-type") == "text/event-stream")
        var text = ""
        for try await part in response.body {
            text += String(buffer: part)
            if text.contains("data: first") { upstream.gate.store(true, ordering: .relaxed) }
        }
        #expect(text == "data: first\n\ndata: second\n\n")

        // The timed stream too: three events, each flushed as written.
        var timed = HTTPClientRequest(url: "http://127.0.0.1:\(edge.port)/events")
        timed.headers.replaceOrAdd(name: "Host", value: "events.localhost")
        let events = try await HTTPClient.shared.execute(timed, timeout: .seconds(20))
        #expect(String(buffer: try await events.body.collect(upTo: 1024)) == "data: 0\n\ndata: 1\n\ndata: 2\n\n")
    }

    /// A WebSocket upgrade passes through: the 101, then bytes both ways, and the instance
    /// counts as busy while the tunnel is open.
    @Test func upgradedConnectionsBecomeTunnels() async throws {
        let upstream = try await TestUpstream.start("ws")
        let edge = try await Edge.start()
        defer { Task { await edge.stop(); await upstream.stop() } }
        edge.route("ws.localhost", to: [upstream.port])
        // Closed once, below, before the in-flight count is checked (closing it twice could
        // close a descriptor the edge has been given since).
        let descriptor = try Self.connectedSocket(edge.port)
        func send(_ text: String) { _ = text.withCString { Glibc.send(descriptor, $0, strlen($0), 0) } }
        func receive(until marker: String) -> String {
            var received = [UInt8]()
            var buffer = [UInt8](repeating: 0, count: 4096)
            while !String(decoding: received, as: UTF8.self).contains(marker) {
                let count = recv(descriptor, &buffer, buffer.count, 0)
                if count <= 0 { break }
                received += buffer[0..<count]
            }
            return String(decoding: received, as: UTF8.self)
        }
        send("GET /ws HTTP/1.1\r\nHost: ws.localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
        let answer = receive(until: "\r\n\r\n")
        #expect(answer.hasPrefix("HTTP/1.1 101"), "\(answer)")
        #expect(answer.lowercased().contains("upgrade: websocket"))
        for message in ["first frame", "second frame"] {
            send(message)
            #expect(receive(until: message).contains(message))
        }
        #expect(edge.server.routes.inFlight(port: upstream.port) == 1, "an open tunnel counts as a request in flight")
        close(descriptor)
        try await Self.waitUntil { edge.server.routes.inFlight(port: upstream.port) == 0 }
        #expect(edge.server.routes.inFlight(port: upstream.port) == 0)
        // The edge still serves plain requests afterwards.
        #expect(try await Self.get(edge, host: "ws.localhost").body == "ws")
    }

    @Test func idleClientsAreDisconnected() async throws {
        var limits = EdgeLimits()
        limits.clientIdle = .seconds(1)
        let edge = try await Edge.start(limits: limits)
        defer { Task { await edge.stop() } }
        let started = ContinuousClock.now
        // Connects and says nothing: the edge hangs up after about a second, not at the
        // reader's own 60 s timeout (nor the default 75 s idle limit).
        let heard = try await Self.raw(edge.port, "", timeout: 60)
        let waited = ContinuousClock.now - started
        #expect(heard.isEmpty)
        // Never before the limit; after it, anything well short of the reader's timeout, so a
        // loaded machine's stalls do not matter.
        #expect(waited >= .milliseconds(900) && waited < .seconds(45), "closed after \(waited)")
    }

    @Test func connectionsPastTheLimitGetAServiceUnavailable() async throws {
        let upstream = try await TestUpstream.start("ok")
        var limits = EdgeLimits()
        limits.maximumConnections = 2
        let edge = try await Edge.start(limits: limits)
        defer { Task { await edge.stop(); await upstream.stop() } }
        edge.route("ok.localhost", to: [upstream.port])
        // Two idle clients hold the two places.
        var held: [Int32] = []
        for _ in 0..<2 { held.append(try Self.connectedSocket(edge.port)) }
        try await Self.waitUntil { edge.server.routes.openConnectionCount == 2 }
        #expect(edge.server.routes.openConnectionCount == 2, "the edge has taken both")
        let turnedAway = try await Self.raw(edge.port, "GET / HTTP/1.1\r\nHost: ok.localhost\r\n\r\n")
        #expect(turnedAway.hasPrefix("HTTP/1.1 503"), "\(turnedAway.prefix(80))")
        for descriptor in held { close(descriptor) }
        try await Self.waitUntil { edge.server.routes.openConnectionCount == 0 }
        #expect(try await Self.raw(edge.port, "GET / HTTP/1.1\r\nHost: ok.localhost\r\nConnection: close\r\n\r\n").hasSuffix("ok"))
    }
}
