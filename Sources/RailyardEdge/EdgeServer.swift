import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// The edge router: an HTTP/1.1 reverse proxy that sends each request to an instance of the
/// route its Host names. It knows nothing of the store; the control plane hands it route
/// tables through `routes`.
public final class EdgeServer: Sendable {
    public let routes: EdgeRoutes
    public let limits: EdgeLimits
    private let group: any EventLoopGroup
    /// Per event loop: its connection pool, metrics shard and request ids, used only there.
    private let loops: [ObjectIdentifier: NIOLoopBoundBox<EdgeLoop>]

    /// Takes a record of every request answered for a known host, in batches per event loop.
    public let accessLog: AccessLogSink?

    public init(routes: EdgeRoutes = EdgeRoutes(), limits: EdgeLimits = EdgeLimits(),
                group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                accessLog: AccessLogSink? = nil) {
        self.routes = routes
        self.limits = limits
        self.group = group
        self.accessLog = accessLog
        var loops: [ObjectIdentifier: NIOLoopBoundBox<EdgeLoop>] = [:]
        for (index, loop) in group.makeIterator().enumerated() {
            let state = EdgeLoop(pool: UpstreamPool(maximumIdle: limits.idleConnectionsPerUpstream), shard: index)
            state.accessLog = accessLog.map(AccessLogBatcher.init(sink:))
            loops[ObjectIdentifier(loop)] = .makeBoxSendingValue(state, eventLoop: loop)
        }
        self.loops = loops
    }

    /// Closes a listener without dropping a connection it has accepted. NIO sets an accepted
    /// connection up on its own event loop and then hands it back to the listener's loop, which
    /// closes it if the listener has closed meanwhile: a client whose connection was accepted
    /// in that moment saw it reset, or closed under its request, during an upgrade. So accepting
    /// stops first, every loop then runs what it has queued (twice over: the set-up, then the
    /// hand-back), and only then the socket closes. Connections still in its kernel queue move
    /// to a listener beside it on the port (`net.ipv4.tcp_migrate_req`, which
    /// `railyard server --replace` turns on).
    public func closeListener(_ listener: any Channel) async {
        try? await listener.setOption(ChannelOptions.autoRead, value: false).get()
        for _ in 0..<3 {
            for loop in group.makeIterator() { try? await loop.submit {}.get() }
            try? await listener.eventLoop.submit {}.get()
        }
        try? await listener.close().get()
    }

    /// Hands every loop's waiting access records to the writer and waits until it has
    /// delivered them: called at shutdown, once the last answers were given, so that the
    /// log keeps the last requests (a loop hands its records over only every 50 ms otherwise).
    public func flushAccessLog() async {
        guard let accessLog else { return }
        for loop in group.makeIterator() {
            guard let box = loops[ObjectIdentifier(loop)] else { continue }
            try? await loop.submit { box.value.accessLog?.handOver() }.get()
        }
        try? await NIOThreadPool.singleton.runIfActive { accessLog.drain() }
    }

    /// Starts serving HTTP; the channel's local address says where (port 0 picks one).
    public func bind(host: String, port: Int) async throws -> any Channel {
        try await bind(host: host, port: port, tls: nil)
    }

