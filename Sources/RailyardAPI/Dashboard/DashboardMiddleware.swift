import Foundation
import Hummingbird
import HTTPTypes
import RailyardCore
import RailyardStore

/// Around every dashboard page: who is signed in (the session cookie), a request from another
/// origin refused before anything runs, the security headers on every answer, and errors as
/// pages (a signed-out visitor is sent to sign in).
struct DashboardMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext
    let dependencies: APIDependencies

    /// Pages for visitors without a session: signing in, the first admin, accepting an invite.
    static let openPaths: Set<String> = ["/login", "/setup", "/invites/accept"]

    static let contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        var response: Response
        do {
            if request.method != .get && request.method != .head, let problem = Self.crossOrigin(request) {
                throw RailyardError.forbidden(problem)
            }
            context.caller = try await caller(for: request)
            if context.caller == nil, !Self.openPaths.contains(request.uri.path) {
                // Pages need a session; the sign-in page does not. A watched page or a log
                // stream is told so; a page is sent to sign in.
                throw RailyardError.unauthorized("sign in first")
            }
            response = try await next(request, context)
        } catch let error as RailyardError {
            response = errorPage(error, context: context, request: request)
        } catch {
            context.logger.error("dashboard page failed", metadata: ["error": "\(error)"])
            response = errorPage(RailyardError.internal("something went wrong"), context: context, request: request)
        }
        response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        return response
    }

    /// Why a state-changing request comes from another site, when its browser says so
    /// (`Sec-Fetch-Site`, else `Origin` against `Host`); nil when it does not.
    static func crossOrigin(_ request: Request) -> String? {
        if let site = request.headers[HTTPField.Name("Sec-Fetch-Site")!]?.lowercased(), site != "same-origin", site != "none" {
            return "a form from another site cannot act here"
        }
        if let origin = request.headers[HTTPField.Name("Origin")!] {
            // An origin that cannot be compared with this host counts as another site's.
            let host = request.headers[HTTPField.Name("Host")!] ?? request.head.authority
            let hostPart = origin.split(separator: "/", omittingEmptySubsequences: true).dropFirst().first.map(String.init)
            guard let host, let hostPart, origin != "null", hostPart.lowercased() == host.lowercased() else {
                return "a form from another site cannot act here"
            }
        }
        return nil
    }

    /// The signed-in person, from the session cookie; nil without one (or with one that ended).
    func caller(for request: Request) async throws -> Caller? {
        guard let token = DashboardSession.cookie(DashboardSession.sessionCookie, in: request), token.utf8.count < 256 else {
            return nil
        }
        let hash = TokenService.hash(token)
        let userID: UserID
        if let found = try await dependencies.store.openSession(refreshTokenHash: hash) {
            userID = found.user
        } else if let kept = dependencies.unsavedSessions.user(currentRefreshHash: hash) {
            // Begun while the disk was full: the session lives in memory until it is recorded.
            userID = kept
        } else {
            return nil
        }
        guard let (user, roles) = try await dependencies.store.userWithRoles(id: userID) else { return nil }
        return Caller(identity: .user(user), roles: roles)
    }

    func errorPage(_ error: RailyardError, context: APIRequestContext, request: Request) -> Response {
        let status = ErrorMiddleware.status(for: error.kind)
        if status == .unauthorized {
            if request.method == .get && !Self.wantsEvents(request) { return DashboardSession.redirect(to: "/login") }
            var response = Response(status: .unauthorized)
            response.headers[.cacheControl] = "no-store"
            return response
        }
        let heading: String = switch status {
        case .notFound: "Not found"
        case .forbidden: "Not allowed"
        case .tooManyRequests: "Too many attempts"
        case .conflict: "Not now"
        case .unprocessableContent, .badRequest, .contentTooLarge: "That did not work"
        default: "Something went wrong"
        }
        let message = status.code >= 500 && error.kind != .unavailable
            ? "The server could not answer this page; its log says why." : error.message
        let page = DashboardPage(template: "error", title: heading, model: ["heading": heading, "message": message], status: status)
        var response = (try? DashboardController.render(page, request: request, context: context))
            ?? DashboardController.htmlResponse("<!doctype html><title>Error</title><p>\(status.code)</p>", status: status)
        if let retryAfter = error.retryAfter { response.headers[.retryAfter] = String(retryAfter) }
        return response
    }

    /// An EventSource's request (a watched page, a log stream), which cannot follow a redirect
    /// to a page.
    static func wantsEvents(_ request: Request) -> Bool {
        request.headers[.accept]?.contains("text/event-stream") == true || request.uri.queryParameters.get("watch") == "1"
    }
}
