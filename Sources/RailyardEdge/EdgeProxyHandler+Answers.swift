import NIOCore
import NIOHTTP1

// The instance → client half of `EdgeProxyHandler`: answer heads and bodies written to the
// client, tunnels after a 101, the end of an exchange and the next pipelined request, and the
// edge's own answers (errors, refusals).
extension EdgeProxyHandler {
    /// The instance's answer began. Returns whether a chunked body keeps its framing (the
    /// client reads chunks) or comes as its data alone.
    @discardableResult
    func upstreamResponseHead(_ head: inout HTTPWire.ResponseHead, framing: HTTPWire.Framing) -> Bool {
        guard let context, let exchange, !exchange.switching else { return true }
        let clientMinor = exchange.head.minorVersion
        if head.status == 101 {
            exchange.responseStarted = true
            exchange.switching = true
            record(exchange, status: 101)
            context.writeAndFlush(wrapOutboundOut(HTTPWire.clientResponseHead(
                head, clientMinorVersion: clientMinor, requestID: exchange.requestID, keepAlive: true,
                keepsChunkedFraming: false, switchingProtocols: true)), promise: nil)
            // Switched once this read is over: the instance's handler is mid-read now.
            let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
            context.eventLoop.execute { bound.value.becomeTunnel(exchange) }
            return false
        }
        exchange.responseStarted = true
        exchange.status = head.status
        exchange.lastUpstreamLabel = exchange.upstream?.label
        var keepsChunkedFraming = true
        switch framing {
        case .untilClose:
            exchange.closesAfterAnswer = true
        case .chunked where clientMinor == 0:
            // HTTP/1.0 clients do not read chunks: the data alone, and the close ends it.
            keepsChunkedFraming = false
            exchange.closesAfterAnswer = true
        default:
            break
        }
        if routes.draining.load(ordering: .relaxed) { exchange.closesAfterAnswer = true }
        let keepAlive = exchange.keepAlive && !exchange.closesAfterAnswer
        // Held until the body's first piece comes (or the answer ends, or the read is over),
        // so that a small answer goes out as one buffer.
        var bodyRoom = 0
        if case .length(let length) = framing, length <= Self.coalescedBodyBytes { bodyRoom = length }
        responseHead = loop.takeResponseHeadBuffer()
        HTTPWire.writeClientResponseHead(
            head, clientMinorVersion: clientMinor, requestID: exchange.requestID, keepAlive: keepAlive,
            keepsChunkedFraming: keepsChunkedFraming && framing.isChunked, switchingProtocols: false, bodyRoom: bodyRoom,
            into: &responseHead)
        headPending = true
        return keepsChunkedFraming
    }

    /// Writes the held head, with `body` behind it when it is small.
    func writePendingHead(with body: ByteBuffer? = nil, context: ChannelHandlerContext) {
        guard headPending else {
            if let body {
                unflushed = true
                context.write(wrapOutboundOut(body), promise: nil)
            }
            return
        }
        headPending = false
        unflushed = true
        if var body, body.readableBytes <= Self.coalescedBodyBytes {
            responseHead.writeBuffer(&body)
            context.write(wrapOutboundOut(responseHead), promise: nil)
        } else {
            context.write(wrapOutboundOut(responseHead), promise: nil)
            if let body { context.write(wrapOutboundOut(body), promise: nil) }
        }
        loop.giveBackResponseHeadBuffer(responseHead)
        responseHead = loop.empty
    }

    /// A 1xx answer before the real one: passed on to HTTP/1.1 clients (RFC 9110 §15.2), not
    /// to HTTP/1.0 ones, which do not expect them.
    func upstreamInterim(_ head: inout HTTPWire.ResponseHead) {
        guard let context, let exchange, !exchange.switching, !exchange.responseStarted, exchange.head.minorVersion == 1 else { return }
        context.writeAndFlush(wrapOutboundOut(HTTPWire.clientResponseHead(
            head, clientMinorVersion: 1, requestID: exchange.requestID, keepAlive: true, keepsChunkedFraming: false,
            switchingProtocols: false)), promise: nil)
    }