    /// Starts serving HTTPS. Each handshake presents the certificate of the host the client
    /// names (SNI): the one installed for it, else a self-signed one; clients that name no
    /// routed host get the edge's own self-signed certificate (and then a 404).
    public func bindTLS(host: String, port: Int) async throws -> any Channel {
        let fallback = try TLSIdentity.selfSigned(for: "railyard-edge.invalid")
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: fallback.override.certificateChain ?? [], privateKey: fallback.override.privateKey ?? .file(""))
        configuration.minimumTLSVersion = .tlsv12
        configuration.applicationProtocols = ["http/1.1"]
        let routes = self.routes
        configuration.sslContextCallback = { hello, promise in
            promise.succeed(routes.identity(for: hello.serverHostname)?.override ?? .noChanges)
        }
        let context = try NIOSSLContext(configuration: configuration)
        let channel = try await bind(host: host, port: port, tls: context)
        routes.setHTTPSPort(channel.localAddress?.port ?? port)
        return channel
    }

    private func bind(host: String, port: Int, tls: NIOSSLContext?) async throws -> any Channel {
        let routes = self.routes
        let limits = self.limits
        let loops = self.loops
        return try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            // Shared with the server that replaces this one in an upgrade, which listens beside
            // it before this one stops (`railyard server --replace`). Two unrelated servers on
            // one port are refused before binding: see `ListenerProbe`.
            .serverChannelOption(ChannelOptions.Types.SocketOption(level: .socket, name: NIOBSDSocket.Option(rawValue: SO_REUSEPORT)), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    guard let loop = loops[ObjectIdentifier(channel.eventLoop)]?.value else {
                        throw EdgeError("no connection pool for this event loop")
                    }
                    let pipeline = channel.pipeline.syncOperations
                    // Past the limit a connection gets a 503 and is closed, with no HTTP parsing.
                    if routes.openConnections.load(ordering: .relaxed) >= limits.maximumConnections {
                        if let tls { try pipeline.addHandler(NIOSSLServerHandler(context: tls)) }
                        try pipeline.addHandler(TurnAwayHandler())
                        return
                    }
                    if let tls { try pipeline.addHandler(NIOSSLServerHandler(context: tls)) }
                    // The HTTP handlers by hand, so that an upgraded connection can take them out
                    // (the decoder then hands on what it has not parsed).
                    // Bytes in, bytes out: the proxy reads requests and writes answers itself.
                    try pipeline.addHandler(
                        EdgeProxyHandler(routes: routes, loop: loop, limits: limits, secure: tls != nil))
                }
            }
            .bind(host: host, port: port)
            .get()
    }
}

public struct EdgeError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// One request the edge answered, for HTTP logs.
public struct AccessRecord: Sendable {
    public var time: Date
    public var method: String
    public var host: String
    public var path: String
    public var status: Int
    public var durationSeconds: Double
    public var bytesIn: Int
    public var bytesOut: Int
    public var requestID: RequestIdentifier
    public var clientAddress: String
    /// The route's service, and the instance that answered (its label), if one did.
    public var service: String
    public var upstream: String?
}

/// Answers a connection over the edge's limit with a fixed 503 and closes it.
final class TurnAwayHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    static let answer = """
        HTTP/1.1 503 Service Unavailable\r
        content-type: text/plain; charset=utf-8\r
        content-length: 41\r
        connection: close\r
        \r
        Too many connections; try again shortly.

        """

    func channelActive(context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: Self.answer))).whenComplete { _ in
            context.close(promise: nil)
        }
        // Over TLS the answer waits for a handshake that may never come.
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.eventLoop.scheduleTask(in: .seconds(10)) { bound.value.close(promise: nil) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
}

/// A byte forwarder with no HTTP at all: each client connection gets its own connection to
/// one address and the two are glued. Not used to serve anything: benchmarks/edge.sh runs it
/// beside the edge to show what SwiftNIO's channel machinery alone costs on the machine.
public enum ByteForwarder {
    public static func bind(host: String, port: Int, to upstreamHost: String, _ upstreamPort: Int,
                            group: any EventLoopGroup) async throws -> any Channel {
        try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.autoRead, value: false)
            .childChannelInitializer { client in
                // Glued once the client is registered and the instance connected; reads wait till
                // then. The connect starts after this turn of the loop, once the client has been
                // registered: a loopback connect can complete at once, and gluing to a client not
                // yet active would close both ends.
                client.eventLoop.execute { glue(client, to: upstreamHost, upstreamPort) }
                return client.eventLoop.makeSucceededVoidFuture()
            }
            .bind(host: host, port: port)
            .get()
    }

    private static func glue(_ client: any Channel, to upstreamHost: String, _ upstreamPort: Int) {
        let bootstrap = ClientBootstrap(group: client.eventLoop).channelOption(.socketOption(.tcp_nodelay), value: 1)
        let address = try? SocketAddress(ipAddress: upstreamHost, port: upstreamPort)
        (address.map { bootstrap.connect(to: $0) } ?? bootstrap.connect(host: upstreamHost, port: upstreamPort))
            .whenComplete { result in
                guard case .success(let instance) = result else { return client.close(promise: nil) }
                // The client's end first: an end added to a channel already closed closes its
                // partner, which must be in place by then (the instance may have closed at once,
                // and the other order left the client waiting for ever).
                let (clientEnd, instanceEnd) = GlueHandler.pair {}
                client.pipeline.addHandler(clientEnd).flatMap {
                    instance.pipeline.addHandler(instanceEnd)
                }.flatMap {
                    client.setOption(.autoRead, value: true)
                }.whenFailure { _ in
                    client.close(promise: nil)
                    instance.close(promise: nil)
                }
            }
    }
}
