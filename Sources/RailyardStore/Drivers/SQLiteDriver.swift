import Foundation
import GRDB

/// SQLite through GRDB, in WAL mode: readers run concurrently with the single writer.
///
/// GRDB's write closures are synchronous, while the store's transactions are async functions
/// shared with PostgreSQL. So a transaction here holds `writerLock`, opens `BEGIN IMMEDIATE` on
/// the pool's one writer connection, sends each statement to it, and commits at the end. GRDB is
/// told to allow a transaction that spans several writer accesses (`allowsUnsafeTransactions`);
/// the lock guarantees nobody else uses the writer meanwhile.
final class SQLiteDriver: SQLDriver {
    let backendName = "sqlite"
    private let pool: DatabasePool
    private let writerLock = AsyncLock()
    /// The database's folder, named when its disk is full.
    let folder: String

    init(path: String) throws {
        folder = (URL(fileURLWithPath: path).deletingLastPathComponent().standardizedFileURL.path as String)
        var configuration = Configuration()
        configuration.allowsUnsafeTransactions = true
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(5)
        configuration.maximumReaderCount = 4
        // The database and its -wal/-shm files (which SQLite gives the database's mode) are the
        // owner's alone, whatever the umask or the data folder's mode.
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        if descriptor >= 0 { Glibc.close(descriptor) }
        for file in [path, path + "-wal", path + "-shm"] { chmod(file, 0o600) }
        pool = try DatabasePool(path: path, configuration: configuration)
    }

    /// `limit` is not needed here: statements run on the calling thread against a local file,
    /// and waits for another process's lock end after the busy time-out (5 s).
    func read<T: Sendable>(
        limit: Duration?, _ body: @escaping @Sendable (any SQLExecutor) async throws -> T
    ) async throws -> T {
        do {
            return try await body(SQLiteReader(pool: pool))
        } catch {
            throw classify(error)
        }
    }

    func transaction<T: Sendable>(
        limit: Duration?, _ body: @escaping @Sendable (any SQLExecutor) async throws -> T
    ) async throws -> T {
        do {
            return try await writing(body)
        } catch {
            throw classify(error)
        }
    }

    func check(limit: Duration) async throws {
        _ = try await read(limit: limit) { db in try await db.first("SELECT 1 AS one") }
    }

    /// A full disk as `StoreUnavailable` naming the folder; everything else unchanged. SQLite
    /// reports ENOSPC as SQLITE_FULL, or, where it meets it in a plain write of the WAL or a
    /// journal, as an I/O error: then the folder's free space tells.
    private func classify(_ error: any Error) -> any Error {
        guard let error = error as? DatabaseError else { return error }
        if error.resultCode == .SQLITE_FULL
            || (error.resultCode == .SQLITE_IOERR && (DiskSpace.available(at: folder) ?? .max) < DiskSpace.reserve) {
            return StoreUnavailable.diskFull(backend: backendName, folder: folder, detail: "\(error)")
        }
        return error
    }

    private func writing<T: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        await writerLock.lock()
        let writer = SQLiteWriter(pool: pool)
        do {
            try writer.begin()
        } catch {
            await writerLock.unlock()
            throw error
        }
        do {
            let result = try await body(writer)
            try writer.commit()
            await writerLock.unlock()
            return result
        } catch {
            writer.rollback()
            await writerLock.unlock()
            throw error
        }
    }

    func run() async throws {}

    func close() async throws {
        await writerLock.lock()
        defer { Task { await writerLock.unlock() } }
        try pool.close()
    }

    static func fetch(_ db: Database, _ sql: String, _ binds: [SQLValue]) throws -> [SQLRow] {
        let arguments = StatementArguments(binds.map { value -> (any DatabaseValueConvertible)? in
            switch value {
            case .null: nil
            case .integer(let number): number
            case .text(let text): text
            }
        })
        do {
            let rows = try Row.fetchAll(db, sql: sql, arguments: arguments)
            return rows.map { row in
                var values: [String: SQLValue] = [:]
                for (column, dbValue) in row {
                    switch dbValue.storage {
                    case .null: values[column] = .null
                    case .int64(let number): values[column] = .integer(number)
                    case .double(let number): values[column] = .integer(Int64(number))
                    case .string(let text): values[column] = .text(text)
                    case .blob(let data): values[column] = .text(String(decoding: data, as: UTF8.self))
                    }
                }
                return SQLRow(values: values)
            }
        } catch let error as DatabaseError {
            switch error.extendedResultCode {
            case .SQLITE_CONSTRAINT_UNIQUE, .SQLITE_CONSTRAINT_PRIMARYKEY:
                throw StoreFailure.uniqueViolation(error.message ?? "")
            case .SQLITE_CONSTRAINT_FOREIGNKEY:
                throw StoreFailure.foreignKeyViolation(error.message ?? "")
            default:
                throw error
            }
        }
    }
}

private struct SQLiteReader: SQLExecutor {
    let pool: DatabasePool

    /// Reads run on the calling thread. A read of the local file takes microseconds, and
    /// hopping to GRDB's queue and back cost more than the read itself (two thread switches per
    /// statement). At most one read per cooperative thread runs at once, fewer than the pool's
    /// readers, so no read waits for a connection while holding a thread.
    func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
        try Self.readHere(pool, sql, binds)
    }

    private static func readHere(_ pool: DatabasePool, _ sql: String, _ binds: [SQLValue]) throws -> [SQLRow] {
        try pool.read { db in try SQLiteDriver.fetch(db, sql, binds) }
    }
}

/// The pool's one writer connection, used while `writerLock` is held. Statements run on the
/// calling thread through GRDB's synchronous API, which has no cancellation check: a cancelled
/// task still reaches COMMIT or ROLLBACK, so no transaction is ever left open on the connection.
private struct SQLiteWriter: SQLExecutor {
    let pool: DatabasePool

    func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
        try run { db in try SQLiteDriver.fetch(db, sql, binds) }
    }

    func begin() throws {
        try run { db in
            // A transaction left by a crash of this process cannot exist, but one left by a
            // bug must not wedge every later write.
            if db.isInsideTransaction { try db.execute(sql: "ROLLBACK") }
            try db.execute(sql: "BEGIN IMMEDIATE")
        }
    }

    func commit() throws {
        try run { db in try db.execute(sql: "COMMIT") }
    }

    func rollback() {
        try? run { db in
            if db.isInsideTransaction { try db.execute(sql: "ROLLBACK") }
        }
    }

    private func run<T>(_ work: (Database) throws -> T) throws -> T {
        try pool.writeWithoutTransaction(work)
    }
}

/// A first-come, first-served lock for async code.
actor AsyncLock {
    private var isLocked = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func lock() async {
        if !isLocked {
            isLocked = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    func unlock() {
        if waiters.isEmpty {
            isLocked = false
        } else {
            waiters.removeFirst().resume()
        }
    }
}
