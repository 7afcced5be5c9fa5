import Foundation
import RailyardCore

extension Store {
    /// The service's variables in one environment, opened when `withValues` is true.
    public func variables(
        of service: ServiceID, in environment: EnvironmentID, withValues: Bool
    ) async throws -> [Variable] {
        let rows = try await read { db in
            try await db.query(
                "SELECT name, sealed_value, updated_at FROM variables WHERE service_id = ? AND environment_id = ? ORDER BY name",
                [SQLValue(service), SQLValue(environment)])
        }
        return try rows.map { row in
            let name = try row.text("name")
            let value = withValues
                ? try secrets.open(try row.text("sealed_value"), context: Self.sealContext(service, environment, name))
                : nil
            return Variable(name: name, value: value, updatedAt: try row.date("updated_at"))
        }
    }

    /// Sets and removes variables in one transaction. Values are sealed before they reach SQL.
    public func updateVariables(
        of service: ServiceID, in environment: EnvironmentID, set: [String: String], unset: [String],
        audit: AuditContext
    ) async throws {
        let sealed = try set.map { name, value in
            (name, try secrets.seal(value, context: Self.sealContext(service, environment, name)))
        }
        try await write(conflict: "variables changed concurrently") { db in
            guard let row = try await db.first(
                """
                SELECT p.workspace_id FROM services s JOIN projects p ON p.id = s.project_id
                JOIN environments e ON e.project_id = p.id WHERE s.id = ? AND e.id = ?
                """, [SQLValue(service), SQLValue(environment)])
            else { throw RailyardError.notFound("service or environment") }
            let workspace: WorkspaceID = try row.id("workspace_id")
            let now = Date()
            for (name, sealedValue) in sealed {
                try await db.execute(
                    """
                    INSERT INTO variables (service_id, environment_id, name, sealed_value, updated_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (service_id, environment_id, name)
                    DO UPDATE SET sealed_value = excluded.sealed_value, updated_at = excluded.updated_at
                    """,
                    [SQLValue(service), SQLValue(environment), .text(name), .text(sealedValue), SQLValue(now)])
            }
            for name in unset {
                try await db.execute(
                    "DELETE FROM variables WHERE service_id = ? AND environment_id = ? AND name = ?",
                    [SQLValue(service), SQLValue(environment), .text(name)])
            }
            let count = try await db.first(
                "SELECT COUNT(*) AS n FROM variables WHERE service_id = ? AND environment_id = ?",
                [SQLValue(service), SQLValue(environment)])?.integer("n") ?? 0
            if count > Self.maximumVariables {
                throw RailyardError.invalid(
                    "a service may have at most \(Self.maximumVariables) variables per environment", field: "set")
            }
            try await self.recordAudit(db, audit, workspace: workspace, action: "variables.update",
                                       targetType: "service", targetID: service.rawValue)
        }
    }

    /// Variables are listed whole (one page), so their number is bounded.
    public static let maximumVariables = 1000

    static func sealContext(_ service: ServiceID, _ environment: EnvironmentID, _ name: String) -> String {
        "variable/\(service.rawValue)/\(environment.rawValue)/\(name)"
    }
}
