import Foundation
import RailyardCore

/// Who holds (or last held) the store's lease: the one server that acts on it.
public struct NodeLeaseHolder: Sendable, Equatable, CustomStringConvertible {
    /// The node's lasting identity (kept in its data folder).
    public var node: String
    /// This run of the server: a new one at every start.
    public var holder: String
    public var host: String
    public var pid: Int32
    public var dataDirectory: String
    public var acquiredAt: Date
    public var expiresAt: Date

    public init(node: String, holder: String, host: String, pid: Int32, dataDirectory: String,
                acquiredAt: Date = Date(), expiresAt: Date = Date()) {
        self.node = node
        self.holder = holder
        self.host = host
        self.pid = pid
        self.dataDirectory = dataDirectory
        self.acquiredAt = acquiredAt
        self.expiresAt = expiresAt
    }

    public var description: String { "node \(node) (host \(host), pid \(pid), data folder \(dataDirectory))" }
}

/// What an attempt to take the lease found.
public enum NodeLeaseOutcome: Sendable, Equatable {
    /// Taken; `previous` is who held it before (nil for the first server of this store).
    case acquired(previous: NodeLeaseHolder?)
    /// Another live server holds it.
    case held(by: NodeLeaseHolder)
}

extension Store {
    /// Takes the lease for `me` for `duration` when nobody holds it, it expired, or it is this
    /// node's own from an earlier run on the same host (the caller holds the data folder's
    /// lock, so that run is over). Otherwise says who holds it.
    public func acquireLease(_ me: NodeLeaseHolder, for duration: Duration) async throws -> NodeLeaseOutcome {
        for _ in 0..<5 {
            let now = Date()
            let expires = now.addingTimeInterval(Self.seconds(duration))
            do {
                return try await driver.transaction(limit: callLimit) { db in
                    let current = try await db.first("SELECT * FROM node_lease WHERE id = 1").map(Self.decodeLease)
                    guard let current else {
                        try await db.execute(
                            """
                            INSERT INTO node_lease (id, node_id, holder, host, pid, data_directory, acquired_at, expires_at)
                            VALUES (1, ?, ?, ?, ?, ?, ?, ?)
                            """,
                            [.text(me.node), .text(me.holder), .text(me.host), .integer(Int64(me.pid)),
                             .text(me.dataDirectory), SQLValue(now), SQLValue(expires)])
                        return .acquired(previous: nil)
                    }
                    let live = current.expiresAt > now
                    // The same node on another host is a copied data folder: both would think
                    // the other's apps are their own.
                    if live && !(current.node == me.node && current.host == me.host) { return .held(by: current) }
                    // Conditional, so that of two servers racing for an expired lease one wins
                    // (PostgreSQL re-checks the condition on the row the other just updated).
                    let taken = try await db.first(
                        """
                        UPDATE node_lease SET node_id = ?, holder = ?, host = ?, pid = ?, data_directory = ?,
                            acquired_at = ?, expires_at = ?
                        WHERE id = 1 AND holder = ? AND expires_at = ?
                        RETURNING node_id
                        """,
                        [.text(me.node), .text(me.holder), .text(me.host), .integer(Int64(me.pid)), .text(me.dataDirectory),
                         SQLValue(now), SQLValue(expires), .text(current.holder), SQLValue(current.expiresAt)])
                    if taken == nil, let winner = try await db.first("SELECT * FROM node_lease WHERE id = 1").map(Self.decodeLease) {
                        return .held(by: winner)
                    }
                    return .acquired(previous: current)
                }
            } catch StoreFailure.uniqueViolation {
                continue  // another server inserted the first row at the same moment
            }
        }
        throw RailyardError.unavailable("cannot take the store's lease: it changes hands too often")
    }

    /// Extends the lease; false when `me` no longer holds it (it expired and another took it).
    public func renewLease(_ me: NodeLeaseHolder, for duration: Duration) async throws -> Bool {
        let expires = Date().addingTimeInterval(Self.seconds(duration))
        return try await driver.transaction(limit: callLimit) { db in
            try await db.first(
                "UPDATE node_lease SET expires_at = ? WHERE id = 1 AND node_id = ? AND holder = ? RETURNING node_id",
                [SQLValue(expires), .text(me.node), .text(me.holder)]) != nil
        }
    }

    /// Gives the lease up at a clean stop, so that another server may start at once; the row
    /// keeps who held it last.
    public func releaseLease(_ me: NodeLeaseHolder) async throws {
        try await driver.transaction(limit: callLimit) { db in
            try await db.execute(
                "UPDATE node_lease SET expires_at = 0 WHERE id = 1 AND node_id = ? AND holder = ?",
                [.text(me.node), .text(me.holder)])
        }
    }

    /// Who holds (or last held) the lease.
    public func leaseHolder() async throws -> NodeLeaseHolder? {
        try await read { db in try await db.first("SELECT * FROM node_lease WHERE id = 1").map(Self.decodeLease) }
    }

    static func decodeLease(_ row: SQLRow) throws -> NodeLeaseHolder {
        NodeLeaseHolder(
            node: try row.text("node_id"), holder: try row.text("holder"), host: try row.text("host"),
            pid: Int32(truncatingIfNeeded: try row.integer("pid")), dataDirectory: try row.text("data_directory"),
            acquiredAt: try row.date("acquired_at"), expiresAt: try row.date("expires_at"))
    }

    static func seconds(_ duration: Duration) -> TimeInterval {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
