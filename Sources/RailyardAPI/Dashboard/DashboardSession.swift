import Crypto
import Foundation
import Hummingbird
import HTTPTypes
import RailyardCore

/// The dashboard's cookies and forms. The session cookie is the session's refresh token
/// (HttpOnly, SameSite=Lax, Secure over HTTPS), which the dashboard reads and never rotates.
/// A state-changing form carries a CSRF token derived from that cookie, which a page of
/// another origin can neither read nor compute; before signing in, the sign-in form's token is
/// a random cookie that the form must repeat.
enum DashboardSession {
    static let sessionCookie = "railyard_session"
    /// The token of the forms a visitor fills in before having a session (sign-in, first
    /// admin, invite), which the form must repeat.
    static let formCookie = "railyard_form"
    /// Form bodies larger than this are refused (a dashboard form is a few fields).
    static let maximumFormBytes = 64 << 10

    /// The session cookie: the session's refresh token, for the whole site, for as long as the
    /// token lives; Secure when the request came over HTTPS (a proxy in front says so).
    static func sessionCookie(_ token: String, request: Request) -> String {
        let secure = request.headers[HTTPField.Name("X-Forwarded-Proto")!]?.lowercased() == "https" ? "; Secure" : ""
        return "\(sessionCookie)=\(token); Path=/; HttpOnly; SameSite=Lax; Max-Age=\(Int(TokenService.refreshTokenLifetime))\(secure)"
    }

    static let endedSessionCookie = "\(sessionCookie)=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"

    /// A new token for a form filled in before a session, and its cookie (login CSRF: a page of
    /// another site cannot sign a visitor in, to its attacker's account or otherwise).
    static func newFormToken() -> (token: String, cookie: String) {
        let token = String(TokenService.newSecret(.setup).dropFirst(4))
        return (token, "\(formCookie)=\(token); Path=/; HttpOnly; SameSite=Strict; Max-Age=3600")
    }

    static let endedFormCookie = "\(formCookie)=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"

    /// A form filled in before a session: it repeats its cookie's token; 403 otherwise.
    static func checkedOpenForm(_ request: Request) async throws -> [String: String] {
        let form = try await form(request)
        guard let expected = cookie(formCookie, in: request), expected.count >= 32,
              form["_csrf"].map({ constantTimeEquals($0, expected) }) == true
        else { throw RailyardError.forbidden("the form expired: load it again") }
        return form
    }

    /// The value of cookie `name`, if the request has it.
    static func cookie(_ name: String, in request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let parts = pair.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
                if parts.count == 2, parts[0] == name { return String(parts[1]) }
            }
        }
        return nil
    }

    /// The CSRF token of the request's session: a hash of its cookie, which only a page of
    /// this origin can have put into a form.
    static func csrfToken(for request: Request) -> String? {
        cookie(sessionCookie, in: request).map { token in
            SHA256.hash(data: Data("railyard-dashboard-csrf:\(token)".utf8)).map { String(format: "%02x", $0) }.joined()
        }
    }

    /// The form of a request that changes something: signed in, with the session's CSRF token;
    /// 403 otherwise (the middleware has refused other origins already).
    static func checkedForm(_ request: Request, context: APIRequestContext) async throws -> [String: String] {
        _ = try context.requireCaller()
        let form = try await form(request)
        guard let expected = csrfToken(for: request), let given = form["_csrf"], constantTimeEquals(given, expected) else {
            throw RailyardError.forbidden("the form's CSRF token is missing or wrong: load the page again")
        }
        return form
    }

    /// An `application/x-www-form-urlencoded` body, at most `maximumFormBytes`. Repeated
    /// names keep their first value.
    static func form(_ request: Request) async throws -> [String: String] {
        guard request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true else {
            throw RailyardError.badRequest("a form is sent as application/x-www-form-urlencoded")
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: maximumFormBytes)
        } catch {
            throw RailyardError(kind: .payloadTooLarge, message: "a dashboard form is at most \(maximumFormBytes / 1024) KiB")
        }
        return parseForm(String(buffer: body))
    }

    /// The fields of an URL-encoded form; a field that does not decode is left out.
    static func parseForm(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let rawName = parts.first,
                  let name = String(rawName).replacingOccurrences(of: "+", with: " ").removingPercentEncoding,
                  let value = (parts.count > 1 ? String(parts[1]) : "").replacingOccurrences(of: "+", with: " ").removingPercentEncoding
            else { continue }
            if fields[name] == nil { fields[name] = value }
        }
        return fields
    }

    static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let (x, y) = (Array(a.utf8), Array(b.utf8))
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    static func redirect(to path: String) -> Response {
        var headers = HTTPFields()
        headers[.location] = path
        return Response(status: .seeOther, headers: headers)
    }
}
