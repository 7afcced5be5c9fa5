import NIOCore

/// One side of a byte tunnel between two channels (a WebSocket or any other upgraded
/// connection, after the instance answered 101): what one side reads the other writes, and
/// reads stop while the other side cannot take more.
final class GlueHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    typealias OutboundIn = NIOAny
    typealias OutboundOut = NIOAny

    private var partner: GlueHandler?
    private var context: ChannelHandlerContext?
    private var readPending = false
    private let onClose: (() -> Void)?

    private init(onClose: (() -> Void)?) { self.onClose = onClose }

    /// Two ends joined; `onClose` runs once, when the first of them closes.
    static func pair(onClose: @escaping () -> Void) -> (GlueHandler, GlueHandler) {
        let closed = Once(onClose)
        let first = GlueHandler(onClose: closed.run)
        let second = GlueHandler(onClose: closed.run)
        first.partner = second
        second.partner = first
        return (first, second)
    }

    final class Once {
        private var action: (() -> Void)?
        init(_ action: @escaping () -> Void) { self.action = action }
        func run() {
            let action = self.action
            self.action = nil
            action?()
        }
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if !context.channel.isActive { partner?.partnerClose() }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        partner = nil
    }

    private func partnerWrite(_ data: NIOAny) { context?.write(data, promise: nil) }
    private func partnerFlush() { context?.flush() }
    private func partnerClose() { context?.close(promise: nil) }
    private var partnerIsWritable: Bool { context?.channel.isWritable ?? false }

    private func partnerBecameWritable() {
        guard readPending, let context else { return }
        readPending = false
        context.read()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) { partner?.partnerWrite(data) }

    func channelReadComplete(context: ChannelHandlerContext) { partner?.partnerFlush() }

    func channelInactive(context: ChannelHandlerContext) {
        onClose?()
        partner?.partnerClose()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { partner?.partnerBecameWritable() }
        context.fireChannelWritabilityChanged()
    }

    func read(context: ChannelHandlerContext) {
        if let partner, partner.partnerIsWritable {
            context.read()
        } else {
            readPending = true
        }
    }
}
