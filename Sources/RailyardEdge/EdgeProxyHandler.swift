import Atomics
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// Timeouts and limits of the edge.
public struct EdgeLimits: Sendable {
    /// To open a connection to an instance.
    public var connect: TimeAmount = .seconds(5)
    /// From the request's last byte sent to the instance's first byte of answer, and between
    /// bytes after that.
    public var response: TimeAmount = .seconds(60)
    /// A client connection with no request in flight is closed after this.
    public var clientIdle: TimeAmount = .seconds(75)
    /// An instance that refused a connection is avoided this long.
    public var passiveHealthWindow: TimeAmount = .seconds(10)
    /// How long a request to a route that holds requests (`Route.holdsRequests`) waits for an
    /// instance before it gets a 503.
    public var hold: TimeAmount = .seconds(30)
    /// How often a held request looks at the route table again.
    public var holdRecheck: TimeAmount = .milliseconds(20)
    /// Client connections open at once; past it a new one gets a 503 and is closed, so a flood
    /// of (slow) clients cannot exhaust the server's descriptors.
    public var maximumConnections = 10_000
    /// Idle kept-alive connections per instance and event loop. As many as busy clients may
    /// need at once: past it, each request would open (and close) a connection of its own.
    public var idleConnectionsPerUpstream = 512

    public init() {}
}

