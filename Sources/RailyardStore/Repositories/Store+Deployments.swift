import Foundation
import RailyardCore

extension Store {
    public func createDeployment(
        service: ServiceID, environment: EnvironmentID, message: String?, audit: AuditContext
    ) async throws -> Deployment {
        try await write(conflict: "deployment id collision") { db in
            guard let row = try await db.first(
                """
                SELECT p.workspace_id FROM services s JOIN projects p ON p.id = s.project_id
                JOIN environments e ON e.project_id = p.id WHERE s.id = ? AND e.id = ?
                """, [SQLValue(service), SQLValue(environment)])
            else { throw RailyardError.notFound("service or environment") }
            let now = Date()
            let deployment = Deployment(
                id: .generate(), serviceID: service, environmentID: environment, status: .queued, message: message,
                statusReason: nil, createdAt: now, updatedAt: now)
            try await db.execute(
                """
                INSERT INTO deployments (id, service_id, environment_id, status, message, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
                [SQLValue(deployment.id), SQLValue(service), SQLValue(environment), .text(deployment.status.rawValue),
                 SQLValue(message), SQLValue(now), SQLValue(now)])
            try await self.recordAudit(db, audit, workspace: try row.id("workspace_id"), action: "deployment.create",
                                       targetType: "deployment", targetID: deployment.id.rawValue)
            return deployment
        }
    }

    public func deployment(id: DeploymentID) async throws -> Deployment? {
        try await read { db in
            try await db.first("SELECT * FROM deployments WHERE id = ?", [SQLValue(id)]).map(Self.decodeDeployment)
        }
    }

    /// Newest first. The cursor is the id of the last deployment of the previous page.
    public func deployments(
        of service: ServiceID, in environment: EnvironmentID?, page: PageRequest
    ) async throws -> Page<Deployment> {
        let rows = try await read { db in
            var sql = "SELECT * FROM deployments WHERE service_id = ?"
            var binds: [SQLValue] = [SQLValue(service)]
            if let environment {
                sql += " AND environment_id = ?"
                binds.append(SQLValue(environment))
            }
            if let after = page.after {
                sql += " AND id < ?"
                binds.append(.text(after))
            }
            sql += " ORDER BY id DESC LIMIT ?"
            binds.append(.integer(Self.fetchLimit(page)))
            return try await db.query(sql, binds).map(Self.decodeDeployment)
        }
        return Self.makePage(rows, page: page) { $0.id.rawValue }
    }

    /// Moves a deployment to `status` through the state machine. The update is a compare-and-set
    /// on the status read, so two writers cannot both move it from the same status.
    public func transitionDeployment(
        _ id: DeploymentID, to status: DeploymentStatus, reason: String?, audit: AuditContext
    ) async throws -> Deployment {
        try await write(conflict: "deployment changed concurrently") { db in
            guard let row = try await db.first("SELECT * FROM deployments WHERE id = ?", [SQLValue(id)])
            else { throw RailyardError.notFound("deployment") }
            let current = try Self.decodeDeployment(row)
            let next = try DeploymentStateMachine.transition(from: current.status, to: status)
            guard let updated = try await db.first(
                """
                UPDATE deployments SET status = ?, status_reason = ?, updated_at = ?
                WHERE id = ? AND status = ? RETURNING *
                """,
                [.text(next.rawValue), SQLValue(reason), SQLValue(Date()), SQLValue(id), .text(current.status.rawValue)])
            else { throw RailyardError.conflict("deployment changed concurrently") }
            guard let owner = try await db.first(
                "SELECT p.workspace_id FROM services s JOIN projects p ON p.id = s.project_id WHERE s.id = ?",
                [SQLValue(current.serviceID)])
            else { throw RailyardError.notFound("service") }
            try await self.recordAudit(db, audit, workspace: try owner.id("workspace_id"),
                                       action: "deployment.\(next.rawValue.lowercased())",
                                       targetType: "deployment", targetID: id.rawValue)
            return try Self.decodeDeployment(updated)
        }
    }

    static func decodeDeployment(_ row: SQLRow) throws -> Deployment {
        guard let status = DeploymentStatus(rawValue: try row.text("status")) else {
            throw StoreFailure.decoding("status")
        }
        return Deployment(
            id: try row.id("id"), serviceID: try row.id("service_id"), environmentID: try row.id("environment_id"),
            status: status, message: try row.optionalText("message"), statusReason: try row.optionalText("status_reason"),
            createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"))
    }
}
