import NIOCore
import NIOPosix

/// Serves one client connection of a TCP proxy: connects to an instance of the port's route
/// (another one if that fails), then glues the two (`GlueHandler`: what one side reads the
/// other writes, reads held while the other cannot take more, so memory stays bounded
/// whatever flows). While the route has no instance and one is on its way, the connection
/// waits, looking at the table again every `holdRecheck`, up to `hold`; otherwise it is closed.
/// It connects only to addresses the table names: the service's own instances.
final class TCPProxyConnector: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    private let port: Int
    private let routes: TCPProxyRoutes
    private let limits: TCPProxyLimits
    private var deadline = NIODeadline.now()
    private var closed = false
    /// Instances that failed for this connection; tried again only once none is left.
    private var failed: Set<String> = []

    init(port: Int, routes: TCPProxyRoutes, limits: TCPProxyLimits) {
        self.port = port
        self.routes = routes
        self.limits = limits
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        closed = true
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private var started = false

    private func start(_ context: ChannelHandlerContext) {
        guard !started else { return }
        started = true
        deadline = .now() + limits.hold
        attempt(context.channel)
    }

    private func attempt(_ client: any Channel) {
        guard !closed, client.isActive else { return }
        let route = routes.route(port: port)
        guard let route, let upstream = route.pick(excluding: failed) else {
            // Every instance failed once (or there is none): all are tried again after a pause.
            failed = []
            wait(client, holding: route?.holdsConnections ?? false)
            return
        }
        let bootstrap = ClientBootstrap(group: client.eventLoop)
            .connectTimeout(limits.connect)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
        let connecting = upstream.address.map { bootstrap.connect(to: $0) } ?? bootstrap.connect(host: upstream.host, port: upstream.port)
        let bound = NIOLoopBound(self, eventLoop: client.eventLoop)
        connecting.whenComplete { result in
            let connector = bound.value
            switch result {
            case .failure:
                connector.failed.insert(upstream.key)
                connector.attempt(client)
            case .success(let instance):
                connector.glue(client, to: instance)
            }
        }
    }

    /// Waits for an instance while one is coming and time is left; closes the client otherwise.
    private func wait(_ client: any Channel, holding: Bool) {
        guard holding, NIODeadline.now() + limits.holdRecheck < deadline else {
            client.close(promise: nil)
            return
        }
        let bound = NIOLoopBound(self, eventLoop: client.eventLoop)
        client.eventLoop.scheduleTask(in: limits.holdRecheck) { bound.value.attempt(client) }
    }

    /// Joins the client and the instance. Both are on the client's event loop, and this runs
    /// in the turn that completed the connect, before the instance's first read: nothing it
    /// sends first (MySQL's greeting) is lost.
    private func glue(_ client: any Channel, to instance: any Channel) {
        guard !closed, client.isActive else {
            instance.close(promise: nil)
            return
        }
        // The client's end first: an end added to a channel already closed closes its
        // partner, which must be in place by then.
        let (clientEnd, instanceEnd) = GlueHandler.pair {}
        do {
            try client.pipeline.syncOperations.addHandler(clientEnd)
            try instance.pipeline.syncOperations.addHandler(instanceEnd)
        } catch {
            client.close(promise: nil)
            instance.close(promise: nil)
            return
        }
        client.setOption(.autoRead, value: true).whenFailure { _ in
            client.close(promise: nil)
            instance.close(promise: nil)
        }
    }
}
