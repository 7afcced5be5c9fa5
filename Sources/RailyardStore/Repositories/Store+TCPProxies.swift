import Foundation
import RailyardCore

extension Store {
    /// The service's TCP proxy in the environment, on `port` when one is asked for, else on the
    /// lowest port of `range` that no proxy has and `isFree` accepts (the caller asks whether
    /// another program listens there). With `publicURL` (a database's `DATABASE_PUBLIC_URL`
    /// and its value), that variable is set on the service in the same transaction.
    /// A second proxy for the service and environment, or a port another proxy has, is a
    /// conflict that names nothing of the other proxy's owner.
    public func createTCPProxy(
        service: ServiceID, environment: EnvironmentID, port: Int?, range: ClosedRange<Int>, targetPort: Int,
        publicURL: (name: String, value: String)?, isFree: @escaping @Sendable (Int) -> Bool, audit: AuditContext
    ) async throws -> TCPProxy {
        let sealed = try publicURL.map { ($0.name, try secrets.seal($0.value, context: Self.sealContext(service, environment, $0.name))) }
        return try await write(conflict: "that port is already in use; leave the port out to get a free one") { db in
            guard let row = try await db.first(
                """
                SELECT p.workspace_id FROM services s JOIN projects p ON p.id = s.project_id
                JOIN environments e ON e.project_id = p.id WHERE s.id = ? AND e.id = ?
                """, [SQLValue(service), SQLValue(environment)])
            else { throw RailyardError.notFound("service or environment") }
            if try await db.first(
                "SELECT id FROM tcp_proxies WHERE service_id = ? AND environment_id = ?", [SQLValue(service), SQLValue(environment)]
            ) != nil {
                throw RailyardError.conflict("the service already has a TCP proxy in this environment; remove it first")
            }
            let taken = Set(try await db.query(
                "SELECT port FROM tcp_proxies WHERE port >= ? AND port <= ?",
                [.integer(Int64(range.lowerBound)), .integer(Int64(range.upperBound))]
            ).map { Int(try $0.integer("port")) })
            let chosen: Int
            if let port {
                guard !taken.contains(port), isFree(port) else {
                    throw RailyardError.conflict("port \(port) is already in use; leave the port out to get a free one")
                }
                chosen = port
            } else {
                guard let free = range.first(where: { !taken.contains($0) && isFree($0) }) else {
                    throw RailyardError.conflict("every TCP proxy port of this server (\(range.lowerBound)-\(range.upperBound)) is in use")
                }
                chosen = free
            }
            let proxy = TCPProxy(
                id: .generate(), serviceID: service, environmentID: environment, port: chosen, targetPort: targetPort,
                createdAt: Date())
            try await db.execute(
                """
                INSERT INTO tcp_proxies (id, service_id, environment_id, port, target_port, created_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
                [SQLValue(proxy.id), SQLValue(service), SQLValue(environment), .integer(Int64(chosen)),
                 .integer(Int64(targetPort)), SQLValue(proxy.createdAt)])
            if let sealed {
                try await db.execute(
                    """
                    INSERT INTO variables (service_id, environment_id, name, sealed_value, sealed, updated_at) VALUES (?, ?, ?, ?, 0, ?)
                    ON CONFLICT (service_id, environment_id, name)
                    DO UPDATE SET sealed_value = excluded.sealed_value, updated_at = excluded.updated_at
                    """,
                    [SQLValue(service), SQLValue(environment), .text(sealed.0), .text(sealed.1), SQLValue(proxy.createdAt)])
            }
            try await self.recordAudit(db, audit, workspace: try row.id("workspace_id"), action: "tcp_proxy.create",
                                       targetType: "tcp_proxy", targetID: proxy.id.rawValue)
            return proxy
        }
    }

    /// The service's TCP proxy in the environment, if it has one.
    public func tcpProxy(service: ServiceID, environment: EnvironmentID) async throws -> TCPProxy? {
        try await read { db in
            try await db.first(
                "SELECT * FROM tcp_proxies WHERE service_id = ? AND environment_id = ?", [SQLValue(service), SQLValue(environment)]
            ).map(Self.decodeTCPProxy)
        }
    }

    /// The TCP proxies of an environment's services.
    public func tcpProxies(in environment: EnvironmentID) async throws -> [TCPProxy] {
        try await read { db in
            try await db.query("SELECT * FROM tcp_proxies WHERE environment_id = ? ORDER BY id", [SQLValue(environment)])
                .map(Self.decodeTCPProxy)
        }
    }

    /// Every TCP proxy, for the edge.
    public func allTCPProxies() async throws -> [TCPProxy] {
        try await read { db in try await db.query("SELECT * FROM tcp_proxies ORDER BY id").map(Self.decodeTCPProxy) }
    }

    /// Removes the proxy, and with it the variable `unsetVariable` names (a database's public
    /// URL, which without the proxy leads nowhere), in one transaction.
    public func deleteTCPProxy(_ id: TCPProxyID, unsetVariable: String?, audit: AuditContext) async throws {
        try await write(conflict: "TCP proxy changed concurrently") { db in
            guard let row = try await db.first("SELECT * FROM tcp_proxies WHERE id = ?", [SQLValue(id)])
            else { throw RailyardError.notFound("TCP proxy") }
            let proxy = try Self.decodeTCPProxy(row)
            try await db.execute("DELETE FROM tcp_proxies WHERE id = ?", [SQLValue(id)])
            if let unsetVariable {
                try await db.execute(
                    "DELETE FROM variables WHERE service_id = ? AND environment_id = ? AND name = ?",
                    [SQLValue(proxy.serviceID), SQLValue(proxy.environmentID), .text(unsetVariable)])
            }
            let workspace = try await self.workspaceOf(service: proxy.serviceID, db)
            try await self.recordAudit(db, audit, workspace: workspace, action: "tcp_proxy.delete",
                                       targetType: "tcp_proxy", targetID: id.rawValue)
        }
    }

    static func decodeTCPProxy(_ row: SQLRow) throws -> TCPProxy {
        TCPProxy(
            id: try row.id("id"), serviceID: try row.id("service_id"), environmentID: try row.id("environment_id"),
            port: Int(try row.integer("port")), targetPort: Int(try row.integer("target_port")),
            createdAt: try row.date("created_at"))
    }
}
