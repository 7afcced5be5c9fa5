import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix
import Testing

/// A gigabyte each way through the edge, run as its own process (`railyard edge-proxy`, the
/// proxy `railyard server` runs) so that its memory is measured alone.
struct EdgeStreamingTests {
    /// Starts `arguments` and returns it once a line of its output (stdout or stderr) yields a
    /// port through `port`.
    static func start(_ executable: String, _ arguments: [String], port: @escaping (String) -> Int?) throws -> (Process, Int) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        var text = ""
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
            for line in text.split(separator: "\n") {
                if let found = port(String(line)) { return (process, found) }
            }
        }
        process.terminate()
        throw ProcessProblem("\(executable) did not say its port: \(text)")
    }

    static func memory(of pid: Int32, _ field: String) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") }),
              let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "")
        else { return 0 }
        return kilobytes * 1024
    }

    @Test func aGigabyteEachWayStreamsInAFewMegabytes() async throws {
        let (upstream, upstreamPort) = try Self.start("/usr/bin/python3", [Self.streamScript.path]) { Int($0) }
        // SIGKILL: a child of the test process ignores SIGTERM (the runner ignores it, and an
        // ignored signal stays ignored across exec), so terminate() left it running.
        defer {
            kill(upstream.processIdentifier, SIGKILL)
            _ = ServerProcess.exitStatus(of: upstream, within: 20)
        }
        let (edge, edgePort) = try Self.start(
            try RailyardBinary.path(),
            ["edge-proxy", "--listen", "127.0.0.1:0", "--route", "big.localhost=127.0.0.1:\(upstreamPort)"]
        ) { line in
            line.range(of: "listening on port ").flatMap { Int(line[$0.upperBound...]) }
        }
        defer {
            kill(edge.processIdentifier, SIGKILL)
            _ = ServerProcess.exitStatus(of: edge, within: 20)
        }
        try await Self.moveAGigabyteEachWay(through: "http://127.0.0.1:\(edgePort)", host: "big.localhost", measuring: edge.processIdentifier)
    }

    /// A live server with the stream app deployed as `big`, answering at big-apps.localhost
    /// through its edge.
    static func serverWithTheStreamApp() async throws -> DeployEndToEndTests.World {
        let world = try await DeployEndToEndTests.World.make()
        do {
            try await world.service("big")
            #expect(try await world.cli.exec(["domain", "--service", "big"]).status == 0)
            let app = try DeployEndToEndTests.app(["main.py": try String(contentsOf: Self.streamScript, encoding: .utf8)])
            let deployed = try await world.up(app, service: "big")
            #expect(deployed.status == 0, "\(deployed.log)")
            try await DeployEndToEndTests.waitFor("the app through the edge") {
                await DeployEndToEndTests.viaEdge(world, host: "big-apps.localhost", path: "/big?bytes=1")?.status == 200
            }
            return world
        } catch {
            world.stop()
            throw error
        }
    }

    /// The same through the edge of a live `railyard server`, which runs the API, the builds
    /// and the control loop beside it: the bound must hold for the edge users get.
    @Test func aGigabyteEachWayStreamsThroughTheServersEdgeInAFewMegabytes() async throws {
        let world = try await Self.serverWithTheStreamApp()
        defer { world.stop() }
        let pid = try #require(world.server.process?.processIdentifier)
        try await Self.moveAGigabyteEachWay(through: world.server.edgeURL, host: "big-apps.localhost", measuring: pid)
    }

    /// Issue 19: the same bound for a slow reader through a live server's edge. The app writes
    /// a gigabyte as fast as it can; the client stops reading for 2 s after every 128 MiB. An
    /// edge that kept reading from the app meanwhile would hold what the client did not take.
    @Test func aSlowReaderThroughTheServersEdgeLeavesItsMemoryBounded() async throws {
        let world = try await Self.serverWithTheStreamApp()
        defer { world.stop() }
        let pid = try #require(world.server.process?.processIdentifier)
        let port = world.server.httpPort
        let size = 1 << 30
        // Warmed up (connections, pools, buffers) before the baseline.
        let warm = try await onOwnThread { try Self.readSlowly(port: port, host: "big-apps.localhost", bytes: 4 << 20, pauseEvery: 0) }
        #expect(warm == 4 << 20)
        let before = Self.memory(of: pid, "VmRSS")
        // The high-water mark from here on (5 to clear_refs resets it; root only).
        try "5".write(toFile: "/proc/\(pid)/clear_refs", atomically: false, encoding: .utf8)

        let started = ContinuousClock.now
        let received = try await onOwnThread {
            try Self.readSlowly(port: port, host: "big-apps.localhost", bytes: size, pauseEvery: 128 << 20)
        }
        let took = ContinuousClock.now - started
        #expect(received == size, "received \(received) of \(size) bytes")
        let peak = Self.memory(of: pid, "VmHWM")
        let growth = peak - before
        print("server RSS \(before >> 10) KiB before, peak \(peak >> 10) KiB, a slow reader taking 1 GiB in \(took)")
        #expect(before > 0 && peak > 0)
        // Under 1/16 of what went through (64 MiB for the gigabyte), where an edge that read on
        // while the client paused would hold hundreds of megabytes at each pause.
        #expect(growth * 16 < size, "the server grew by \(growth >> 10) KiB while a slow reader took 1 GiB")
    }

    /// GET /big?bytes=`bytes` on the edge at `port` over a plain socket, pausing 2 s after each
    /// `pauseEvery` bytes of the body (never, if 0): the body bytes received.
    static func readSlowly(port: Int, host: String, bytes: Int, pauseEvery: Int) throws -> Int {
        let fd = try LoopbackSocket.connect(port: port)
        defer { close(fd) }
        LoopbackSocket.send(fd, Array("GET /big?bytes=\(bytes) HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n\r\n".utf8))
        var head = [UInt8]()
        var inBody = false
        var body = 0
        var nextPause = pauseEvery
        while body < bytes {
            let piece = LoopbackSocket.receive(fd)
            if piece.isEmpty { break }
            if inBody {
                body += piece.count
            } else {
                head += piece
                if let end = head.firstRange(of: Array("\r\n\r\n".utf8)) {
                    guard String(decoding: head[..<end.lowerBound], as: UTF8.self).hasPrefix("HTTP/1.1 200") else {
                        throw ProcessProblem("the edge answered \(String(decoding: head.prefix(200), as: UTF8.self))")
                    }
                    inBody = true
                    body += head.count - end.upperBound
                }
            }
            if pauseEvery > 0, body >= nextPause {
                Thread.sleep(forTimeInterval: 2)
                nextPause += pauseEvery
            }
        }
        return body
    }

    static var streamScript: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/upstreams/stream.py")
    }

    /// Downloads a gigabyte through the edge at `edgeURL`, uploads one, and checks how far the
    /// memory of process `pid` (the edge) grew meanwhile.
    static func moveAGigabyteEachWay(
        through edgeURL: String, host: String, measuring pid: Int32, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        // Its own event loop: two gigabytes through the shared ones would stall every other
        // test running beside this one.
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let client = HTTPClient(eventLoopGroupProvider: .shared(group))
        defer {
            Task {
                try? await client.shutdown()
                try? await group.shutdownGracefully()
            }
        }

        func request(_ path: String) -> HTTPClientRequest {
            var request = HTTPClientRequest(url: edgeURL + path)
            request.headers.replaceOrAdd(name: "Host", value: host)
            return request
        }
        // Warmed up (first connections, pools, buffers) before the baseline is taken.
        let warm = try await client.execute(request("/big?bytes=4194304"), timeout: .seconds(60))
        #expect(warm.status == .ok, "\(warm.status)", sourceLocation: sourceLocation)
        for try await _ in warm.body {}
        let before = Self.memory(of: pid, "VmRSS")
        // The high-water mark starts again from here (a server's start-up and build may have
        // peaked higher: not the edge's doing). Writing 5 to clear_refs resets it; root only.
        try "5".write(toFile: "/proc/\(pid)/clear_refs", atomically: false, encoding: .utf8)
        let size = 1 << 30

        // Download: counted as it arrives, never held.
        let response = try await client.execute(request("/big?bytes=\(size)"), timeout: .seconds(600))
        var downloaded = 0
        for try await part in response.body { downloaded += part.readableBytes }
        #expect(downloaded == size, sourceLocation: sourceLocation)

        // Upload: a streamed body of the same size, counted by the instance.
        var upload = request("/count")
        upload.method = .POST
        let piece = ByteBuffer(repeating: 0x62, count: 1 << 20)
        upload.body = .stream(AsyncStream<ByteBuffer> { continuation in
            for _ in 0..<(size >> 20) { continuation.yield(piece) }
            continuation.finish()
        }, length: .known(Int64(size)))
        let counted = try await client.execute(upload, timeout: .seconds(600))
        #expect(String(buffer: try await counted.body.collect(upTo: 1024)) == String(size), sourceLocation: sourceLocation)

        // The high-water mark, so that a peak in the middle counts too.
        let peak = Self.memory(of: pid, "VmHWM")
        let growth = peak - before
        print("edge RSS \(before >> 10) KiB before, peak \(peak >> 10) KiB moving 2 × 1 GiB")
        #expect(before > 0 && peak > 0, sourceLocation: sourceLocation)
        // A ratio of what it held to what it moved: under 1 %, where an edge that held a body
        // (or let a slow reader's share pile up) would hold about half. How fast the machine is
        // does not enter into it.
        #expect(growth * 100 < 2 * size, "the edge grew by \(growth >> 10) KiB moving 2 × 1 GiB", sourceLocation: sourceLocation)
    }
}
