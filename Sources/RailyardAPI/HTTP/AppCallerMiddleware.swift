import Hummingbird
import NIOCore
import RailyardCore
import RailyardSandbox
import RailyardStore

/// Refuses requests that come from apps: connections over loopback opened by a service's own
/// user (or `nobody`, as apps ran before they had users of their own). Apps share the host's
/// loopback until they get network namespaces of their own; the control API must not be one
/// more service they can reach (to guess logins, or lock the admin out).
struct AppCallerMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    static func isAppUser(_ uid: UInt32) -> Bool { Store.serviceUserIDs.contains(uid) || uid == 65534 }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if context.fromLoopback, let client = context.clientPort, let server = context.serverPort,
           let clientAddress = context.clientAddress, let serverAddress = context.serverAddress,
           ConnectionOwners.uids(clientAddress: clientAddress, clientPort: client, serverAddress: serverAddress, serverPort: server)
               .contains(where: Self.isAppUser)
        {
            throw RailyardError.forbidden("the Railyard API is not reachable from apps")
        }
        return try await next(request, context)
    }
}
