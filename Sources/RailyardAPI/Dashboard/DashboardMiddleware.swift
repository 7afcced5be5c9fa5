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
            if context.caller == nil, request.uri.path != "/login" {
                // Pages need a session; the sign-in page does not.
                response = DashboardController.redirect(to: "/login")
            } else {
                response = try await next(request, context)
            }
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
        guard let token = DashboardController.cookie(DashboardController.sessionCookie, in: request), token.utf8.count < 256 else {
            return nil
        }
        guard let (userID, _) = try await dependencies.store.openSession(refreshTokenHash: TokenService.hash(token)),
              let (user, roles) = try await dependencies.store.userWithRoles(id: userID)
        else { return nil }
        return Caller(identity: .user(user), roles: roles)
    }

    func errorPage(_ error: RailyardError, context: APIRequestContext, request: Request) -> Response {
        let status = ErrorMiddleware.status(for: error.kind)
        if status == .unauthorized && request.method == .get { return DashboardController.redirect(to: "/login") }
        let heading: String = switch status {
        case .notFound: "Not found"
        case .forbidden: "Not allowed"
        case .tooManyRequests: "Too many attempts"
        case .unprocessableContent, .badRequest: "That did not work"
        default: "Something went wrong"
        }
        let message = status.code >= 500 ? "The server could not answer this page; its log says why." : error.message
        let html = (try? DashboardController.page("error", context: context, request: request, ["heading": heading, "message": message], status: status))
        return html ?? DashboardController.htmlResponse("<!doctype html><title>Error</title><p>\(status.code)</p>", status: status)
    }
}
