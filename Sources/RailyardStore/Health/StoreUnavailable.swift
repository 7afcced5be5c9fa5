import RailyardCore

/// The store could not do its work: PostgreSQL is down, does not answer in time, or a disk is
/// full. Not a `RailyardError` on purpose: those are refusals (the request was wrong), while
/// this is worth trying again, and the deployment controller retries what fails with it. The
/// API answers it with `apiError` (503 `store_unavailable`, or 507 `disk_full`).
public struct StoreUnavailable: Error, Sendable, CustomStringConvertible {
    private enum Code: Sendable, Equatable {
        case unreachable
        case timedOut
        case diskFull
    }

    private let code: Code
    /// Which store: "postgresql" or "sqlite".
    public let backend: String
    /// The folder that is full, where the store knows it (an SQLite file's folder).
    public let folder: String?
    /// What the driver said, for the server's log only (it may name hosts and paths).
    public let detail: String
    private let limit: Duration?

    private init(_ code: Code, backend: String, folder: String? = nil, detail: String, limit: Duration? = nil) {
        self.code = code
        self.backend = backend
        self.folder = folder
        self.detail = detail
        self.limit = limit
    }

    /// The store's server cannot be reached (refused, reset, shutting down).
    public static func unreachable(backend: String, detail: String) -> Self {
        Self(.unreachable, backend: backend, detail: detail)
    }

    /// The store did not answer within `limit`.
    public static func timedOut(backend: String, after limit: Duration) -> Self {
        Self(.timedOut, backend: backend, detail: "no answer within \(limit)", limit: limit)
    }

    /// The store's disk has no room for a write; `folder` where the store knows it.
    public static func diskFull(backend: String, folder: String?, detail: String) -> Self {
        Self(.diskFull, backend: backend, folder: folder, detail: detail)
    }

    public var isDiskFull: Bool { code == .diskFull }

    /// One line a person can act on; safe to show (it names the data folder, which an
    /// operator needs, and nothing of the database's own address).
    public var message: String {
        switch code {
        case .unreachable:
            "the store (\(backend)) is unavailable: it cannot be reached; try again once it is back"
        case .timedOut:
            "the store (\(backend)) is unavailable: it did not answer within \(limit?.wholeSeconds ?? 0) s; try again once it is back"
        case .diskFull:
            if let folder {
                "the disk is full: no space left in \(folder) (the store's folder); free space there and try again"
            } else {
                "the disk is full: the store (\(backend)) has no space left on its server; free space there and try again"
            }
        }
    }

    public var description: String { "\(message) [\(detail)]" }

    /// What the API answers.
    public var apiError: RailyardError {
        RailyardError(kind: isDiskFull ? .diskFull : .storeUnavailable, message: message, retryAfter: isDiskFull ? nil : 5)
    }
}

extension Duration {
    /// Whole seconds, rounded up, for messages.
    var wholeSeconds: Int64 {
        let parts = components
        return parts.seconds + (parts.attoseconds > 0 ? 1 : 0)
    }
}
