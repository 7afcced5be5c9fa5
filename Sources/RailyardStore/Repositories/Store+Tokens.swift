import Foundation
import RailyardCore

extension Store {
    public func createAPIToken(
        name: String, role: Role, scope: TokenScope, tokenHash: String, createdBy: UserID?, expiresAt: Date?,
        audit: AuditContext
    ) async throws -> APIToken {
        try await write(conflict: "token collision; try again") { db in
            var projectID: ProjectID?
            var environmentID: EnvironmentID?
            if case .environment(let workspace, let project, let environment) = scope {
                guard try await db.first(
                    """
                    SELECT 1 AS one FROM environments e JOIN projects p ON p.id = e.project_id
                    WHERE e.id = ? AND p.id = ? AND p.workspace_id = ?
                    """, [SQLValue(environment), SQLValue(project), SQLValue(workspace)]) != nil
                else {
                    // 422 on the field rather than 404: the workspace in the path exists, and a
                    // 404 would say it does not. The message is the same whether or not the
                    // environment exists elsewhere, so it tells nothing about other workspaces.
                    throw RailyardError.invalid(
                        "environmentId must be an environment of projectId, in this workspace", field: "environmentId")
                }
                projectID = project
                environmentID = environment
            }
            let token = APIToken(
                id: .generate(), workspaceID: scope.workspaceID, projectID: projectID, environmentID: environmentID,
                name: name, role: role, createdBy: createdBy, createdAt: Date(), expiresAt: expiresAt, revokedAt: nil,
                lastUsedAt: nil)
            try await db.execute(
                """
                INSERT INTO api_tokens (id, workspace_id, project_id, environment_id, name, role, token_hash, created_by,
                                        created_at, expires_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [SQLValue(token.id), SQLValue(token.workspaceID), SQLValue(projectID), SQLValue(environmentID),
                 .text(name), .text(role.rawValue), .text(tokenHash), SQLValue(createdBy), SQLValue(token.createdAt),
                 SQLValue(expiresAt)])
            try await self.recordAudit(db, audit, workspace: token.workspaceID, action: "token.create",
                                       targetType: "token", targetID: token.id.rawValue)
            return token
        }
    }

    /// The token with this hash, whatever its state; the caller checks expiry and revocation.
    public func apiToken(hash: String) async throws -> APIToken? {
        try await read { db in
            try await db.first("SELECT * FROM api_tokens WHERE token_hash = ?", [.text(hash)]).map(Self.decodeAPIToken)
        }
    }

    public func apiToken(id: APITokenID) async throws -> APIToken? {
        try await read { db in
            try await db.first("SELECT * FROM api_tokens WHERE id = ?", [SQLValue(id)]).map(Self.decodeAPIToken)
        }
    }

    public func apiTokens(in workspace: WorkspaceID, page: PageRequest) async throws -> Page<APIToken> {
        let rows = try await read { db in
            try await db.query(
                "SELECT * FROM api_tokens WHERE workspace_id = ? AND id > ? ORDER BY id LIMIT ?",
                [SQLValue(workspace), .text(page.after ?? ""), .integer(Self.fetchLimit(page))]
            ).map(Self.decodeAPIToken)
        }
        return Self.makePage(rows, page: page) { $0.id.rawValue }
    }

    public func revokeAPIToken(_ id: APITokenID, audit: AuditContext) async throws -> APIToken {
        try await write(conflict: "token changed concurrently") { db in
            guard let row = try await db.first(
                "UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ? RETURNING *",
                [SQLValue(Date()), SQLValue(id)])
            else { throw RailyardError.notFound("token") }
            let token = try Self.decodeAPIToken(row)
            try await self.recordAudit(db, audit, workspace: token.workspaceID, action: "token.revoke",
                                       targetType: "token", targetID: id.rawValue)
            return token
        }
    }

    /// Records use of a token. Called at most about once a minute per token, so that reads do
    /// not turn into writes.
    public func markAPITokenUsed(_ id: APITokenID, at time: Date) async throws {
        try await write(conflict: "") { db in
            try await db.execute("UPDATE api_tokens SET last_used_at = ? WHERE id = ?", [SQLValue(time), SQLValue(id)])
        }
    }

    static func decodeAPIToken(_ row: SQLRow) throws -> APIToken {
        APIToken(
            id: try row.id("id"), workspaceID: try row.id("workspace_id"), projectID: try row.optionalID("project_id"),
            environmentID: try row.optionalID("environment_id"), name: try row.text("name"),
            role: try decodeRole(row), createdBy: try row.optionalID("created_by"), createdAt: try row.date("created_at"),
            expiresAt: try row.optionalDate("expires_at"), revokedAt: try row.optionalDate("revoked_at"),
            lastUsedAt: try row.optionalDate("last_used_at"))
    }

    // MARK: Audit

    /// Newest first.
    public func auditEvents(in workspace: WorkspaceID, page: PageRequest) async throws -> Page<AuditEvent> {
        let rows = try await read { db in
            var sql = "SELECT * FROM audit_events WHERE workspace_id = ?"
            var binds: [SQLValue] = [SQLValue(workspace)]
            if let after = page.after {
                sql += " AND id < ?"
                binds.append(.text(after))
            }
            sql += " ORDER BY id DESC LIMIT ?"
            binds.append(.integer(Self.fetchLimit(page)))
            return try await db.query(sql, binds).map { row in
                AuditEvent(
                    id: try row.id("id"), workspaceID: try row.id("workspace_id"), actor: try row.text("actor"),
                    action: try row.text("action"), targetType: try row.text("target_type"),
                    targetID: try row.text("target_id"), clientAddress: try row.optionalText("client_address"),
                    createdAt: try row.date("created_at"))
            }
        }
        return Self.makePage(rows, page: page) { $0.id.rawValue }
    }
}