    func upstreamBody(_ bytes: ByteBuffer) {
        guard let context, let exchange, !exchange.switching else { return }
        exchange.bytesOut += bytes.readableBytes
        writePendingHead(with: bytes, context: context)
    }

    func upstreamResponseEnd() {
        guard let context, let exchange, !exchange.switching else { return }
        writePendingHead(context: context)
        finish(exchange, context: context)
    }

    func upstreamFlush() {
        guard let context else { return }
        writePendingHead(context: context)
        flushClient(context)
    }

    func flushClient(_ context: ChannelHandlerContext) {
        guard unflushed else { return }
        unflushed = false
        context.flush()
    }

    /// After a 101: both connections drop HTTP and become the two ends of a byte tunnel. The
    /// request stays counted as in flight until the tunnel closes, so draining waits for it.
    func becomeTunnel(_ exchange: Exchange) {
        guard let context, self.exchange === exchange, let link = exchange.link, let upstream = exchange.upstream else {
            context?.close(promise: nil)
            return
        }
        self.exchange = nil
        closing = true
        idleCheck?.cancel()
        idleCheck = nil
        // The tunnel stays counted as an open connection (against the limit) until it closes.
        let routes = self.routes
        let shard = loop.shard
        let (clientEnd, upstreamEnd) = GlueHandler.pair {
            upstream.outstanding.add(-1, shard: shard)
            routes.openConnections.wrappingDecrement(ordering: .relaxed)
        }
        let pipeline = context.pipeline.syncOperations
        do {
            try pipeline.addHandler(clientEnd)
            routes.openConnections.wrappingIncrement(ordering: .relaxed)
            link.becomeTunnel(upstreamEnd)
            // What the client sent after its request (before the 101 came) goes through first.
            if inbound.readableBytes > 0 {
                context.fireChannelRead(wrapInboundOut(inbound))
                context.fireChannelReadComplete()
                inbound = ByteBuffer()
            }
            // A read held back goes out before this handler leaves (after, it would go nowhere).
            if readPending {
                readPending = false
                context.read()
            }
            pipeline.removeHandler(context: context, promise: nil)
        } catch {
            link.close()
            context.close(promise: nil)
        }
    }

    /// The instance's connection failed or closed before its answer was complete.
    func upstreamFailed(reused: Bool, timedOut: Bool) {
        guard let exchange else { return }
        exchange.upstream?.outstanding.add(-1, shard: loop.shard)
        let upstream = exchange.upstream
        exchange.lastUpstreamLabel = upstream?.label ?? exchange.lastUpstreamLabel
        exchange.upstream = nil
        exchange.link = nil
        if exchange.responseStarted, headPending {
            // The answer's head is still held (its body failed within the read that brought
            // it): nothing reached the client, which gets a clean failure rather than a cut answer.
            headPending = false
            responseHead = loop.empty
            exchange.responseStarted = false
            exchange.closesAfterAnswer = false
            exchange.status = 0
            exchange.bytesOut = 0
        }
        if exchange.responseStarted {
            record(exchange, status: exchange.status)
            context?.close(promise: nil)
            self.exchange = nil
            return
        }
        if timedOut {
            fail(exchange, .gatewayTimeout, "The application did not answer in time.")
            return
        }
        // Sent again when none of the body went and either the connection was a kept-alive one
        // the instance had closed (the request never reached it) or the request is idempotent.
        let idempotent = [.GET, .HEAD, .OPTIONS].contains(exchange.head.method)
        if !exchange.bodySent, reused || idempotent {
            if reused {
                // The same instance again, on a new connection.
                exchange.wantsFreshConnection = true
            } else if let upstream {
                upstream.avoid(for: limits.passiveHealthWindow)
                exchange.failed.insert(upstream.key)
            }
            // Nothing of the body went: the head again, and the request reads on as before.
            exchange.headToSend = forwardedHead(exchange)
            exchange.buffered = []
            connect(exchange)
            return
        }
        fail(exchange, .badGateway, "The application closed the connection before answering.")
    }

