import Foundation
import HTTPTypes
import Hummingbird
import Logging
import RailyardCore
import RailyardStore

/// Turns every error into the API's one error shape:
/// `{"error":{"code":"…","message":"…","field":"…"}}`. Errors that are not ours are logged
/// with detail and answered with a bare 500 that shows none.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as RailyardError {
            return Self.response(for: error)
        } catch let error as StoreUnavailable {
            // The detail (driver's words, hosts) goes to the log; the caller gets the cause.
            context.logger.warning(error.isDiskFull ? "disk full" : "store unavailable", metadata: ["error": "\(error)"])
            return Self.response(for: error.apiError)
        } catch let error as any HTTPResponseError {
            // The router found no route: for a path the document lists under other methods,
            // that is 405 with `Allow` (RFC 9110), not 404, which would say there is no such path.
            if error.status == .notFound, (error as? HTTPError)?.body == nil,
               let allowed = AllowedMethods.api.methods(forPath: request.uri.path) {
                var response = Self.response(
                    for: RailyardError(kind: .methodNotAllowed, message: "\(request.method) is not allowed here; use \(allowed.joined(separator: ", "))"))
                response.headers[.allow] = allowed.joined(separator: ", ")
                return response
            }
            return Self.response(for: Self.translate(error))
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(String(reflecting: error))"])
            return Self.response(for: .internal("internal error"))
        }
    }

    static func translate(_ error: any HTTPResponseError) -> RailyardError {
        let message = (error as? HTTPError)?.body
        switch error.status.code {
        case 400: return .badRequest(message ?? "bad request")
        case 401: return .unauthorized(message ?? "authentication required")
        case 403: return .forbidden(message ?? "forbidden")
        case 404: return .notFound(message ?? "route")
        case 405: return RailyardError(kind: .methodNotAllowed, message: "method not allowed on this route")
        case 413: return RailyardError(
            kind: .payloadTooLarge,
            message: "request body is larger than the limit of \(APIRequestContext.maximumBodySize) bytes")
        default: return RailyardError(kind: .badRequest, message: message ?? "request refused (\(error.status.code))")
        }
    }

    static func status(for kind: RailyardError.Kind) -> HTTPResponse.Status {
        switch kind {
        case .badRequest: .badRequest
        case .unauthorized: .unauthorized
        case .forbidden: .forbidden
        case .notFound: .notFound
        case .methodNotAllowed: .methodNotAllowed
        case .conflict: .conflict
        case .payloadTooLarge, .quotaExceeded: .contentTooLarge
        case .invalid: .unprocessableContent
        case .rateLimited: .tooManyRequests
        case .unavailable, .storeUnavailable: .serviceUnavailable
        case .diskFull: .init(code: 507, reasonPhrase: "Insufficient Storage")
        case .internal: .internalServerError
        }
    }

    /// The error's response; `status` replaces the kind's own (readiness answers 503 for a
    /// full disk, which requests get as 507).
    static func response(for error: RailyardError, status given: HTTPResponse.Status? = nil) -> Response {
        let status = given ?? status(for: error.kind)
        var response = (try? JSONIO.response(APIErrorBody(error), status: status)) ?? Response(status: status)
        if let retryAfter = error.retryAfter { response.headers[.retryAfter] = String(retryAfter) }
        if error.kind == .unauthorized { response.headers[.wwwAuthenticate] = "Bearer" }
        return response
    }
}

/// Gives every request an id (kept from `X-Request-Id` when the client sent a sane one),
/// returns it in the response, and logs one line per request with it.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext
    static let header = HTTPField.Name("X-Request-Id")!

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        let requestID: String
        if let given = request.headers[Self.header], (1...128).contains(given.utf8.count),
           given.utf8.allSatisfy({ $0 > 32 && $0 < 127 }) {
            requestID = given
        } else {
            requestID = context.id
        }
        context.logger[metadataKey: "railyard.request.id"] = .string(requestID)
        let started = ContinuousClock.now
        var response = try await next(request, context)
        response.headers[Self.header] = requestID
        let elapsed = ContinuousClock.now - started
        context.logger.info("request", metadata: [
            "http.method": "\(request.method.rawValue)",
            "http.path": "\(request.uri.path)",
            "http.status": "\(response.status.code)",
            "http.duration_us": "\(elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000)",
            "client.address": "\(context.clientAddress ?? "-")",
        ])
        return response
    }
}
