import Foundation
import Hummingbird
import NIOCore
import NIOFoundationCompat
import RailyardCore

/// Reading request bodies and writing responses, with one set of JSON rules for the whole API.
enum JSONIO {
    static let encoder = JSONCoding.makeEncoder()
    static let decoder = JSONCoding.makeDecoder()

    /// Decodes the body as `T`. Too large: 413. Not JSON, or the wrong shape: 400 naming the field.
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, context: APIRequestContext) async throws -> T {
        var request = request
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        if buffer.readableBytes == 0 { throw RailyardError.badRequest("request body must be a JSON object") }
        // JSON may carry NUL as an escape; no field of ours accepts it, and PostgreSQL text cannot hold it.
        if buffer.readableBytesView.firstRange(of: Array(#"\u0000"#.utf8)) != nil {
            throw RailyardError.badRequest("strings must not contain NUL characters")
        }
        do {
            return try decoder.decode(T.self, from: buffer)
        } catch let error as DecodingError {
            throw describe(error)
        } catch {
            throw RailyardError.badRequest("request body is not valid JSON")
        }
    }

    static func describe(_ error: DecodingError) -> RailyardError {
        func path(_ keys: [any CodingKey]) -> String? {
            let parts = keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return parts.isEmpty ? nil : parts.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            let field = path(context.codingPath + [key]) ?? key.stringValue
            return .badRequest("missing field '\(field)'", field: field)
        case .typeMismatch(let type, let context):
            let field = path(context.codingPath)
            return .badRequest("field '\(field ?? "body")' must be \(describe(type))", field: field)
        case .valueNotFound(let type, let context):
            let field = path(context.codingPath)
            return .badRequest("field '\(field ?? "body")' must be \(describe(type)), not null", field: field)
        case .dataCorrupted(let context):
            if let field = path(context.codingPath) {
                return .badRequest("field '\(field)' has an invalid value", field: field)
            }
            return .badRequest("request body is not valid JSON")
        @unknown default:
            return .badRequest("request body is not valid JSON")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type: "an integer"
        case is Bool.Type: "a boolean"
        default:
            String(describing: type).hasPrefix("Dictionary") ? "an object" :
                String(describing: type).hasPrefix("Array") ? "an array" : "a \(type)"
        }
    }

    static func response<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        if let writable = value as? any JSONWritable {
            var output = JSONOutput()
            writable.writeJSON(to: &output)
            return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: output.bytes)))
        }
        let data = try encoder.encode(value)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(data: data)))
    }

    static func noContent() -> Response { Response(status: .noContent) }
}

/// Query-string helpers shared by the list routes.
extension Request {
    /// `?limit=N&cursor=C`: limit 1…200 (default 50); anything else is a 400.
    func pageRequest() throws -> PageRequest {
        let query = uri.queryParameters
        var page = PageRequest()
        if let text = query.get("limit") {
            guard let limit = Int(text), (1...PageRequest.maximumLimit).contains(limit) else {
                throw RailyardError.badRequest("limit must be an integer from 1 to \(PageRequest.maximumLimit)", field: "limit")
            }
            page.limit = limit
        }
        if let cursor = query.get("cursor") {
            guard Identifier<Void>.isWellFormed(cursor) else {
                throw RailyardError.badRequest("cursor is not one this server gave out", field: "cursor")
            }
            page.after = cursor
        }
        return page
    }

    func queryID<Kind>(_ name: String, required: Bool) throws -> Identifier<Kind>? {
        guard let text = uri.queryParameters.get(name) else {
            if required { throw RailyardError.badRequest("query parameter '\(name)' is required", field: name) }
            return nil
        }
        guard Identifier<Kind>.isWellFormed(text) else {
            throw RailyardError.badRequest("'\(name)' is not a valid id", field: name)
        }
        return Identifier(rawValue: text)
    }
}

extension APIRequestContext {
    /// A path parameter as a typed id. Ids that could never exist answer 404, like unknown ones.
    func pathID<Kind>(_ name: String, _ what: String) throws -> Identifier<Kind> {
        guard let text = parameters.get(name), Identifier<Kind>.isWellFormed(text) else {
            throw RailyardError.notFound(what)
        }
        return Identifier(rawValue: text)
    }
}

extension KeyedDecodingContainer {
    /// A PATCH field: absent gives nil (leave the setting as it is), `null` gives `.some(nil)`
    /// (clear it), a value gives `.some(value)`.
    func decodeSetting<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T?? {
        guard contains(key) else { return nil }
        if try decodeNil(forKey: key) { return .some(nil) }
        return .some(try decode(T.self, forKey: key))
    }
}
