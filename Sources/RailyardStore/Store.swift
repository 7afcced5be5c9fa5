import Foundation
import Logging
import RailyardCore
import ServiceLifecycle
import Synchronization

/// The control plane's durable state. One type over two backends: an SQLite file (the embedded
/// default) or a PostgreSQL server. Every operation is written once, in SQL both understand, and
/// every mutation records its audit event in the same transaction.
public final class Store: Sendable, ServiceLifecycle.Service {
    /// Where the state lives.
    public enum Location: Sendable, Equatable {
        case sqlite(path: String)
        case postgres(url: String)
    }

    /// How long one store call may take before it fails with `StoreUnavailable` (503), so that
    /// a PostgreSQL server that is down or wedged never holds a request (or the deployment
    /// controller, which retries) for longer. Migrations have no limit.
    public static let defaultCallLimit: Duration = .seconds(5)

    let driver: any SQLDriver
    let secrets: SecretBox
    let logger: Logger
    let callLimit: Duration
    /// Set once `migrate()` has brought the schema up to date in this process.
    private let migrated = Mutex(false)
    /// The last write that failed for want of disk, until a write succeeds: readiness says so.
    private let diskFull = Mutex<(problem: StoreUnavailable, at: ContinuousClock.Instant)?>(nil)

    public var backendName: String { driver.backendName }

    public init(location: Location, secrets: SecretBox, logger: Logger, callLimit: Duration = Store.defaultCallLimit) throws {
        switch location {
        case .sqlite(let path): driver = try SQLiteDriver(path: path)
        case .postgres(let url): driver = try PostgresDriver(url: url, logger: logger)
        }
        self.secrets = secrets
        self.logger = logger
        self.callLimit = callLimit
    }

