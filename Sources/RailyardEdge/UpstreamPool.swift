import NIOCore
import NIOHTTP1
import NIOPosix

/// The instance side of one connection: writes requests as bytes, reads answers as bytes
/// (only their heads are parsed; bodies pass through with their framing) and hands them to
/// the client handler that owns it for the current request; sits in the pool between requests.
final class UpstreamHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Where the current answer is.
    private enum Reading {
        case head
        case length(remaining: Int)
        case chunked(ChunkedBodyScanner, keepFraming: Bool)
        case untilClose
        /// After a 101: the bytes after its head belong to the tunnel.
        case switching(ByteBuffer)
    }

    let upstream: Upstream
    /// Held strongly, though the pool holds this handler while it is idle: the cycle lasts only
    /// as long as the connection is open (it leaves the pool as it closes), and a weak reference
    /// would give the pool a side table, making every retain of it (two a request) a slow one.
    private let pool: UpstreamPool
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
    private var reading = Reading.head
    /// An answer's head so far, while it comes in pieces.
    private var partialHead: ByteBuffer?
    private var requestMethod = HTTPMethod.GET
    private var expectsUpgrade = false

    init(upstream: Upstream, pool: UpstreamPool) {
        self.upstream = upstream
        self.pool = pool
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    var isWritable: Bool { context?.channel.isWritable ?? false }

    // MARK: Used by the client handler

    /// Starts serving `owner`'s request, whose head goes `at` (the timeout counts from there).
    func begin(owner: EdgeProxyHandler, responseTimeout: TimeAmount, method: HTTPMethod, expectsUpgrade: Bool, at now: NIODeadline) {
        self.owner = owner
        lastActivity = now
        self.responseTimeout = responseTimeout
        self.requestMethod = method
        self.expectsUpgrade = expectsUpgrade
        keepAlive = true
        reading = .head
        partialHead = nil
        if timeout == nil { armTimeout(at: now + responseTimeout) }
    }

    /// Request body bytes: a long upload is activity too, the answer's timeout counts from its
    /// last byte.
    func writeBody(_ bytes: ByteBuffer) {
        lastActivity = .now()
        write(bytes)
    }

    func write(_ bytes: ByteBuffer) {
        needsFlush = true
        context?.write(wrapOutboundOut(bytes), promise: nil)
    }

    /// Something was written since the last flush (the client handler asks after every read).
    private var needsFlush = false

    func flush() {
        guard needsFlush else { return }
        needsFlush = false
        context?.flush()
    }

    func resumeReading() {
        guard readPending, let context else { return }
        readPending = false
        context.read()
    }

    /// The answer is complete: back to `pool` (its loop's), or closed when the instance does
    /// not keep it.
    func release(to pool: UpstreamPool) {
        owner = nil
        reused = true
        guard keepAlive, !closed, let context else {
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

    /// `closed` is set as the channel goes inactive, so no look at the channel is needed.
    var isUsable: Bool { !closed && context != nil }

    /// Turns the connection into one end of a byte tunnel: this handler leaves, `glue` takes
    /// over, starting with what came after the 101's head.
    func becomeTunnel(_ glue: GlueHandler) {
        owner = nil
        timeout?.cancel()
        timeout = nil
        closed = true  // never back to the pool
        guard let context else { return }
        var leftover = ByteBuffer()
        if case .switching(let bytes) = reading { leftover = bytes }
        let pipeline = context.pipeline.syncOperations
        do {
            try pipeline.addHandler(glue)
            if leftover.readableBytes > 0 {
                context.fireChannelRead(wrapInboundOut(leftover))
                context.fireChannelReadComplete()
            }
            // A read held back for the client goes out now: the glue takes over back-pressure.
            if readPending {
                readPending = false
                context.read()
            }
            pipeline.removeHandler(context: context, promise: nil)
        } catch {
            context.close(promise: nil)
        }
    }

    // MARK: Channel events

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        // Activity, for the answer's timeout, when the answer goes on past this read (most end
        // in it, and need no clock reading).
        defer { if owner != nil { lastActivity = .now() } }
        while buffer.readableBytes > 0 {
            if case .switching(var held) = reading {
                held.writeBuffer(&buffer)
                reading = .switching(held)
                return
            }
            guard let owner else {
                // Bytes nobody asked for (an idle connection): it cannot be trusted again.
                close()
                return
            }
            switch reading {
            case .head:
                if var partial = partialHead {
                    partial.writeBuffer(&buffer)
                    buffer = partial
                    partialHead = nil
                }
                guard let end = HTTPWire.headEnd(in: buffer) else {
                    if buffer.readableBytes > HTTPWire.maximumHeadBytes { return malformed() }
                    partialHead = buffer
                    return
                }
                // Parsed into the loop's head, used before this read ends.
                let loop = owner.loop
                guard end <= HTTPWire.maximumHeadBytes, let headBytes = buffer.readSlice(length: end),
                      (try? HTTPWire.parseResponseHead(headBytes, into: &loop.answerHead)) != nil
                else { return malformed() }
                // Once passed on, the head's bytes (a slice of this read) are let go, so that
                // NIO can reuse its receive buffer.
                defer { loop.answerHead.releaseBytes(for: loop.empty) }
                let status = loop.answerHead.status
                if status == 101 {
                    guard expectsUpgrade else { return malformed() }
                    reading = .switching(buffer)
                    owner.upstreamResponseHead(&loop.answerHead, framing: .none)
                    return
                }
                // Interim answers (100 Continue, 103 Early Hints) go on to clients that read them.
                if status < 200 {
                    owner.upstreamInterim(&loop.answerHead)
                    continue
                }
                if !loop.answerHead.keepAlive { keepAlive = false }
                // From its fields: a method call on the loop's head would copy it whole.
                let framing = HTTPWire.Framing(
                    status: status, transferEncoding: loop.answerHead.transferEncoding, chunked: loop.answerHead.chunked,
                    contentLength: loop.answerHead.contentLength, requestMethod: requestMethod)
                let keepFraming = owner.upstreamResponseHead(&loop.answerHead, framing: framing)
                switch framing {
                case .none:
                    return endResponse(leftover: buffer)
                case .length(let length):
                    reading = .length(remaining: length)
                case .chunked:
                    reading = .chunked(ChunkedBodyScanner(), keepFraming: keepFraming)
                case .untilClose:
                    keepAlive = false
                    reading = .untilClose
                }
            case .length(let remaining):
                let take = min(remaining, buffer.readableBytes)
                guard let slice = buffer.readSlice(length: take) else { return malformed() }
                owner.upstreamBody(slice)
                if remaining == take { return endResponse(leftover: buffer) }
                reading = .length(remaining: remaining - take)
            case .chunked(var scanner, let keepFraming):
                guard let output = try? scanner.consume(&buffer, keepFraming: keepFraming) else { return malformed() }
                if output.readableBytes > 0 { owner.upstreamBody(output) }
                if scanner.isDone { return endResponse(leftover: buffer) }
                reading = .chunked(scanner, keepFraming: keepFraming)
            case .untilClose:
                owner.upstreamBody(buffer)
                buffer = ByteBuffer()
            case .switching:
                return
            }
        }
    }

    /// The answer's last byte came; anything after it was not asked for, so the connection
    /// is not reused.
    private func endResponse(leftover: ByteBuffer) {
        reading = .head
        if leftover.readableBytes > 0 { keepAlive = false }
        // The owner releases (or closes) this connection as it finishes.
        owner?.upstreamResponseEnd()
    }

    /// The instance's answer cannot be read as HTTP: the connection ends, and the client
    /// handler treats it as a failed connection.
    private func malformed() {
        keepAlive = false
        let owner = self.owner
        self.owner = nil
        close()
        owner?.upstreamFailed(reused: false, timedOut: false)
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
        pool.remove(self, on: context.eventLoop)
        guard let owner else { return }
        if case .untilClose = reading {
            // The close is the end of this answer.
            reading = .head
            owner.upstreamResponseEnd()
            return
        }
        self.owner = nil
        owner.upstreamFailed(reused: reused, timedOut: false)
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
    /// A class so that taking and returning a connection mutates the stack in place: a stack kept
    /// as a dictionary's array value was copied on every change (O(idle connections) per request).
    private final class IdleStack {
        var handlers: [UpstreamHandler] = []
    }

    private var idle: [String: IdleStack] = [:]
    private let maximumIdle: Int
    /// The instance last asked for and its stack, compared by identity: requests mostly go to
    /// the instance the last one went to, and a pointer comparison is cheaper than hashing its
    /// key. Cleared whenever its stack leaves `idle`.
    private var lastUpstream: Upstream?
    private var lastStack: IdleStack?

    init(maximumIdle: Int) { self.maximumIdle = maximumIdle }

    private func stack(for upstream: Upstream, creating: Bool) -> IdleStack? {
        if let lastUpstream, lastUpstream === upstream, let lastStack { return lastStack }
        var found = idle[upstream.key]
        if found == nil, creating {
            found = IdleStack()
            idle[upstream.key] = found
        }
        if let found {
            lastUpstream = upstream
            lastStack = found
        }
        return found
    }

    private func dropStack(key: String) {
        if let lastStack, lastStack === idle[key] {
            lastUpstream = nil
            self.lastStack = nil
        }
        idle[key] = nil
    }

    /// An idle kept-alive connection to `upstream`, if one is open.
    func idleConnection(to upstream: Upstream) -> UpstreamHandler? {
        guard let stack = stack(for: upstream, creating: false) else { return nil }
        while let handler = stack.handlers.popLast() {
            if handler.isUsable { return handler }
        }
        return nil
    }

    /// An idle connection to `upstream`, or a new one (always new when `fresh`).
    func acquire(_ upstream: Upstream, on eventLoop: any EventLoop, fresh: Bool, limits: EdgeLimits) -> EventLoopFuture<UpstreamHandler> {
        eventLoop.preconditionInEventLoop()
        if !fresh, let handler = idleConnection(to: upstream) {
            return eventLoop.makeSucceededFuture(handler)
        }
        let handler = UpstreamHandler(upstream: upstream, pool: self)
        let boundHandler = NIOLoopBound(handler, eventLoop: eventLoop)
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(limits.connect)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(boundHandler.value)
                }
            }
        let connected = upstream.socketAddress.map { bootstrap.connect(to: $0) } ?? bootstrap.connect(host: upstream.host, port: upstream.port)
        return connected.map { _ in boundHandler.value }
    }

    func put(_ handler: UpstreamHandler, on eventLoop: any EventLoop) {
        guard let stack = stack(for: handler.upstream, creating: true), stack.handlers.count < maximumIdle else {
            handler.close()
            return
        }
        stack.handlers.append(handler)
    }

    func remove(_ handler: UpstreamHandler, on eventLoop: any EventLoop) {
        guard let stack = idle[handler.upstream.key] else { return }
        stack.handlers.removeAll { $0 === handler }
        if stack.handlers.isEmpty { dropStack(key: handler.upstream.key) }
    }
}

