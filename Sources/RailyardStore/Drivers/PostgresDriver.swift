import Foundation
import Logging
import NIOCore
import PostgresNIO
import RailyardCore
import Synchronization

/// PostgreSQL through PostgresNIO's connection pool. `run()` must be running (it is a service in
/// the server's service group) for queries to be served.
///
/// Every call has a time limit (the store's `callLimit`, the lease of a connection included). PostgresNIO
/// waits for ever on a server that does not answer: a lease waits while the pool backs off
/// between connection attempts, and a query sent to a wedged server (stopped, or behind a
/// dead network) never returns, nor does it heed task cancellation. So on expiry the lease
/// wait is cancelled and the connection in use is closed, which fails its query at once; the
/// caller gets `StoreUnavailable` and the server on the other end rolls the transaction back
/// when it notices the closed socket.
final class PostgresDriver: SQLDriver {
    let backendName = "postgresql"
    private let client: PostgresClient
    private let endpoint: PostgresEndpoint
    private let logger: Logger

    init(url: String, logger: Logger) throws {
        endpoint = try PostgresEndpoint(url: url)
        client = PostgresClient(configuration: endpoint.poolConfiguration(), backgroundLogger: logger)
        self.logger = logger
    }

    func read<T: Sendable>(
        limit: Duration?, _ body: @escaping @Sendable (any SQLExecutor) async throws -> T
    ) async throws -> T {
        let logger = logger
        return try await leased(limit: limit) { connection in
            try await body(PostgresExecutor(connection: connection, logger: logger))
        }
    }

    func transaction<T: Sendable>(
        limit: Duration?, _ body: @escaping @Sendable (any SQLExecutor) async throws -> T
    ) async throws -> T {
        let logger = logger
        return try await leased(limit: limit) { connection in
            do {
                return try await connection.withTransaction(logger: logger) { connection in
                    try await body(PostgresExecutor(connection: connection, logger: logger))
                }
            } catch let error as PostgresTransactionError {
                throw error.closureError ?? error.beginError ?? error.commitError ?? error
            }
        }
    }

    /// Runs `body` on a pooled connection within `limit` (none: as long as it takes).
    private func leased<T: Sendable>(
        limit: Duration?, _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        let lease = LeaseWatch()
        let client = client
        let backend = backendName
        let work: @Sendable () async throws -> T = {
            do {
                return try await client.withConnection { connection in
                    // A connection closed a moment ago (by the server, or by another call's
                    // time-out) may still be handed out; a statement written to it would never
                    // be answered.
                    guard !connection.isClosed else {
                        throw StoreUnavailable.unreachable(backend: backend, detail: "the pool handed out a closed connection")
                    }
                    guard lease.begin(connection) else { throw CancellationError() }
                    defer { lease.end() }
                    do {
                        return try await body(connection)
                    } catch {
                        // Closed by this call's time-out: back to the pool only once it is
                        // closed for good (and the pool told), so nobody leases it again.
                        if lease.expired { try? await connection.closeFuture.get() }
                        throw error
                    }
                }
            } catch {
                throw Self.classify(error, leased: lease.started, backend: backend)
            }
        }
        guard let limit else { return try await work() }
        return try await withTimeLimit(
            limit,
            onExpiry: {
                // The wait for a connection ends by cancellation; a statement in flight on a
                // server that answers nothing, by closing its connection.
                if let connection = lease.expire() { try? await connection.close() }
            },
            expired: { StoreUnavailable.timedOut(backend: backend, after: limit) },
            work)
    }

    /// The store's own failures as `StoreUnavailable` (a server that is gone, shutting down or
    /// out of disk); everything else (a constraint, the caller's own error) unchanged.
    static func classify(_ error: any Error, leased: Bool, backend: String) -> any Error {
        switch error {
        case is StoreUnavailable, is StoreFailure, is CancellationError:
            return error
        case let error as PSQLError:
            if error.code == .server {
                let state = error.serverInfo?[.sqlState] ?? ""
                let message = error.serverInfo?[.message] ?? ""
                if state == "53100" { return StoreUnavailable.diskFull(backend: backend, folder: nil, detail: message) }
                // Connection exceptions, the server shutting down or starting, no slots left.
                if state.hasPrefix("08") || state.hasPrefix("57P") || state == "53300" {
                    return StoreUnavailable.unreachable(backend: backend, detail: "\(state) \(message)")
                }
                return error
            }
            switch error.code {
            case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed,
                 .sslUnsupported, .failedToAddSSLHandler:
                return StoreUnavailable.unreachable(backend: backend, detail: "\(error.code)")
            default:
                return error
            }
        default:
            // What fails before a connection is leased is the pool's: it could not connect (the
            // circuit breaker's error is of a module we do not import).
            if !leased, !(error is RailyardError) {
                return StoreUnavailable.unreachable(backend: backend, detail: "\(error)")
            }
            return error
        }
    }

