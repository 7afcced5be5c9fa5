import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import RailyardCore

/// One HTTP client for the process. A refused connection fails at once rather than being retried
/// until the request's deadline, so that "is the server running?" is answered in milliseconds.
let sharedHTTPClient: HTTPClient = {
    var configuration = HTTPClient.Configuration()
    configuration.connectionPool.retryConnectionEstablishment = false
    configuration.timeout.connect = .seconds(10)
    return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
}()

/// A typed client of the REST API, used by the CLI and the tests.
public struct RailyardClient: Sendable {
    public let server: String
    public var bearer: String?

    public init(server: String, bearer: String?) {
        self.server = Self.normalized(server)
        self.bearer = bearer
    }

    /// A server as given by a person, as a URL: `localhost:7070` means
    /// `http://localhost:7070` (the API speaks plain HTTP unless a proxy in front of it does
    /// not), and trailing slashes go.
    public static func normalized(_ server: String) -> String {
        var server = server.trimmingCharacters(in: .whitespaces)
        while server.hasSuffix("/") { server.removeLast() }
        if !server.contains("://") { server = "http://" + server }
        return server
    }

    public struct Empty: Codable, Sendable { public init() {} }

    /// Sends a request and decodes the answer as `Response`; any non-2xx answer throws
    /// `ClientError` with the server's message.
    public func send<Response: Decodable>(
        _ method: HTTPMethod, _ path: String, query: [String: String?] = [:], body: (some Encodable)? = Optional<Empty>.none,
        as: Response.Type = Response.self
    ) async throws -> Response {
        let data = try await sendRaw(method, path, query: query, body: body)
        if Response.self == Empty.self, let empty = Empty() as? Response { return empty }
        return try decode(Response.self, data)
    }

    func decode<Response: Decodable>(_ type: Response.Type, _ data: Data) throws -> Response {
        do {
            return try JSONCoding.makeDecoder().decode(Response.self, from: data)
        } catch {
            throw ClientError(status: 0, code: "bad_response", message: "the server's answer was not understood: \(error)", field: nil)
        }
    }

    func url(_ path: String, query: [String: String?]) throws -> String {
        var components = URLComponents(string: server + path)
        let items = query.compactMap { key, value in value.map { URLQueryItem(name: key, value: $0) } }
        if !items.isEmpty { components?.queryItems = items.sorted { $0.name < $1.name } }
        guard let url = components?.string else {
            throw ClientError(status: 0, code: "bad_server", message: "'\(server)' is not a valid server URL", field: nil)
        }
        return url
    }

    public func sendRaw(
        _ method: HTTPMethod, _ path: String, query: [String: String?] = [:], body: (some Encodable)?
    ) async throws -> Data {
        let encoded = try body.map { ByteBuffer(data: try JSONCoding.makeEncoder().encode($0)) }
        return try await sendRaw(method, path, query: query, rawBody: encoded, contentType: "application/json")
    }

    func sendRaw(
        _ method: HTTPMethod, _ path: String, query: [String: String?], rawBody: ByteBuffer?, contentType: String,
        timeout: TimeAmount = .seconds(60)
    ) async throws -> Data {
        var request = HTTPClientRequest(url: try url(path, query: query))
        request.method = method
        if let bearer { request.headers.add(name: "Authorization", value: "Bearer \(bearer)") }
        if let rawBody {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(rawBody)
        }
        let response: HTTPClientResponse
        let bytes: ByteBuffer
        do {
            response = try await sharedHTTPClient.execute(request, timeout: timeout)
            bytes = try await response.body.collect(upTo: 64 << 20)
        } catch {
            throw ClientError.unreachable(server, error)
        }
        let data = Data(buffer: bytes)
        guard (200..<300).contains(Int(response.status.code)) else {
            throw Self.error(status: Int(response.status.code), reason: response.status.reasonPhrase, data, server: server)
        }
        return data
    }

    static func error(status: Int, reason: String, _ data: Data, server: String) -> ClientError {
        if let decoded = try? JSONDecoder().decode(APIErrorBody.self, from: data) {
            // The server answered: say so, so that nobody goes looking for a dead process when
            // its database or its disk is the trouble.
            let message = switch decoded.error.code {
            case RailyardError.Kind.storeUnavailable.rawValue: "the server is up but its store is unavailable: \(decoded.error.message)"
            case RailyardError.Kind.diskFull.rawValue: "the server is up but \(decoded.error.message)"
            default: decoded.error.message
            }
            return ClientError(status: status, code: decoded.error.code, message: message, field: decoded.error.field)
        }
        // Every answer of the API's own carries its error body; a bare 404 is from something else.
        if status == 404 { return ClientError.notTheAPI(server, status: status, reason: reason) }
        return ClientError(status: status, code: "http_\(status)", message: "the server answered \(status) \(reason)", field: nil)
    }
}
