import Hummingbird
import NIOCore
import RailyardCore

/// Per-request state: the client's address (for rate limits and audit events) and the caller,
/// once `AuthMiddleware` has identified one.
public struct APIRequestContext: RequestContext {
    /// JSON bodies larger than this answer 413.
    public static let maximumBodySize = 1 << 20

    public var coreContext: CoreRequestContextStorage
    public let clientAddress: String?
    /// The ports of the connection (client's, then this server's): `AppCallerMiddleware`
    /// finds who opened it.
    let clientPort: Int?
    let serverPort: Int?
    let serverAddress: String?
    /// Whether the client connected over loopback (or to this host's own address).
    let fromLoopback: Bool
    public var caller: Caller?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        let remote = source.channel.remoteAddress
        clientAddress = remote?.ipAddress
        clientPort = remote?.port
        serverPort = source.channel.localAddress?.port
        serverAddress = source.channel.localAddress?.ipAddress
        // Apps reach the host on loopback, or on any of its own addresses: the client and the
        // server then share an address.
        fromLoopback = remote?.ipAddress == source.channel.localAddress?.ipAddress
            || remote?.ipAddress?.hasPrefix("127.") == true || remote?.ipAddress == "::1"
        caller = nil
    }

    public var maxUploadSize: Int { Self.maximumBodySize }

    /// The authenticated caller, or 401.
    func requireCaller() throws -> Caller {
        guard let caller else { throw RailyardError.unauthorized() }
        return caller
    }

    func audit(_ caller: Caller) -> AuditContextValue { AuditContextValue(actor: caller.actorName, clientAddress: clientAddress) }
}

import RailyardStore

typealias AuditContextValue = AuditContext
// Hummingbird and ServiceLifecycle have types of these names too; ours are the domain's.
typealias Environment = RailyardCore.Environment
typealias Service = RailyardCore.Service
