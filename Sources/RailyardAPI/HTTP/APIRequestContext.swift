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
    public var caller: Caller?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        clientAddress = source.channel.remoteAddress?.ipAddress
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
