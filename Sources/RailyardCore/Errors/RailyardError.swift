/// An error whose message is safe to show to the caller. The API maps `kind` to an HTTP status
/// and the CLI prints `message` as its one line; anything that is not a `RailyardError` is
/// reported as an internal error without detail.
public struct RailyardError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        case badRequest = "bad_request"
        case unauthorized
        case forbidden
        case notFound = "not_found"
        /// The path exists, but not with this method. 405, with `Allow`.
        case methodNotAllowed = "method_not_allowed"
        case conflict
        case payloadTooLarge = "payload_too_large"
        /// A storage limit (per service or per workspace) leaves no room for what was sent.
        case quotaExceeded = "quota_exceeded"
        case invalid = "invalid"
        case rateLimited = "rate_limited"
        case unavailable
        /// The store (PostgreSQL, or the SQLite file) cannot be reached or does not answer in
        /// time; the server itself is up. 503.
        case storeUnavailable = "store_unavailable"
        /// A disk the server writes to (the data folder, or the database's) is full. 507.
        case diskFull = "disk_full"
        case `internal`
    }

    public let kind: Kind
    public let message: String
    public let field: String?
    /// Seconds to wait before trying again, for `rateLimited` and `storeUnavailable`.
    public let retryAfter: Int?

    public init(kind: Kind, message: String, field: String? = nil, retryAfter: Int? = nil) {
        self.kind = kind
        self.message = message
        self.field = field
        self.retryAfter = retryAfter
    }

    public var description: String { message }

    public static func badRequest(_ message: String, field: String? = nil) -> Self {
        Self(kind: .badRequest, message: message, field: field)
    }
    public static func unauthorized(_ message: String = "authentication required") -> Self {
        Self(kind: .unauthorized, message: message)
    }
    public static func forbidden(_ message: String) -> Self { Self(kind: .forbidden, message: message) }
    public static func notFound(_ what: String) -> Self { Self(kind: .notFound, message: "\(what) not found") }
    public static func conflict(_ message: String, field: String? = nil) -> Self {
        Self(kind: .conflict, message: message, field: field)
    }
    public static func invalid(_ message: String, field: String? = nil) -> Self {
        Self(kind: .invalid, message: message, field: field)
    }
    public static func rateLimited(_ message: String, retryAfter: Int) -> Self {
        Self(kind: .rateLimited, message: message, retryAfter: retryAfter)
    }
    public static func payloadTooLarge(_ message: String) -> Self { Self(kind: .payloadTooLarge, message: message) }
    public static func quotaExceeded(_ message: String) -> Self { Self(kind: .quotaExceeded, message: message) }
    public static func unavailable(_ message: String) -> Self { Self(kind: .unavailable, message: message) }
    /// A disk is full; `folder` is named so that whoever reads it knows where to free space.
    public static func diskFull(folder: String, what: String) -> Self {
        Self(kind: .diskFull, message: "the disk is full: no space left in \(folder) (\(what)); free space there and try again")
    }
    public static func `internal`(_ message: String) -> Self { Self(kind: .internal, message: message) }
}

/// The API's one error shape, `{"error":{"code":"…","message":"…","field":"…"}}`, written by
/// the server and read by the client.
public struct APIErrorBody: Codable, Sendable {
    public struct Detail: Codable, Sendable {
        public var code: String
        public var message: String
        public var field: String?

        public init(code: String, message: String, field: String?) {
            self.code = code
            self.message = message
            self.field = field
        }
    }

    public var error: Detail

    public init(_ error: RailyardError) {
        self.error = Detail(code: error.kind.rawValue, message: error.message, field: error.field)
    }
}
