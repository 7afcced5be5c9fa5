import Foundation
import NIOCore
import NIOPosix
import Testing
@testable import RailyardEdge

/// Answers from instances as bytes on the wire: framings, interim answers, hop-by-hop headers,
/// heads split across reads, and answers that are not HTTP.
struct EdgeWireTests {
    typealias Edge = EdgeProxyTests.Edge

    /// An "instance" that answers every request with fixed bytes, written in `pieces` a few
    /// milliseconds apart, and closes afterwards when `closes`.
    final class CannedUpstream: Sendable {
        let channel: any Channel
        var port: Int { channel.localAddress?.port ?? 0 }

        init(pieces: [String], closes: Bool, gap: Int64 = 5) async throws {
            channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(Answer(pieces: pieces, closes: closes, gap: gap))
                    }
                }
                .bind(host: "127.0.0.1", port: 0).get()
        }

        func stop() async { try? await channel.close() }

        final class Answer: ChannelInboundHandler {
            typealias InboundIn = ByteBuffer
            typealias OutboundOut = ByteBuffer
            let pieces: [String]
            let closes: Bool
            /// Milliseconds between pieces.
            let gap: Int64
            var request = ""

            init(pieces: [String], closes: Bool, gap: Int64) {
                self.pieces = pieces
                self.closes = closes
                self.gap = gap
            }

            func channelRead(context: ChannelHandlerContext, data: NIOAny) {
                request += String(buffer: unwrapInboundIn(data))
                guard let end = request.range(of: "\r\n\r\n") else { return }
                request = String(request[end.upperBound...])
                let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                for (index, piece) in pieces.enumerated() {
                    context.eventLoop.scheduleTask(in: .milliseconds(Int64(index) * gap)) {
                        let (handler, context) = bound.value
                        context.writeAndFlush(handler.wrapOutboundOut(ByteBuffer(string: piece)), promise: nil)
                        if index == handler.pieces.count - 1, handler.closes { context.close(promise: nil) }
                    }
                }
            }
        }
    }

    static func through(_ pieces: [String], closes: Bool = false, gap: Int64 = 5, request: String? = nil) async throws -> String {
        let upstream = try await CannedUpstream(pieces: pieces, closes: closes, gap: gap)
        let edge = try await Edge.start()
        defer { Task { await edge.stop(); await upstream.stop() } }
        edge.route("wire.localhost", to: [upstream.port])
        return try await EdgeProxyTests.raw(edge.port, request ?? "GET / HTTP/1.1\r\nHost: wire.localhost\r\nConnection: close\r\n\r\n")
    }

    @Test func chunkedAnswersKeepTheirFramingForHTTP11AndLoseItForHTTP10() async throws {
        let chunked = [
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n",
            "5;ext=1\r\nhello\r\n", "6\r\n world\r\n", "0\r\nX-Trailer: yes\r\n\r\n",
        ]
        let modern = try await Self.through(chunked)
        #expect(modern.lowercased().contains("transfer-encoding: chunked\r\n"), "\(modern)")
        #expect(modern.hasSuffix("5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: yes\r\n\r\n"), "\(modern)")
        let old = try await Self.through(chunked, request: "GET / HTTP/1.0\r\nHost: wire.localhost\r\n\r\n")
        #expect(old.hasPrefix("HTTP/1.0 200 OK\r\n"), "\(old)")
        #expect(!old.lowercased().contains("transfer-encoding"), "\(old)")
        #expect(old.hasSuffix("\r\n\r\nhello world"), "an HTTP/1.0 client gets the data alone: \(old)")
    }

    @Test func answersWithoutALengthEndWhenTheInstanceCloses() async throws {
        let answer = try await Self.through(["HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n", "until ", "close"], closes: true,
                                            request: "GET / HTTP/1.1\r\nHost: wire.localhost\r\n\r\n")
        #expect(answer.lowercased().contains("connection: close"), "the client learns the close ends it: \(answer)")
        #expect(answer.hasSuffix("until close"))
    }

    @Test func interimAnswersGoToHTTP11ClientsAndHopByHopHeadersAreRemoved() async throws {
        let pieces = [
            "HTTP/1.1 100 Continue\r\n\r\n",
            "HTTP/1.1 200 OK\r\nConnection: keep-alive, X-Secret\r\nX-Secret: 1\r\nKeep-Alive: timeout=5\r\n"
                + "X-Request-Id: from-the-app\r\nContent-Length: 2\r\nX-Kept: yes\r\n\r\nok",
        ]
        let answer = try await Self.through(pieces)
        #expect(answer.hasPrefix("HTTP/1.1 100 Continue\r\n"), "\(answer)")
        let old = try await Self.through(pieces, request: "GET / HTTP/1.0\r\nHost: wire.localhost\r\n\r\n")
        #expect(old.hasPrefix("HTTP/1.0 200 OK"), "an HTTP/1.0 client gets no interim answer: \(old)")
        let lowered = answer.lowercased()
        #expect(!lowered.contains("x-secret") && !lowered.contains("keep-alive"), "\(answer)")
        #expect(!answer.contains("from-the-app"), "the edge's request id replaces the app's")
        #expect(lowered.contains("x-request-id: ") && lowered.contains("x-kept: yes") && answer.hasSuffix("\r\n\r\nok"), "\(answer)")
    }

    @Test func aHeadSplitAcrossReadsIsReadWhole() async throws {
        let head = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Split: across reads\r\n\r\nsplit"
        let pieces = stride(from: 0, to: head.count, by: 7).map { start -> String in
            let from = head.index(head.startIndex, offsetBy: start)
            return String(head[from..<(head.index(from, offsetBy: 7, limitedBy: head.endIndex) ?? head.endIndex)])
        }
        let answer = try await Self.through(pieces)
        #expect(answer.hasPrefix("HTTP/1.1 200 OK") && answer.contains("X-Split: across reads") && answer.hasSuffix("split"), "\(answer)")
    }

    @Test func bytesAnInstanceSendsWithIts101ReachTheClientAtOnce() async throws {
        let upstream = try await CannedUpstream(
            pieces: ["HTTP/1.1 101 Switching Protocols\r\nUpgrade: custom\r\nConnection: Upgrade\r\n\r\nhello-from-server"], closes: false)
        let edge = try await Edge.start()
        defer { Task { await edge.stop(); await upstream.stop() } }
        edge.route("wire.localhost", to: [upstream.port])
        // The connection stays open, so the read ends once nothing came for `timeout`: 2 s ran
        // out before the first byte once, in CI's flood of parallel tests starting.
        let answer = try await EdgeProxyTests.raw(
            edge.port, "GET / HTTP/1.1\r\nHost: wire.localhost\r\nConnection: Upgrade\r\nUpgrade: custom\r\n\r\n", timeout: 10)
        #expect(answer.hasPrefix("HTTP/1.1 101"), "\(answer)")
        #expect(answer.hasSuffix("hello-from-server"), "the server's first bytes come without waiting for more: \(answer)")
    }

    @Test func answersThatAreNotHTTPGetABadGateway() async throws {
        for broken in [
            ["SSH-2.0-OpenSSH_9.2\r\n\r\n"],
            ["HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\nhello"],
            ["HTTP/1.1 200 OK\r\n folded: header\r\n\r\n"],
            ["HTTP/1.1 20x OK\r\n\r\n"],
            ["HTTP/1.1 200 OK\r\nNo colon here\r\n\r\n"],
            ["HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n"],
            ["HTTP/1.1 200 OK\r\n: no name\r\n\r\n"],
            ["HTTP/1.1 200 OK\r\nX-Value: a\u{01}b\r\n\r\n"],
        ] {
            let answer = try await Self.through(broken)
            #expect(answer.hasPrefix("HTTP/1.1 502"), "\(broken): \(answer)")
        }
        // A body that is not chunked after all: once the head went to the client, the connection
        // just ends; when both came in one read, nothing went yet and the client gets a 502.
        let head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        let badChunks = try await Self.through([head, "zz\r\nnope\r\n"], gap: 300)
        #expect(badChunks.hasPrefix("HTTP/1.1 200"), "the answer had begun: the client connection just ends: \(badChunks)")
        #expect(!badChunks.contains("nope"))
        let badChunksAtOnce = try await Self.through([head + "zz\r\nnope\r\n"])
        #expect(badChunksAtOnce.hasPrefix("HTTP/1.1 502"), "\(badChunksAtOnce)")
        #expect(!badChunksAtOnce.contains("nope"))
    }

    /// The heads the edge writes copy runs of kept lines whole: lines dropped in the middle of a
    /// run, a bare-LF line (sent on with CR LF), and a kept buffer reused for the next head.
    @Test func headsKeepTheirLinesInOrderWithoutDroppedOnesAndEndEachWithCRLF() throws {
        let request = "GET /p?q=1 HTTP/1.1\r\nHost: wire.localhost\r\nA: 1\r\nConnection: keep-alive, X-Hop\r\nX-Hop: secret\r\n"
            + "B: 2\nC: 3\r\nX-Forwarded-For: 10.0.0.9\r\nD: 4\r\n\r\n"
        var head = try HTTPWire.parseRequestHead(ByteBuffer(string: request))
        #expect(head.uri == "/p?q=1")
        var buffer = ByteBuffer(string: "left from the last head")
        buffer.clear()
        let id = RequestIdentifier.made(prefix: 0xABC, count: 42)
        HTTPWire.writeRequestHead(&head, requestID: id, clientAddress: "127.0.0.1", secure: false, into: &buffer)
        #expect(String(buffer: buffer) == "GET /p?q=1 HTTP/1.1\r\nHost: wire.localhost\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n"
            + "x-forwarded-for: 10.0.0.9, 127.0.0.1\r\nx-forwarded-proto: http\r\nx-forwarded-host: wire.localhost\r\n"
            + "x-request-id: 0000000000000abc000000000000002a\r\n\r\n")
        #expect(id.description == "0000000000000abc000000000000002a")

        let answer = "HTTP/1.1 200 OK\r\nServer: s\r\nConnection: keep-alive\r\nDate: d\nContent-Length: 2\r\n"
            + "X-Request-Id: app\r\nX-Kept: yes\r\n\r\n"
        let response = try HTTPWire.parseResponseHead(ByteBuffer(string: answer))
        buffer.clear()
        HTTPWire.writeClientResponseHead(
            response, clientMinorVersion: 1, requestID: .given("given-id"), keepAlive: true, keepsChunkedFraming: false,
            switchingProtocols: false, bodyRoom: 2, into: &buffer)
        #expect(String(buffer: buffer) == "HTTP/1.1 200 OK\r\nServer: s\r\nDate: d\r\nContent-Length: 2\r\nX-Kept: yes\r\n"
            + "x-request-id: given-id\r\n\r\n")
    }

    /// The benchmark's floor (`edge-proxy --bytes-only`) passes bytes both ways unchanged, and
    /// the instance's close reaches the client; twenty connections at once.
    @Test func theByteForwarderPassesBytesUnchanged() async throws {
        let answer = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Untouched: yes\r\n\r\nhello"
        let upstream = try await CannedUpstream(pieces: [answer], closes: true)
        let forwarder = try await ByteForwarder.bind(
            host: "127.0.0.1", port: 0, to: "127.0.0.1", upstream.port, group: MultiThreadedEventLoopGroup.singleton)
        defer { Task { try? await forwarder.close(); await upstream.stop() } }
        let port = try #require(forwarder.localAddress?.port)
        let received = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<20 { group.addTask { try await EdgeProxyTests.raw(port, "GET / HTTP/1.1\r\nHost: anything\r\n\r\n", timeout: 10) } }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(received.count == 20 && received.allSatisfy { $0 == answer })
    }

    /// Header values are checked for control characters eight bytes at a time: the same
    /// answer as byte by byte for every byte, at every place in and around the range, among
    /// ordinary and high (obs-text) bytes.
    @Test func controlCharactersAreFoundWordAtATimeAsByteByByte() {
        for filler: UInt8 in [UInt8(ascii: "a"), 0xC3, 0x20, 0x09] {
            for byte in UInt8.min...UInt8.max {
                for place in 0..<21 {
                    var bytes = [UInt8](repeating: filler, count: 21)
                    bytes[place] = byte
                    bytes.withUnsafeBytes { raw in
                        let wire = HeadBytes(bytes: raw)
                        #expect(wire.hasControlCharacter(0, 21) == HeadBytes.isControl(byte))
                        let inside = (3..<18).contains(place)
                        #expect(wire.hasControlCharacter(3, 18) == (inside && HeadBytes.isControl(byte)))
                    }
                }
            }
        }
    }

    /// Heads are written into room reckoned beforehand: the longest heads the parsers accept
    /// (every line ending in a bare LF, every variable part long) fit it.
    @Test func theLongestHeadsFitTheRoomReservedForThem() throws {
        let long = String(repeating: "a", count: 2000)
        var request = "GET http://\(long).localhost HTTP/1.1\nHost: \(long).localhost\n"
        for index in 0..<200 { request += "X-\(index): v\n" }
        request += "X-Forwarded-For: \(long)\nX-Forwarded-For: \(long)\nConnection: upgrade\nUpgrade: \(long)\n"
        request += "X-Request-Id: \(String(repeating: "r", count: 128))\nTransfer-Encoding: chunked\n\n"
        var head = try HTTPWire.parseRequestHead(ByteBuffer(string: request))
        var buffer = ByteBuffer()
        HTTPWire.writeRequestHead(
            &head, requestID: RequestID.accept(head.requestID) ?? .made(prefix: 1, count: 2), clientAddress: String(repeating: "f", count: 45),
            secure: true, into: &buffer)
        let written = String(buffer: buffer)
        #expect(written.hasPrefix("GET / HTTP/1.1\r\nhost: \(long).localhost\r\nX-0: v\r\n"))
        #expect(written.hasSuffix("x-request-id: \(String(repeating: "r", count: 128))\r\n\r\n"))
        #expect(!written.contains("\n\n") && written.components(separatedBy: "\r\n").count > 200)

        var answer = "HTTP/1.1 200 \(long)\n"
        for index in 0..<200 { answer += "X-\(index): v\n" }
        answer += "Transfer-Encoding: chunked\nConnection: close\n\n"
        let response = try HTTPWire.parseResponseHead(ByteBuffer(string: answer))
        buffer.clear()
        HTTPWire.writeClientResponseHead(
            response, clientMinorVersion: 0, requestID: .given(String(repeating: "g", count: 128)), keepAlive: true,
            keepsChunkedFraming: true, switchingProtocols: false, into: &buffer)
        #expect(String(buffer: buffer).hasPrefix("HTTP/1.0 200 \(long)\r\nX-0: v\r\n"))
        #expect(String(buffer: buffer).hasSuffix("\r\nconnection: keep-alive\r\n\r\n"))
    }

    /// A connection parses each request (and each answer) into the same head: nothing of the
    /// last one may stay behind.
    @Test func aHeadParsedIntoAReusedOneKeepsNothingOfTheLast() throws {
        var head = HTTPWire.RequestHead()
        try HTTPWire.parseRequestHead(ByteBuffer(string: "POST http://abs.localhost/up HTTP/1.1\r\nHost: wire.localhost\r\n"
            + "X-Request-Id: first\r\nX-Forwarded-For: 10.0.0.1\r\nConnection: upgrade, X-Hop\r\nUpgrade: websocket\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n"), into: &head)
        #expect(head.host == "abs.localhost" && head.requestID == "first" && head.forwardedFor == "10.0.0.1")
        #expect(head.chunked && head.upgrade == "websocket" && head.connectionTokens == ["x-hop"] && head.absoluteHost != nil)
        try HTTPWire.parseRequestHead(ByteBuffer(string: "GET /next HTTP/1.0\r\nContent-Length: 3\r\n\r\n"), into: &head)
        #expect(head.method == .GET && head.uri == "/next" && head.minorVersion == 0 && !head.keepAlive)
        #expect(head.host == nil && head.requestID == nil && head.forwardedFor == nil && head.absoluteHost == nil)
        #expect(!head.chunked && head.upgrade == nil && head.connectionTokens.isEmpty && head.contentLength == 3)
        #expect(head.lines.count == 1)
        var buffer = ByteBuffer()
        HTTPWire.writeRequestHead(&head, requestID: .given("second"), clientAddress: "127.0.0.1", secure: true, into: &buffer)
        #expect(String(buffer: buffer) == "GET /next HTTP/1.1\r\nContent-Length: 3\r\nx-forwarded-for: 127.0.0.1\r\n"
            + "x-forwarded-proto: https\r\nx-request-id: second\r\n\r\n")

        var answer = HTTPWire.ResponseHead()
        try HTTPWire.parseResponseHead(ByteBuffer(string: "HTTP/1.0 200 OK\r\nConnection: keep-alive, X-Hop\r\n"
            + "Transfer-Encoding: gzip, chunked\r\n\r\n"), into: &answer)
        #expect(answer.keepAlive && answer.chunked && answer.transferEncoding && answer.connectionTokens == ["x-hop"])
        try HTTPWire.parseResponseHead(ByteBuffer(string: "HTTP/1.1 204 No Content\r\nServer: s\r\n\r\n"), into: &answer)
        #expect(answer.status == 204 && answer.minorVersion == 1 && answer.keepAlive && answer.contentLength == nil)
        #expect(!answer.chunked && !answer.transferEncoding && answer.connectionTokens.isEmpty && answer.lines.count == 1)
    }
}