    func finish(_ exchange: Exchange, context: ChannelHandlerContext) {
        let now = NIODeadline.now()
        record(exchange, status: exchange.status, at: now)
        exchange.upstream?.outstanding.add(-1, shard: loop.shard)
        if let link = exchange.link {
            // Reusable only when the whole request went out and the instance keeps the connection.
            if exchange.requestEnded { link.release(to: pool) } else { link.close() }
        }
        exchange.link = nil
        exchange.upstream = nil
        self.exchange = nil
        lastActivity = now
        let keepAlive = exchange.keepAlive && exchange.requestEnded && !exchange.closesAfterAnswer
        // Done with: no connect is pending for it (its answer came), no closure holds it.
        loop.giveBack(exchange)
        if keepAlive {
            flushClient(context)
        } else {
            unflushed = false
            closing = true
            context.writeAndFlush(wrapOutboundOut(ByteBuffer())).whenComplete { _ in context.close(promise: nil) }
        }
        nextRequest(context: context)
    }

    /// After an answer: the next pipelined request, if one waits, else more reading.
    func nextRequest(context: ChannelHandlerContext) {
        if closing {
            inbound = ByteBuffer()
            return
        }
        processInbound(context: context)
        if readPending, exchange == nil || inbound.readableBytes == 0 {
            readPending = false
            context.read()
        }
    }

    /// An answer of the edge's own, after the request was read (or at once when it was).
    func fail(_ exchange: Exchange, _ status: HTTPResponseStatus, _ message: String) {
        guard let context else { return }
        exchange.link?.close()
        exchange.link = nil
        if exchange.requestEnded {
            answer(LocalAnswer(status, message), in: exchange, context: context)
        } else {
            // The rest of the body is read and dropped, then the answer goes.
            exchange.localAnswer = LocalAnswer(status, message)
            if readPending {
                readPending = false
                context.read()
            }
        }
    }

    func answer(_ local: LocalAnswer, in exchange: Exchange, context: ChannelHandlerContext, keepAlive: Bool? = nil) {
        self.exchange = nil
        // While the server hands over to its replacement, its own answers close their
        // connections too, so that clients move to the new server.
        let keepAlive = (keepAlive ?? exchange.keepAlive) && !routes.draining.load(ordering: .relaxed)
        let page = ErrorPage.make(local.status, local.message, requestID: exchange.requestID.description)
        exchange.bytesOut = page.body.readableBytes
        record(exchange, status: Int(local.status.code))
        let head = page.head(keepAlive: keepAlive, minorVersion: exchange.head.minorVersion, location: local.location)
        context.write(wrapOutboundOut(head), promise: nil)
        let written = context.writeAndFlush(wrapOutboundOut(exchange.head.method == .HEAD ? ByteBuffer() : page.body))
        if !keepAlive {
            closing = true
            written.whenComplete { _ in context.close(promise: nil) }
        }
        nextRequest(context: context)
    }

    /// The request's body is over the route's limit: a 413 at once (or, when the answer has
    /// begun, the end of the connection), and the connection closes rather than read the rest.
    func refuseBody(_ exchange: Exchange, limit: Int, context: ChannelHandlerContext) {
        let responseStarted = exchange.responseStarted
        abandon()
        if responseStarted {
            record(exchange, status: exchange.status)
            closing = true
            context.close(promise: nil)
            return
        }
        let message = "The request body is larger than this application accepts (\(ByteCountText.make(limit)))."
        answer(LocalAnswer(.payloadTooLarge, message), in: exchange, context: context, keepAlive: false)
    }

    func abandon() {
        headPending = false
        responseHead = loop.empty
        guard let exchange else { return }
        exchange.upstream?.outstanding.add(-1, shard: loop.shard)
        exchange.upstream = nil
        exchange.link?.close()
        exchange.link = nil
        self.exchange = nil
    }
}