    /// Serves the backend's connections until graceful shutdown, then closes the store. Put it
    /// first in the service group, so that it stops last, after in-flight requests.
    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            try await self.driver.run()
            // SQLite has no connections to serve: stay until shutdown.
            try await gracefulShutdown()
        }
        try await driver.close()
    }

    /// Runs `body` while the backend serves, for tests and one-shot commands outside a service group.
    public func withRunning<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.driver.run() }
            do {
                let result = try await body()
                group.cancelAll()
                try await driver.close()
                return result
            } catch {
                group.cancelAll()
                try? await driver.close()
                throw error
            }
        }
    }

    /// Applies the migrations that have not run yet, in order. A store that cannot be reached
    /// yet (a server started before its database) is waited for, with a warning every 10 s;
    /// any other failure (a wrong password, a file that is not a database) ends the start.
    public func migrate() async throws { try await migrate(using: migrations) }

    /// Applies those of `list` not applied yet, in order (tests stop at an older schema with a prefix).
    func migrate(using list: [Migration]) async throws {
        // Graceful shutdown ends the wait (a server told to stop before its database came).
        try await cancelWhenGracefulShutdown {
            var waited = 0
            while true {
                do {
                    try await self.driver.check(limit: self.callLimit)
                    return
                } catch let problem as StoreUnavailable where !problem.isDiskFull {
                    if waited % 10 == 0 {
                        self.logger.warning("waiting for the store before migrating", metadata: ["error": "\(problem)"])
                    }
                    waited += 1
                    try await Task.sleep(for: .seconds(1))
                }
            }
        }
        try await driver.transaction(limit: nil) { db in
            try await db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)")
        }
        let applied = Set(try await driver.read(limit: nil) { db in
            try await db.query("SELECT name FROM schema_migrations").map { try $0.text("name") }
        })
        for migration in list where !applied.contains(migration.name) {
            try await driver.transaction(limit: nil) { db in
                for statement in migration.statements { try await db.execute(statement) }
                try await db.execute(
                    "INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)",
                    [.text(migration.name), SQLValue(Date())])
            }
            logger.info("applied migration", metadata: ["railyard.migration": "\(migration.name)"])
        }
        migrated.withLock { $0 = true }
    }

    /// Returns once `migrate()` has run (or the task is cancelled): the server migrates as it
    /// starts, while services beside it (the deployment controller) start too and must not
    /// read tables a pending migration has yet to create or change.
    public func waitUntilMigrated() async {
        while !migrated.withLock({ $0 }), !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Why the store cannot serve now, or nil when it can: the backend must answer a trivial
    /// query within `limit` on a connection of its own (never behind calls that are stuck),
    /// and its disk must have room (a write that failed for want of it counts until a write
    /// succeeds, or, for SQLite, until its folder has room again; for PostgreSQL, whose disk
    /// this server cannot see, for a minute).
    public func readiness(limit: Duration = .seconds(1)) async -> StoreUnavailable? {
        if let problem = await driver.probe(limit: limit) {
            logger.warning("store readiness probe failed", metadata: ["error": "\(problem)"])
            return problem
        }
        if let sqlite = driver as? SQLiteDriver, DiskSpace.isFull(at: sqlite.folder) {
            return .diskFull(backend: backendName, folder: sqlite.folder, detail: "less than \(DiskSpace.reserve) bytes free")
        }
        return diskFull.withLock { last in
            guard let (problem, at) = last else { return nil }
            let stale = if let folder = problem.folder { !DiskSpace.isFull(at: folder) } else { ContinuousClock.now - at > .seconds(60) }
            if stale { last = nil }
            return stale ? nil : problem
        }
    }

    /// Runs a transaction and turns constraint failures into errors a caller can show.
    func write<T: Sendable>(
        conflict: String, _ body: @escaping @Sendable (any SQLExecutor) async throws -> T
    ) async throws -> T {
        do {
            let result = try await driver.transaction(limit: callLimit, body)
            diskFull.withLock { $0 = nil }
            return result
        } catch let problem as StoreUnavailable where problem.isDiskFull {
            diskFull.withLock { $0 = (problem, .now) }
            throw problem
        } catch StoreFailure.uniqueViolation {
            throw RailyardError.conflict(conflict)
        } catch StoreFailure.foreignKeyViolation {
            throw RailyardError.notFound("referenced resource")
        } catch StoreFailure.invalidData {
            throw RailyardError.invalid("a value is too large or malformed for the store")
        }
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        do {
            return try await driver.read(limit: callLimit, body)
        } catch StoreFailure.invalidData {
            throw RailyardError.invalid("a value is too large or malformed for the store")
        }
    }
}

/// Who made a change and from where, written into the audit event of every mutation.
public struct AuditContext: Sendable {
    public var actor: String
    public var clientAddress: String?

    public init(actor: String, clientAddress: String?) {
        self.actor = actor
        self.clientAddress = clientAddress
    }

    public static let system = AuditContext(actor: "system", clientAddress: nil)
}

extension Store {
    func recordAudit(
        _ db: any SQLExecutor, _ context: AuditContext, workspace: WorkspaceID, action: String,
        targetType: String, targetID: String
    ) async throws {
        try await db.execute(
            """
            INSERT INTO audit_events (id, workspace_id, actor, action, target_type, target_id, client_address, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [SQLValue(AuditEventID.generate()), SQLValue(workspace), .text(context.actor), .text(action),
             .text(targetType), .text(targetID), SQLValue(context.clientAddress), SQLValue(Date())])
    }

    /// Clamps a page request and returns (limit + 1) so the caller can tell whether more exist.
    static func fetchLimit(_ page: PageRequest) -> Int64 {
        Int64(min(max(page.limit, 1), PageRequest.maximumLimit) + 1)
    }

    public static func makePage<Item>(_ items: [Item], page: PageRequest, id: (Item) -> String) -> Page<Item> {
        let limit = min(max(page.limit, 1), PageRequest.maximumLimit)
        if items.count > limit {
            let kept = Array(items.prefix(limit))
            return Page(items: kept, nextCursor: kept.last.map(id))
        }
        return Page(items: items, nextCursor: nil)
    }
}
