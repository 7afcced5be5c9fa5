import Atomics
import NIOCore
import NIOPosix
import Synchronization

/// The edge's TCP proxies: one listener per proxy port, each forwarding raw bytes both ways
/// to an instance its route names (`TCPProxyRoutes`). It knows nothing of the store: the
/// control plane says which ports to listen on (`listen(on:)`) and where each one's
/// connections go (`routes.replace`).
public actor TCPProxyServer {
    public nonisolated let routes: TCPProxyRoutes
    /// Where the listeners are: the edge's HTTP listen host.
    public nonisolated let host: String
    public nonisolated let limits: TCPProxyLimits
    private nonisolated let group: any EventLoopGroup
    private var listeners: [Int: TCPProxyListener] = [:]

    public init(host: String, limits: TCPProxyLimits = TCPProxyLimits(), routes: TCPProxyRoutes = TCPProxyRoutes(),
                group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.host = host
        self.limits = limits
        self.routes = routes
        self.group = group
    }

    /// Listens on exactly `ports` from now on: binds those not yet bound, and closes those no
    /// longer asked for together with every connection through them (a removed proxy lets
    /// nobody in). Returns why a port could not be bound, by port. Ports in `sharedWithReplaced`
    /// are bound beside whoever holds them: the server this one replaces, which listens there
    /// for the same proxies until it stops (`railyard server --replace`).
    @discardableResult
    public func listen(on ports: Set<Int>, sharedWithReplaced: Set<Int> = []) async -> [Int: String] {
        for (port, listener) in listeners where !ports.contains(port) {
            listeners[port] = nil
            await listener.close()
        }
        var problems: [Int: String] = [:]
        for port in ports.sorted() where listeners[port] == nil {
            // Shared with a replacing server in an upgrade (SO_REUSEPORT), so an unrelated
            // program already there must be refused first, as for the HTTP listeners.
            if !sharedWithReplaced.contains(port), ListenerProbe.inUse(host: host, port: port) {
                problems[port] = "another program listens on \(host):\(port)"
                continue
            }
            let listener = TCPProxyListener(port: port, routes: routes, limits: limits)
            do {
                try await listener.bind(host: host, group: group)
                // Re-checked after the await: a call that ran meanwhile may have bound it.
                if let other = listeners[port] {
                    await listener.close()
                    _ = other
                } else {
                    listeners[port] = listener
                }
            } catch {
                problems[port] = "cannot listen on \(host):\(port): \(error)"
            }
        }
        return problems
    }

    /// The ports listened on now.
    public var listeningPorts: Set<Int> { Set(listeners.keys) }

    /// Connections open now through the proxy on `port`.
    public func openConnections(port: Int) -> Int { listeners[port]?.open.load(ordering: .relaxed) ?? 0 }

    /// Closes every listener and connection (at shutdown).
    public func closeAll() async {
        let closing = listeners.values
        listeners = [:]
        for listener in closing { await listener.close() }
    }
}

/// One proxy port: its listening channel and the connections it accepted, so that removing
/// the proxy closes them too.
final class TCPProxyListener: Sendable {
    let port: Int
    let routes: TCPProxyRoutes
    let limits: TCPProxyLimits
    /// Connections open now through this port.
    let open = ManagedAtomic<Int>(0)
    private let state = Mutex<(server: (any Channel)?, connections: [ObjectIdentifier: any Channel], closed: Bool)>(
        (nil, [:], false))

    init(port: Int, routes: TCPProxyRoutes, limits: TCPProxyLimits) {
        self.port = port
        self.routes = routes
        self.limits = limits
    }

    func bind(host: String, group: any EventLoopGroup) async throws {
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(ChannelOptions.Types.SocketOption(level: .socket, name: NIOBSDSocket.Option(rawValue: SO_REUSEPORT)), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            // Nothing is read from a client until it is glued to an instance: bytes it sends
            // meanwhile wait in the kernel, not in the server's memory.
            .childChannelOption(.autoRead, value: false)
            .childChannelInitializer { [self] channel in accept(channel) }
            .bind(host: host, port: port)
            .get()
        let closeNow = state.withLock { state -> Bool in
            if state.closed { return true }
            state.server = server
            return false
        }
        if closeNow { try? await server.close() }
    }

    /// Counts and keeps the connection, or closes it at once past a limit or after `close()`.
    private func accept(_ channel: any Channel) -> EventLoopFuture<Void> {
        let total = routes.openConnections.wrappingIncrementThenLoad(ordering: .relaxed)
        let mine = open.wrappingIncrementThenLoad(ordering: .relaxed)
        let id = ObjectIdentifier(channel)
        let kept = state.withLock { state -> Bool in
            guard !state.closed else { return false }
            state.connections[id] = channel
            return true
        }
        channel.closeFuture.whenComplete { [self] _ in
            routes.openConnections.wrappingDecrement(ordering: .relaxed)
            open.wrappingDecrement(ordering: .relaxed)
            state.withLock { _ = $0.connections.removeValue(forKey: id) }
        }
        guard kept, total <= limits.maximumConnections, mine <= limits.connectionsPerProxy else {
            channel.eventLoop.execute { channel.close(promise: nil) }
            return channel.eventLoop.makeSucceededVoidFuture()
        }
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(
                TCPProxyConnector(port: port, routes: routes, limits: limits))
        }
    }

    /// Stops listening and closes every connection through the port.
    func close() async {
        let (server, connections) = state.withLock { state in
            state.closed = true
            let taken = (state.server, Array(state.connections.values))
            state.server = nil
            state.connections = [:]
            return taken
        }
        try? await server?.close()
        for connection in connections { connection.close(promise: nil) }
    }
}
