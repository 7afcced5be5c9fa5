import Atomics
import NIOCore
import NIOHTTP1
import NIOPosix

/// A small HTTP server standing in for an app instance (a real one over real sockets):
/// `/` answers its name, `/headers` the request's headers, `/count` the size of the request
/// body, `/big?bytes=N` N bytes streamed, `/slow?ms=N` after N ms. Started with a `delay`,
/// `/` answers its name only after that long (a slow replica beside fast ones).
final class TestUpstream: Sendable {
    let name: String
    let channel: any Channel
    let connections: ManagedAtomic<Int>
    let requests: ManagedAtomic<Int>
    /// `/gated-events` sends its second event only once this is set.
    let gate: ManagedAtomic<Bool>

    var port: Int { channel.localAddress?.port ?? 0 }

    private init(
        name: String, channel: any Channel, connections: ManagedAtomic<Int>, requests: ManagedAtomic<Int>, gate: ManagedAtomic<Bool>
    ) {
        self.gate = gate
        self.name = name
        self.channel = channel
        self.connections = connections
        self.requests = requests
    }

    static func start(_ name: String, delay: TimeAmount? = nil) async throws -> TestUpstream {
        let connections = ManagedAtomic<Int>(0)
        let requests = ManagedAtomic<Int>(0)
        let gate = ManagedAtomic<Bool>(false)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    connections.wrappingIncrement(ordering: .relaxed)
                    let encoder = HTTPResponseEncoder()
                    let decoder = ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .forwardBytes))
                    let pipelining = HTTPServerPipelineHandler()
                    let handler = Handler(name: name, requests: requests, gate: gate, delay: delay)
                    handler.httpHandlers = [encoder, decoder, pipelining]
                    try channel.pipeline.syncOperations.addHandlers([encoder, decoder, pipelining, handler])
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return TestUpstream(name: name, channel: channel, connections: connections, requests: requests, gate: gate)
    }

    func stop() async { try? await channel.close() }

    final class Handler: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        var httpHandlers: [any RemovableChannelHandler] = []

        let name: String
        let requests: ManagedAtomic<Int>
        var head: HTTPRequestHead?
        var received = 0

        let gate: ManagedAtomic<Bool>
        let delay: TimeAmount?

        init(name: String, requests: ManagedAtomic<Int>, gate: ManagedAtomic<Bool>, delay: TimeAmount?) {
            self.gate = gate
            self.delay = delay
            self.name = name
            self.requests = requests
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                received = 0
                requests.wrappingIncrement(ordering: .relaxed)
            case .body(let body):
                received += body.readableBytes
            case .end:
                guard let head else { return }
                respond(to: head, context: context)
            }
        }

        func query(_ head: HTTPRequestHead, _ key: String) -> Int? {
            guard let query = head.uri.split(separator: "?", maxSplits: 1).dropFirst().first else { return nil }
            for pair in query.split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.count == 2, parts[0] == key { return Int(parts[1]) }
            }
            return nil
        }

        func respond(to head: HTTPRequestHead, context: ChannelHandlerContext) {
            let path = String(head.uri.split(separator: "?").first ?? "/")
            switch path {
            case "/ws" where head.headers.first(name: "upgrade")?.lowercased() == "websocket":
                // Switches protocols, then echoes every byte it gets (what a WebSocket does on
                // the wire is the app's business; the edge only carries bytes).
                var headers = HTTPHeaders()
                headers.add(name: "upgrade", value: "websocket")
                headers.add(name: "connection", value: "Upgrade")
                context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .switchingProtocols, headers: headers))), promise: nil)
                let pipeline = context.pipeline.syncOperations
                try? pipeline.addHandler(Echo())
                pipeline.removeHandler(context: context, promise: nil)
                for handler in httpHandlers.reversed() { pipeline.removeHandler(handler, promise: nil) }
            case "/headers":
                let text = head.headers.map { "\($0.name.lowercased()): \($0.value)" }.joined(separator: "\n")
                send(text, context: context)
            case "/count":
                send(String(received), context: context)
            case "/big":
                stream(bytes: query(head, "bytes") ?? 0, context: context)
            case "/events":
                // Server-Sent Events: three events 500 ms apart, each flushed as it is written.
                var headers = HTTPHeaders()
                headers.add(name: "content-type", value: "text/event-stream")
                context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
                let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                for index in 0..<3 {
                    context.eventLoop.scheduleTask(in: .milliseconds(Int64(index * 500))) {
                        let (handler, context) = bound.value
                        context.writeAndFlush(handler.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: "data: \(index)\n\n")))), promise: nil)
                        if index == 2 { context.writeAndFlush(handler.wrapOutboundOut(.end(nil)), promise: nil) }
                    }
                }
            case "/gated-events":
                // One event, then the second only once the client has said it got the first:
                // a proxy that held the stream back would never let it finish.
                var headers = HTTPHeaders()
                headers.add(name: "content-type", value: "text/event-stream")
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: "data: first\n\n")))), promise: nil)
                let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                func waitForGate() {
                    bound.value.1.eventLoop.scheduleTask(in: .milliseconds(10)) {
                        let (handler, context) = bound.value
                        guard handler.gate.load(ordering: .relaxed) else { return waitForGate() }
                        context.write(handler.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: "data: second\n\n")))), promise: nil)
                        context.writeAndFlush(handler.wrapOutboundOut(.end(nil)), promise: nil)
                    }
                }
                waitForGate()
            case "/slow":
                let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                context.eventLoop.scheduleTask(in: .milliseconds(Int64(query(head, "ms") ?? 1000))) {
                    bound.value.0.send("slow \(bound.value.0.name)", context: bound.value.1)
                }
            default:
                guard let delay else { return send(name, context: context) }
                let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                context.eventLoop.scheduleTask(in: delay) { bound.value.0.send(bound.value.0.name, context: bound.value.1) }
            }
        }

        func send(_ text: String, context: ChannelHandlerContext) {
            var headers = HTTPHeaders()
            headers.add(name: "content-length", value: String(text.utf8.count))
            headers.add(name: "x-upstream", value: name)
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: text)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }

        /// Streams `bytes` bytes in 64 KiB pieces, each written once the previous one went.
        func stream(bytes: Int, context: ChannelHandlerContext) {
            var headers = HTTPHeaders()
            headers.add(name: "content-length", value: String(bytes))
            context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
            let chunk = ByteBuffer(repeating: 0x61, count: 64 * 1024)
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            func next(_ remaining: Int) {
                let (handler, context) = bound.value
                guard remaining > 0 else {
                    context.writeAndFlush(handler.wrapOutboundOut(.end(nil)), promise: nil)
                    return
                }
                let piece = chunk.getSlice(at: 0, length: min(remaining, chunk.readableBytes))!
                context.writeAndFlush(handler.wrapOutboundOut(.body(.byteBuffer(piece)))).whenSuccess {
                    next(remaining - piece.readableBytes)
                }
            }
            next(bytes)
        }
    }
}

/// Writes back every byte it reads.
final class Echo: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.writeAndFlush(data, promise: nil)
    }
}
