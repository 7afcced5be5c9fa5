import NIOCore
import NIOHTTP1
import NIOPosix

/// The instance side of one connection: forwards the answer to the client handler that owns it
/// for the current request, and sits in the pool between requests.
final class UpstreamHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias InboundOut = Never
    typealias OutboundIn = HTTPClientRequestPart
    typealias OutboundOut = HTTPClientRequestPart

    let upstream: Upstream
    /// The HTTP codec, taken out when the connection becomes a tunnel.
    var httpHandlers: [any RemovableChannelHandler] = []
    private weak var pool: UpstreamPool?
    private var context: ChannelHandlerContext?
    private var owner: EdgeProxyHandler?
    private var readPending = false
    private var responseTimeout: TimeAmount = .seconds(60)
    /// One timer per connection, re-armed from `lastActivity` when it fires, rather than a
    /// timer per read.
    private var timeout: Scheduled<Void>?
    private var lastActivity = NIODeadline.now()
    /// It has served a request before: the instance may have closed it meanwhile.
    private(set) var reused = false
    private var keepAlive = true
    private var closed = false

    init(upstream: Upstream, pool: UpstreamPool) {
        self.upstream = upstream
        self.pool = pool
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    var isWritable: Bool { context?.channel.isWritable ?? false }

    // MARK: Used by the client handler

    func begin(owner: EdgeProxyHandler, responseTimeout: TimeAmount) {
        self.owner = owner
        self.responseTimeout = responseTimeout
        keepAlive = true
        lastActivity = .now()
        if timeout == nil { armTimeout(at: lastActivity + responseTimeout) }
    }

    func write(_ part: HTTPClientRequestPart) {
        guard let context else { return }
        if case .head(let head) = part, !head.isKeepAlive { keepAlive = false }
        context.write(wrapOutboundOut(part), promise: nil)
    }

    func flush() { context?.flush() }

    func resumeReading() {
        guard readPending, let context else { return }
        readPending = false
        context.read()
    }

    /// The answer is complete: back to the pool, or closed when the instance does not keep it.
    func release() {
        owner = nil
        reused = true
        guard keepAlive, !closed, let context, context.channel.isActive, let pool else {
            close()
            return
        }
        pool.put(self, on: context.eventLoop)
        if readPending {
            readPending = false
            context.read()
        }
    }

    func close() {
        owner = nil
        timeout?.cancel()
        timeout = nil
        guard !closed else { return }
        closed = true
        context?.close(promise: nil)
    }

    var isUsable: Bool { !closed && (context?.channel.isActive ?? false) }

    /// Turns the connection into one end of a byte tunnel: the HTTP codec and this handler
    /// leave, `glue` takes over (and gets whatever the decoder had not parsed).
    func becomeTunnel(_ glue: GlueHandler) {
        owner = nil
        timeout?.cancel()
        timeout = nil
        closed = true  // never back to the pool
        guard let context else { return }
        let pipeline = context.pipeline.syncOperations
        do {
            try pipeline.addHandler(glue)
            pipeline.removeHandler(context: context, promise: nil)
            for handler in httpHandlers.reversed() { pipeline.removeHandler(handler, promise: nil) }
        } catch {
            context.close(promise: nil)
        }
    }

    // MARK: Channel events

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        lastActivity = .now()
        switch part {
        case .head(let head):
            if !head.isKeepAlive { keepAlive = false }
            owner?.upstreamResponse(part)
        case .body:
            owner?.upstreamResponse(part)
        case .end:
            // The owner releases (or closes) this connection as it finishes.
            owner?.upstreamResponse(part)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        owner?.upstreamFlush()
    }

    /// Reading more of the answer waits while the client cannot take it.
    func read(context: ChannelHandlerContext) {
        if let owner, !owner.clientIsWritable {
            readPending = true
            return
        }
        context.read()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { owner?.resumeReadingClient() }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        closed = true
        timeout?.cancel()
        timeout = nil
        pool?.remove(self, on: context.eventLoop)
        if let owner {
            self.owner = nil
            owner.upstreamFailed(reused: reused, timedOut: false)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func armTimeout(at deadline: NIODeadline) {
        guard let context else { return }
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        timeout = context.eventLoop.scheduleTask(deadline: deadline) {
            let handler = bound.value
            handler.timeout = nil
            guard let owner = handler.owner else { return }
            let due = handler.lastActivity + handler.responseTimeout
            if due > .now() {
                handler.armTimeout(at: due)
                return
            }
            handler.owner = nil
            handler.close()
            owner.upstreamFailed(reused: false, timedOut: true)
        }
    }
}

/// Kept-alive connections to instances, per event loop (a connection is only ever used on the
/// loop of the client connection it serves, so no lock is needed).
final class UpstreamPool {
    private var idle: [String: [UpstreamHandler]] = [:]
    private let maximumIdle: Int

    init(maximumIdle: Int) { self.maximumIdle = maximumIdle }

    /// An idle kept-alive connection to `upstream`, if one is open.
    func idleConnection(to upstream: Upstream) -> UpstreamHandler? {
        while var list = idle[upstream.key], let handler = list.popLast() {
            idle[upstream.key] = list.isEmpty ? nil : list
            if handler.isUsable { return handler }
        }
        return nil
    }

    /// An idle connection to `upstream`, or a new one (always new when `fresh`).
    func acquire(_ upstream: Upstream, on eventLoop: any EventLoop, fresh: Bool, limits: EdgeLimits) -> EventLoopFuture<UpstreamHandler> {
        eventLoop.preconditionInEventLoop()
        if !fresh {
            while var list = idle[upstream.key], let handler = list.popLast() {
                idle[upstream.key] = list.isEmpty ? nil : list
                if handler.isUsable { return eventLoop.makeSucceededFuture(handler) }
            }
        }
        let handler = UpstreamHandler(upstream: upstream, pool: self)
        let boundHandler = NIOLoopBound(handler, eventLoop: eventLoop)
        return ClientBootstrap(group: eventLoop)
            .connectTimeout(limits.connect)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler = boundHandler.value
                    let encoder = HTTPRequestEncoder()
                    let decoder = ByteToMessageHandler(HTTPResponseDecoder(leftOverBytesStrategy: .forwardBytes))
                    handler.httpHandlers = [encoder, decoder]
                    try channel.pipeline.syncOperations.addHandlers([encoder, decoder, handler])
                }
            }
            .connect(host: upstream.host, port: upstream.port)
            .map { _ in boundHandler.value }
    }

    func put(_ handler: UpstreamHandler, on eventLoop: any EventLoop) {
        var list = idle[handler.upstream.key] ?? []
        guard list.count < maximumIdle else {
            handler.close()
            return
        }
        list.append(handler)
        idle[handler.upstream.key] = list
    }

    func remove(_ handler: UpstreamHandler, on eventLoop: any EventLoop) {
        guard var list = idle[handler.upstream.key] else { return }
        list.removeAll { $0 === handler }
        idle[handler.upstream.key] = list.isEmpty ? nil : list
    }
}