    /// Checks that the server answers `SELECT 1` on a connection of its own within `limit`:
    /// the readiness probe, which must not queue behind a pool whose connections are all
    /// stuck (and at start, where a refused login must end the start, not be waited out).
    func check(limit: Duration) async throws {
        let configuration = try endpoint.connectionConfiguration()
        let logger = logger
        let lease = LeaseWatch()
        let backend = backendName
        do {
            try await withTimeLimit(
                limit,
                onExpiry: { if let connection = lease.expire() { try? await connection.close() } },
                expired: { StoreUnavailable.timedOut(backend: backend, after: limit) }
            ) {
                // Connecting heeds cancellation; a statement on the new connection is ended
                // by closing it (`expire`).
                let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
                guard lease.begin(connection) else {
                    try? await connection.close()
                    throw CancellationError()
                }
                defer { lease.end() }
                do {
                    try await connection.query("SELECT 1", logger: logger)
                    try? await connection.close()
                } catch {
                    try? await connection.close()
                    throw error
                }
            }
        } catch {
            let classified = Self.classify(error, leased: true, backend: backend)
            // The server's own refusal (a login it does not take, a database that does not
            // exist), in its words: PSQLError's description hides them.
            if let refusal = classified as? PSQLError, refusal.code == .server {
                let message = refusal.serverInfo?[.message] ?? "no reason given"
                let state = refusal.serverInfo?[.sqlState] ?? "?"
                throw ConfigurationProblem("PostgreSQL refused the connection: \(message) (SQLSTATE \(state))")
            }
            throw classified
        }
    }

    func run() async throws {
        await client.run()
    }

    func close() async throws {}
}

/// The connection a call is using, so that its time-out can close it; once expired, a
/// connection leased late is refused.
private final class LeaseWatch: Sendable {
    private enum State {
        case waiting
        case using(PostgresConnection)
        case done
        case expired
    }

    private let state = Mutex(State.waiting)
    private let wasStarted = Atomic(false)

    var started: Bool { wasStarted.load(ordering: .relaxed) }

    var expired: Bool {
        state.withLock { if case .expired = $0 { true } else { false } }
    }

    func begin(_ connection: PostgresConnection) -> Bool {
        wasStarted.store(true, ordering: .relaxed)
        return state.withLock { state in
            guard case .waiting = state else { return false }
            state = .using(connection)
            return true
        }
    }

    func end() {
        state.withLock { state in
            if case .using = state { state = .done }
        }
    }

    /// Marks the call expired; returns the connection it was using, to be closed.
    func expire() -> PostgresConnection? {
        state.withLock { state in
            switch state {
            case .using(let connection):
                state = .expired
                return connection
            case .waiting:
                state = .expired
                return nil
            case .done, .expired:
                return nil
            }
        }
    }
}

struct ConfigurationProblem: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

private struct PostgresExecutor: SQLExecutor {
    let connection: PostgresConnection
    let logger: Logger

    func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
        var bindings = PostgresBindings(capacity: binds.count)
        for value in binds {
            switch value {
            case .null: bindings.appendNull()
            case .integer(let number): bindings.append(number)
            case .text(let text): bindings.append(text)
            }
        }
        let query = PostgresQuery(unsafeSQL: Self.numberPlaceholders(sql), binds: bindings)
        do {
            var rows: [SQLRow] = []
            for try await row in try await connection.query(query, logger: logger) {
                var values: [String: SQLValue] = [:]
                for cell in row {
                    values[cell.columnName] = try Self.value(of: cell)
                }
                rows.append(SQLRow(values: values))
            }
            return rows
        } catch let error as PSQLError {
            switch error.serverInfo?[.sqlState] {
            case "23505": throw StoreFailure.uniqueViolation(error.serverInfo?[.message] ?? "")
            case "23503": throw StoreFailure.foreignKeyViolation(error.serverInfo?[.message] ?? "")
            case let state? where state.hasPrefix("22") || state == "54000":
                // Data exceptions (bad encoding, value too long for an index): the input's fault.
                throw StoreFailure.invalidData(error.serverInfo?[.message] ?? "")
            default: throw error
            }
        }
    }

    static func value(of cell: PostgresCell) throws -> SQLValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int8: return .integer(try cell.decode(Int64.self))
        case .int4: return .integer(Int64(try cell.decode(Int32.self)))
        case .int2: return .integer(Int64(try cell.decode(Int16.self)))
        case .bool: return .integer(try cell.decode(Bool.self) ? 1 : 0)
        default: return .text(try cell.decode(String.self))
        }
    }

    /// Turns `?` placeholders into `$1`, `$2`, … Our statements carry no `?` inside literals.
    static func numberPlaceholders(_ sql: String) -> String {
        var result = ""
        result.reserveCapacity(sql.utf8.count + 16)
        var index = 0
        for character in sql {
            if character == "?" {
                index += 1
                result += "$\(index)"
            } else {
                result.append(character)
            }
        }
        return result
    }
}
