import Foundation

/// A value bound to or read from SQL. The schema keeps to text and 64-bit integers (times are
/// milliseconds since 1970) so that one set of statements runs on SQLite and PostgreSQL alike.
public enum SQLValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case text(String)
}

/// One result row, by column name.
public struct SQLRow: Sendable {
    var values: [String: SQLValue]

    init(values: [String: SQLValue]) { self.values = values }

    func text(_ column: String) throws -> String {
        guard case .text(let value) = values[column] else { throw StoreFailure.decoding(column) }
        return value
    }

    func optionalText(_ column: String) throws -> String? {
        switch values[column] {
        case .text(let value): value
        case .null, nil: nil
        case .integer: throw StoreFailure.decoding(column)
        }
    }

    func integer(_ column: String) throws -> Int64 {
        guard case .integer(let value) = values[column] else { throw StoreFailure.decoding(column) }
        return value
    }

    func optionalInteger(_ column: String) throws -> Int64? {
        switch values[column] {
        case .integer(let value): value
        case .null, nil: nil
        case .text: throw StoreFailure.decoding(column)
        }
    }

    func date(_ column: String) throws -> Date { Date(millisecondsSince1970: try integer(column)) }

    func optionalDate(_ column: String) throws -> Date? {
        switch values[column] {
        case .integer(let value): Date(millisecondsSince1970: value)
        case .null, nil: nil
        case .text: throw StoreFailure.decoding(column)
        }
    }

    func id<Kind>(_ column: String, as: Identifier<Kind>.Type = Identifier<Kind>.self) throws -> Identifier<Kind> {
        Identifier(rawValue: try text(column))
    }

    func optionalID<Kind>(_ column: String) throws -> Identifier<Kind>? {
        try optionalText(column).map(Identifier.init(rawValue:))
    }
}

import RailyardCore

extension Date {
    init(millisecondsSince1970 millis: Int64) { self.init(timeIntervalSince1970: Double(millis) / 1000) }
    var millisecondsSince1970: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }
}

/// Failures of the driver layer, before the store turns them into `RailyardError`s.
enum StoreFailure: Error, CustomStringConvertible {
    case uniqueViolation(String)
    case foreignKeyViolation(String)
    case decoding(String)
    case invalidData(String)

    var description: String {
        switch self {
        case .uniqueViolation(let detail): "unique constraint violated: \(detail)"
        case .foreignKeyViolation(let detail): "foreign key violated: \(detail)"
        case .decoding(let column): "column \(column) holds an unexpected value"
        case .invalidData(let detail): "the database refused a value: \(detail)"
        }
    }
}

/// Runs statements. Statements use `?` placeholders; the PostgreSQL driver renumbers them.
protocol SQLExecutor: Sendable {
    func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow]
}

extension SQLExecutor {
    func query(_ sql: String) async throws -> [SQLRow] { try await query(sql, []) }

    func execute(_ sql: String, _ binds: [SQLValue] = []) async throws {
        _ = try await query(sql, binds)
    }

    func first(_ sql: String, _ binds: [SQLValue] = []) async throws -> SQLRow? {
        try await query(sql, binds).first
    }
}

/// One database backend: how to read, how to run a transaction, how to close. Failures of the
/// backend itself (unreachable, too slow, out of disk) are thrown as `StoreUnavailable`.
protocol SQLDriver: Sendable {
    var backendName: String { get }
    /// Runs `body` outside a transaction; each statement may see a different snapshot. Gives
    /// up after `limit` where the backend can hang (a server over a network); nil waits.
    func read<T: Sendable>(
        limit: Duration?, _ body: @escaping @Sendable (any SQLExecutor) async throws -> T) async throws -> T
    /// Runs `body` in one transaction, committed when it returns and rolled back when it throws.
    func transaction<T: Sendable>(
        limit: Duration?, _ body: @escaping @Sendable (any SQLExecutor) async throws -> T) async throws -> T
    /// Checks that the backend answers a trivial query within `limit`, without waiting behind
    /// other calls: throws `StoreUnavailable` when it cannot be reached or does not answer,
    /// and what it says otherwise (a refused login, say) as it is.
    func check(limit: Duration) async throws
    /// Keeps the backend's connections alive until shutdown (PostgreSQL's pool needs this).
    func run() async throws
    func close() async throws
}

extension SQLDriver {
    /// Why the backend cannot serve now (as `check` finds), or nil when it can.
    func probe(limit: Duration) async -> StoreUnavailable? {
        do {
            try await check(limit: limit)
            return nil
        } catch let problem as StoreUnavailable {
            return problem
        } catch {
            return .unreachable(backend: backendName, detail: "\(error)")
        }
    }
}

extension SQLValue {
    init(_ text: String?) { self = text.map(SQLValue.text) ?? .null }
    init(_ date: Date?) { self = date.map { .integer($0.millisecondsSince1970) } ?? .null }
    init<Kind>(_ id: Identifier<Kind>?) { self = id.map { .text($0.rawValue) } ?? .null }
}
