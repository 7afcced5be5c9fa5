import Foundation
import Hummingbird
import RailyardCore
import RailyardStore
import Synchronization

/// Identifies the caller from `Authorization: Bearer …`: an API token (`ryt_…`) or an access
/// token (JWT). A present but bad credential answers 401 at once; no credential leaves the
/// caller empty and the route decides (most answer 401).
struct AuthMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    let store: Store
    let tokens: TokenService
    let tokenUse: TokenUseRecorder
    let unsavedSessions: UnsavedSessions

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let header = request.headers[.authorization] else { return try await next(request, context) }
        guard header.lowercased().hasPrefix("bearer ") else {
            throw RailyardError.unauthorized("Authorization must be 'Bearer TOKEN'")
        }
        let credential = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        var context = context
        context.caller = try await caller(for: credential)
        context.logger[metadataKey: "railyard.actor"] = .string(context.caller?.actorName ?? "-")
        return try await next(request, context)
    }

    func caller(for credential: String) async throws -> Caller {
        if credential.hasPrefix(TokenService.Kind.apiToken.rawValue) {
            guard let token = try await store.apiToken(hash: TokenService.hash(credential)) else {
                throw RailyardError.unauthorized("API token is not valid")
            }
            if token.revokedAt != nil { throw RailyardError.unauthorized("API token was revoked") }
            if let expiresAt = token.expiresAt, expiresAt <= Date() {
                throw RailyardError.unauthorized("API token expired")
            }
            var role = token.role
            if let creator = token.createdBy {
                // A token never outranks the person who made it, as they are now: demoting or
                // removing them reins in their tokens too.
                guard let creatorRole = try await store.role(of: creator, in: token.workspaceID) else {
                    throw RailyardError.unauthorized("API token's creator is no longer a member of its workspace")
                }
                role = min(role, creatorRole)
            }
            await tokenUse.record(token.id, store: store)
            // Named in the 403 it gets elsewhere: "service not found" sent people looking for a
            // service that was there all along.
            var environmentName: String?
            if case .environment(_, _, let environment) = token.scope {
                environmentName = try await store.environment(id: environment)?.name
            }
            return Caller(identity: .token(token), roles: [token.workspaceID: role], tokenEnvironmentName: environmentName)
        }
        guard let access = await tokens.verifyAccessToken(credential) else {
            throw RailyardError.unauthorized("access token is invalid or expired; log in again")
        }
        // A signature proves who was given the token, not that their session is still open:
        // after a logout its access tokens stop at once, not when they expire.
        // Sessions begun on a full disk live in memory until the store records them.
        let open = if unsavedSessions.isOpen(access.session) { true } else {
            try await store.sessionIsOpen(familyID: access.session)
        }
        guard open else {
            throw RailyardError.unauthorized("this session was logged out; log in again")
        }
        guard let (user, roles) = try await store.userWithRoles(id: access.user) else {
            throw RailyardError.unauthorized("the account behind this token no longer exists")
        }
        return Caller(identity: .user(user), roles: roles)
    }
}

/// Writes a token's last use at most once a minute, so authenticated reads stay reads.
final class TokenUseRecorder: Sendable {
    private let lastWritten = Mutex<[APITokenID: Date]>([:])

    func record(_ id: APITokenID, store: Store, now: Date = Date()) async {
        let due = lastWritten.withLock { table in
            if let last = table[id], now.timeIntervalSince(last) < 60 { return false }
            table[id] = now
            return true
        }
        if due { try? await store.markAPITokenUsed(id, at: now) }
    }
}