/// Serves one client connection: reads each request, sends it to an instance of the route its
/// Host names, and streams the answer back. Reads from either side stop while the other side
/// cannot take more (back-pressure), so bodies of any size pass in bounded memory.
final class EdgeProxyHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    /// To the tunnel that takes over after a 101.
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// One request and its answer. Exchanges are reused (`EdgeLoop.takeExchange`/`giveBack`),
    /// so that a request costs no allocation: only one that finished normally goes back, when
    /// nothing (a connect in progress, a timer) still refers to it.
    final class Exchange {
        /// Parsed into in place.
        var head = HTTPWire.RequestHead()
        private(set) var route: Route?
        private(set) var requestID: RequestIdentifier = .made(prefix: 0, count: 0)
        private(set) var keepAlive = true
        /// The head for the instance, until it goes (while connecting).
        var headToSend: ByteBuffer?
        /// Body bytes that came while connecting, to go after the head.
        var buffered: [ByteBuffer] = []
        var requestEnded = false
        /// Where the rest of the request body is.
        var body = RequestBody.none
        /// Some of the body went to an instance: the request can no longer be retried.
        var bodySent = false
        var responseStarted = false
        /// Instances that failed this request (filled only when one does: most requests never
        /// need it, and an empty set costs nothing).
        var failed: Set<String> = []
        var wantsFreshConnection = false
        var upstream: Upstream?
        var link: UpstreamHandler?
        /// An answer of the edge's own (404, 502…) once the request has been read.
        var localAnswer: LocalAnswer?
        /// It asks to switch protocols (a WebSocket): on 101 the connection becomes a tunnel.
        private(set) var isUpgrade = false
        /// The 101 came: the connection is becoming a tunnel.
        var switching = false
        /// The client connection closes after this answer (its end is the connection's end,
        /// or the client cannot read it any other way).
        var closesAfterAnswer = false
        private(set) var startedAt = NIODeadline.uptimeNanoseconds(0)
        var bytesIn = 0
        var bytesOut = 0
        var status = 0
        var lastUpstreamLabel: String?

        /// Starts the exchange of the request just parsed into `head`.
        func start(route: Route?, requestID: RequestIdentifier, at now: NIODeadline) {
            self.route = route
            self.requestID = requestID
            let isUpgrade = head.upgrade != nil
            self.isUpgrade = isUpgrade
            // After an upgrade that did not happen, what follows is not HTTP: the connection ends.
            keepAlive = head.keepAlive && !isUpgrade
            if head.chunked {
                body = .chunked(ChunkedBodyScanner())
            } else if let length = head.contentLength, length > 0 {
                body = .length(remaining: length)
            } else {
                body = .none
            }
            startedAt = now
            headToSend = nil
            if !buffered.isEmpty { buffered = [] }
            requestEnded = false
            bodySent = false
            responseStarted = false
            if !failed.isEmpty { failed = [] }
            wantsFreshConnection = false
            upstream = nil
            link = nil
            localAnswer = nil
            switching = false
            closesAfterAnswer = false
            bytesIn = 0
            bytesOut = 0
            status = 0
            lastUpstreamLabel = nil
        }

        /// The route changed while the request waited for an instance (`hold`).
        func reroute(_ route: Route) { self.route = route }

        /// Lets go of what the finished exchange holds, for its next use (`empty`: the loop's).
        func recycle(empty: ByteBuffer) {
            head.releaseBytes(for: empty)
            route = nil
            headToSend = nil
            upstream = nil
            link = nil
        }
    }

    enum RequestBody {
        case none
        case length(remaining: Int)
        case chunked(ChunkedBodyScanner)
    }

    let routes: EdgeRoutes
    /// What this connection's event loop keeps: its connection pool, metrics shard, request ids.
    let loop: EdgeLoop
    var pool: UpstreamPool { loop.pool }
    let limits: EdgeLimits
    var context: ChannelHandlerContext?
    var exchange: Exchange?
    var readPending = false
    /// Bytes from the client not yet taken: a head still coming, or requests sent before the
    /// answer to the one in flight (pipelining), which wait their turn.
    var inbound = HTTPWire.noBytes
    var processing = false
    var clientAddress = "unknown"
    /// The connection came over TLS.
    let secure: Bool
    /// The connection is being closed: nothing more it sends is read as a request.
    var closing = false

    init(routes: EdgeRoutes, loop: EdgeLoop, limits: EdgeLimits, secure: Bool = false) {
        self.routes = routes
        self.loop = loop
        self.limits = limits
        self.secure = secure
    }

    /// Counts the exchange in its service's metrics, and hands its record to the loop's access
    /// log batch (requests for unknown hosts are not logged: they belong to no service).
    func record(_ exchange: Exchange, status: Int, at now: NIODeadline = .now()) {
        guard let route = exchange.route else { return }
        let seconds = Double((now - exchange.startedAt).nanoseconds) / 1e9
        route.metrics.record(shard: loop.shard, status: status, seconds: seconds, bytesIn: exchange.bytesIn, bytesOut: exchange.bytesOut)
        guard let accessLog = loop.accessLog, let eventLoop = context?.eventLoop else { return }
        let host = exchange.head.host.flatMap(EdgeRoutes.normalize) ?? ""
        accessLog.add(AccessRecord(
            time: Date(), method: exchange.head.method.rawValue, host: host, path: exchange.head.uri, status: status,
            durationSeconds: seconds,
            bytesIn: exchange.bytesIn, bytesOut: exchange.bytesOut, requestID: exchange.requestID,
            clientAddress: clientAddress, service: route.service, upstream: exchange.upstream?.label ?? exchange.lastUpstreamLabel),
            on: eventLoop)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        routes.openConnections.wrappingIncrement(ordering: .relaxed)
        if let address = context.channel.remoteAddress?.ipAddress { clientAddress = address }
        scheduleIdleCheck(at: .now() + limits.clientIdle)
    }

    var lastActivity = NIODeadline.now()
    var idleCheck: Scheduled<Void>?

    /// Closes the connection once it has been idle (no request in flight) for `clientIdle`;
    /// one timer per connection, re-armed when it fires.
    func scheduleIdleCheck(at deadline: NIODeadline) {
        guard let context else { return }
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        idleCheck = context.eventLoop.scheduleTask(deadline: deadline) {
            let handler = bound.value
            guard let context = handler.context else { return }
            let due = handler.lastActivity + handler.limits.clientIdle
            if handler.exchange != nil || due > .now() {
                handler.scheduleIdleCheck(at: max(due, .now() + .seconds(1)))
            } else {
                context.close(promise: nil)
            }
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        routes.openConnections.wrappingDecrement(ordering: .relaxed)
        abandon()
        idleCheck?.cancel()
        idleCheck = nil
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        abandon()
        context.fireChannelInactive()
    }

    // MARK: Client → instance

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if closing { return }
        var bytes = unwrapInboundIn(data)
        if inbound.readableBytes == 0 {
            inbound = bytes
        } else {
            inbound.writeBuffer(&bytes)
        }
        processInbound(context: context)
    }

    /// Takes what it can of `inbound`: the body of the request being read, else the next
    /// request's head once no answer is pending.
    func processInbound(context: ChannelHandlerContext) {
        guard !processing else { return }
        processing = true
        defer {
            processing = false
            // Once all is taken, the read's memory is let go, so that the channel's next read
            // can reuse it (NIO reuses its receive buffer only when nobody else holds it).
            if inbound.readableBytes == 0 { inbound = loop.empty }
        }
        while inbound.readableBytes > 0, !closing {
            if let exchange {
                guard !exchange.requestEnded else { return }  // a pipelined request waits
                readBody(of: exchange, context: context)
                continue
            }
            guard let end = HTTPWire.headEnd(in: inbound) else {
                if inbound.readableBytes > HTTPWire.maximumHeadBytes { refuseHead(.headTooLarge, context: context) }
                return
            }
            guard end <= HTTPWire.maximumHeadBytes else { return refuseHead(.headTooLarge, context: context) }
            let headBytes = inbound.readSlice(length: end) ?? ByteBuffer()
            let started = loop.takeExchange()
            do {
                try HTTPWire.parseRequestHead(headBytes, into: &started.head)
            } catch {
                loop.giveBack(started)
                return refuseHead(error, context: context)
            }
            begin(started, context: context)
            lastActivity = started.startedAt
            if let exchange, exchange === started, case .none = exchange.body {
                endRequest(exchange, context: context)
            }
        }
    }

    /// The next bytes of the request body: passed on with their framing (or dropped when the
    /// edge answers itself), up to the body's end.
    func readBody(of exchange: Exchange, context: ChannelHandlerContext) {
        let piece: ByteBuffer
        var ended = false
        switch exchange.body {
        case .none:
            endRequest(exchange, context: context)
            return
        case .length(let remaining):
            let take = min(remaining, inbound.readableBytes)
            piece = inbound.readSlice(length: take) ?? ByteBuffer()
            ended = take == remaining
            exchange.body = .length(remaining: remaining - take)
        case .chunked(var scanner):
            guard let framed = try? scanner.consume(&inbound, keepFraming: true) else {
                // A chunked body that is not: nothing after it can be trusted.
                if exchange.responseStarted {
                    abandon()
                    closing = true
                    context.close(promise: nil)
                } else {
                    abandon()
                    refuseHead(.malformed, context: context)
                }
                return
            }
            piece = framed
            ended = scanner.isDone
            exchange.body = .chunked(scanner)
        }
        exchange.bytesIn += piece.readableBytes
        if exchange.localAnswer == nil {
            if let limit = exchange.route?.maximumBodyBytes, exchange.bytesIn > limit {
                refuseBody(exchange, limit: limit, context: context)
                return
            }
            send(piece, in: exchange, isBody: true)
        }
        if ended { endRequest(exchange, context: context) }
    }

    /// The whole request was read: the edge's own answer goes now, or the instance has it all.
    func endRequest(_ exchange: Exchange, context: ChannelHandlerContext) {
        exchange.requestEnded = true
        if let local = exchange.localAnswer {
            answer(local, in: exchange, context: context)
            return
        }
        exchange.link?.flush()
    }

    /// A request head that cannot be served: 400, 431 or 501, and the connection ends (where
    /// the next request would start is not known).
    func refuseHead(_ problem: HTTPWire.RequestProblem, context: ChannelHandlerContext) {
        closing = true
        inbound = ByteBuffer()
        let page: ErrorPage
        switch problem {
        case .malformed:
            page = ErrorPage.make(.badRequest, "The request could not be understood.", requestID: loop.requestIDs.next().description)
        case .headTooLarge:
            page = ErrorPage.make(.requestHeaderFieldsTooLarge, "The request's headers are too large.", requestID: loop.requestIDs.next().description)
        case .unsupportedTransferCoding:
            page = ErrorPage.make(.notImplemented, "The request's transfer coding is not supported.", requestID: loop.requestIDs.next().description)
        case .connect:
            page = ErrorPage.make(.methodNotAllowed, "CONNECT is not supported: this is not a forward proxy.", requestID: loop.requestIDs.next().description)
        }
        context.write(wrapOutboundOut(page.head(keepAlive: false)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(page.body)).whenComplete { _ in context.close(promise: nil) }
    }

    /// Not passed on: this handler is the pipeline's last, and the tail does nothing with it.
    func channelReadComplete(context: ChannelHandlerContext) {
        exchange?.link?.flush()
    }

    /// Reading more from the client waits while the instance cannot take the body, and while a
    /// pipelined request waits. Otherwise reads go on even with an answer pending: holding them
    /// would cost two `epoll_ctl` calls per request.
    func read(context: ChannelHandlerContext) {
        if let exchange {
            if exchange.requestEnded {
                if inbound.readableBytes > 0 {
                    readPending = true
                    return
                }
            } else if exchange.localAnswer == nil {
                guard let link = exchange.link, link.isWritable else {
                    readPending = true
                    return
                }
            }
        }
        context.read()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    /// Starts the exchange for a request whose head was parsed into it (it may be answered at once).
    func begin(_ exchange: Exchange, context: ChannelHandlerContext) {
        let requestID = RequestID.accept(exchange.head.requestID) ?? loop.requestIDs.next()
        let (host, route) = lookUpRoute(exchange.head.host)
        exchange.start(route: route, requestID: requestID, at: .now())
        self.exchange = exchange
        guard let host else {
            exchange.localAnswer = LocalAnswer(.badRequest, "The request has no valid Host header.")
            return
        }
        guard let route else {
            exchange.localAnswer = LocalAnswer(.notFound, "No application answers at this address.")
            return
        }
        if route.redirectsToHTTPS, !secure {
            let port = routes.httpsPort.load(ordering: .relaxed)
            if port > 0 {
                let authority = port == 443 ? host : "\(host):\(port)"
                let uri = exchange.head.uri
                let target = uri.hasPrefix("/") ? uri : "/"
                exchange.localAnswer = LocalAnswer(.permanentRedirect, "This application is served over HTTPS.", location: "https://\(authority)\(target)")
                return
            }
        }
        if let limit = route.maximumBodyBytes, let length = exchange.head.contentLength, length > limit {
            refuseBody(exchange, limit: limit, context: context)
            return
        }
        guard !route.upstreams.isEmpty else {
            if route.holdsRequests {
                exchange.headToSend = forwardedHead(exchange)
                hold(exchange, host: host, until: .now() + limits.hold)
                return
            }
            exchange.localAnswer = LocalAnswer(.serviceUnavailable, "The application has no healthy instance right now.")
            return
        }
        exchange.headToSend = forwardedHead(exchange)
        connect(exchange)
    }

    /// Waits for the route of `host` to have an instance (a volume service between its old
    /// replica and its new one), then sends the request there; past `deadline`, a 503. The
    /// body waits too: reading the client pauses while nothing takes it (`read`), so what is
    /// held is at most one read.
    func hold(_ exchange: Exchange, host: String, until deadline: NIODeadline) {
        guard let context else { return }
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        context.eventLoop.scheduleTask(in: limits.holdRecheck) {
            let handler = bound.value
            // The client went away, or the exchange ended some other way.
            guard handler.exchange === exchange, handler.context != nil, exchange.localAnswer == nil else { return }
            let route = handler.routes.current.route(for: host)
            if let route, !route.upstreams.isEmpty {
                exchange.reroute(route)
                handler.connect(exchange)
            } else if route?.holdsRequests != true || NIODeadline.now() >= deadline {
                handler.fail(exchange, .serviceUnavailable, "The application has no healthy instance right now.")
            } else {
                handler.hold(exchange, host: host, until: deadline)
            }
        }
    }

    /// The last Host header this connection named, its name and route, and the table version
    /// they were looked up in: keep-alive clients name the same host request after request.
    var routeCache: (header: String, version: Int, host: String?, route: Route?)?

    func lookUpRoute(_ header: String?) -> (host: String?, route: Route?) {
        guard let header else { return (nil, nil) }
        let version = routes.version.load(ordering: .acquiring)
        if let cache = routeCache, cache.version == version, cache.header == header { return (cache.host, cache.route) }
        let host = EdgeRoutes.normalize(header)
        let route = host.flatMap { routes.current.route(for: $0) }
        routeCache = (header, version, host, route)
        return (host, route)
    }

    func send(_ bytes: ByteBuffer, in exchange: Exchange, isBody: Bool) {
        if let link = exchange.link {
            if isBody {
                exchange.bodySent = true
                link.writeBody(bytes)
            } else {
                link.write(bytes)
            }
        } else {
            exchange.buffered.append(bytes)
        }
    }

    func connect(_ exchange: Exchange) {
        guard let context, let route = exchange.route else { return }
        guard let upstream = route.pick(excluding: exchange.failed) else {
            fail(exchange, .badGateway, "The application could not be reached.")
            return
        }
        exchange.upstream = upstream
        upstream.outstanding.add(1, shard: loop.shard)
        let fresh = exchange.wantsFreshConnection
        exchange.wantsFreshConnection = false
        if !fresh, let link = pool.idleConnection(to: upstream) {
            // A first try (no instance failed it yet) is at the request's start.
            attach(link, to: exchange, at: exchange.failed.isEmpty ? exchange.startedAt : .now())
            return
        }
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        pool.acquire(upstream, on: context.eventLoop, fresh: fresh, limits: limits).whenComplete { result in
            let handler = bound.value
            guard handler.exchange === exchange else {
                // The client went away while connecting (abandoning the exchange counted the
                // instance as no longer busy with it, unless it did not get that far).
                if case .success(let link) = result { link.close() }
                if exchange.upstream === upstream {
                    upstream.outstanding.add(-1, shard: handler.loop.shard)
                    exchange.upstream = nil
                }
                return
            }
            switch result {
            case .success(let link):
                handler.attach(link, to: exchange, at: .now())
            case .failure:
                upstream.outstanding.add(-1, shard: handler.loop.shard)
                upstream.avoid(for: handler.limits.passiveHealthWindow)
                exchange.failed.insert(upstream.key)
                exchange.upstream = nil
                // Nothing reached the instance: another may take the request.
                handler.connect(exchange)
            }
        }
    }

    /// `now`: the time, when the caller has it (the request's start, when an idle connection
    /// takes it at once).
    func attach(_ link: UpstreamHandler, to exchange: Exchange, at now: NIODeadline) {
        exchange.link = link
        link.begin(owner: self, responseTimeout: limits.response, method: exchange.head.method, expectsUpgrade: exchange.isUpgrade, at: now)
        if let head = exchange.headToSend {
            exchange.headToSend = nil
            link.write(head)
            loop.giveBackRequestHeadBuffer(head)
        }
        if !exchange.buffered.isEmpty {
            exchange.bodySent = true
            for bytes in exchange.buffered { link.write(bytes) }
            exchange.buffered = []
        }
        link.flush()
        resumeReadingClient()
    }

    func resumeReadingClient() {
        guard readPending, let context else { return }
        if let exchange {
            if exchange.requestEnded, inbound.readableBytes > 0 { return }
            if let link = exchange.link, !link.isWritable, !exchange.requestEnded { return }
        }
        readPending = false
        context.read()
    }

    // MARK: Instance → client (its state; the handling is in EdgeProxyHandler+Answers.swift)

    /// Whether the client can take more of the answer; the instance's reads wait otherwise.
    var clientIsWritable: Bool { context?.channel.isWritable ?? false }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { exchange?.link?.resumeReading() }
        context.fireChannelWritabilityChanged()
    }

    /// The answer's head being made (the loop's buffer, given back once written).
    var responseHead = HTTPWire.noBytes
    /// `responseHead` holds a head not written yet.
    var headPending = false
    /// Bodies up to this size are copied behind their head into one buffer.
    static let coalescedBodyBytes = 16 * 1024

    /// The answer's bytes written since the last flush: a flush with nothing to send still
    /// costs a pass through the pipeline and the channel's checks, and most reads of an answer
    /// end with it already flushed (by `finish`).
    var unflushed = false

    // MARK: Headers

    /// The request head as the instance gets it, in the loop's buffer (given back once sent).
    func forwardedHead(_ exchange: Exchange) -> ByteBuffer {
        var buffer = loop.takeRequestHeadBuffer()
        HTTPWire.writeRequestHead(&exchange.head, requestID: exchange.requestID, clientAddress: clientAddress, secure: secure, into: &buffer)
        return buffer
    }
}