/// What the edge keeps per event loop, used only on that loop (so without locks): its
/// connection pool, its shard of the counters, its request id generator, and the memory its
/// requests reuse. Memory is reused per loop rather than per connection: the loop's last used
/// exchange or buffer is still in the processor's cache, a connection's own from its last
/// request (hundreds of other requests ago, with many connections) is not.
final class EdgeLoop {
    let pool: UpstreamPool
    let shard: Int
    var requestIDs = RequestIDGenerator()
    /// Finished exchanges, last in first out.
    private var spareExchanges: [EdgeProxyHandler.Exchange] = []
    /// Heads are written into these: taken, written, sent, given back; the next take finds a
    /// buffer whose write is done unshared and reuses its memory (one still being written is
    /// left to its write, and new memory is taken).
    private var requestHeadBuffer: ByteBuffer
    private var responseHeadBuffer: ByteBuffer
    /// An empty buffer to hold where no bytes are, this loop's own: a buffer's storage is
    /// reference counted, and one shared by all loops (as `HTTPWire.noBytes` is) would have
    /// them contend for its counter's cache line several times a request.
    let empty = ByteBuffer()
    /// Each answer's head is parsed into this one, and used before the read that brought it ends.
    var answerHead = HTTPWire.ResponseHead()
    /// This loop's access records on their way to the log; nil when nothing logs them.
    var accessLog: AccessLogBatcher?

    init(pool: UpstreamPool, shard: Int) {
        self.pool = pool
        self.shard = shard
        requestHeadBuffer = empty
        responseHeadBuffer = empty
    }

    func takeExchange() -> EdgeProxyHandler.Exchange { spareExchanges.popLast() ?? EdgeProxyHandler.Exchange() }

    /// `exchange` is done with, and nothing refers to it any more. Kept up to as many as
    /// requests in flight at once on a loop (past a cap: a burst once is not kept for ever), so
    /// that a steady load allocates none.
    func giveBack(_ exchange: EdgeProxyHandler.Exchange) {
        exchange.recycle(empty: empty)
        if spareExchanges.count < Self.spareExchangeLimit { spareExchanges.append(exchange) }
    }

    /// About 1 KiB each.
    static let spareExchangeLimit = 1024

    func takeRequestHeadBuffer() -> ByteBuffer { take(&requestHeadBuffer) }
    func giveBackRequestHeadBuffer(_ buffer: ByteBuffer) { requestHeadBuffer = buffer }
    func takeResponseHeadBuffer() -> ByteBuffer { take(&responseHeadBuffer) }
    func giveBackResponseHeadBuffer(_ buffer: ByteBuffer) { responseHeadBuffer = buffer }

    /// Empties a kept buffer for the next head; one grown large (a big head, or a body copied
    /// behind one) is let go rather than kept.
    private func take(_ kept: inout ByteBuffer) -> ByteBuffer {
        var buffer = kept
        kept = empty
        if buffer.capacity > 4096 || buffer.capacity == 0 {
            buffer = ByteBuffer()
        } else {
            buffer.clear()
        }
        return buffer
    }
}
