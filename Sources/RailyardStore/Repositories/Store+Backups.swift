import Foundation
import RailyardCore

extension Store {
    /// Records a backup being taken now (RUNNING) by `node`.
    public func createBackup(
        service: Service, environment: EnvironmentID, engine: DatabaseEngine, trigger: String, node: String, audit: AuditContext
    ) async throws -> Backup {
        try await write(conflict: "backup id collision") { db in
            let workspace = try await self.workspaceOf(project: service.projectID, db)
            let backup = Backup(
                id: .generate(), projectID: service.projectID, environmentID: environment, serviceID: service.id,
                serviceName: service.name, engine: engine, trigger: trigger, status: .running, createdAt: Date())
            try await db.execute(
                """
                INSERT INTO backups (id, project_id, environment_id, service_id, service_name, engine, trigger, status,
                    node_id, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [SQLValue(backup.id), SQLValue(backup.projectID), SQLValue(environment), SQLValue(service.id),
                 .text(service.name), .text(engine.rawValue), .text(trigger), .text(BackupStatus.running.rawValue),
                 .text(node), SQLValue(backup.createdAt)])
            try await self.recordAudit(db, audit, workspace: workspace, action: "backup.create",
                                       targetType: "backup", targetID: backup.id.rawValue)
            return backup
        }
    }

    /// Records how a backup ended: its file (a name under DATA/backups), size and SHA-256, or
    /// why it failed.
    public func finishBackup(
        _ id: BackupID, status: BackupStatus, reason: String? = nil, file: String? = nil, sizeBytes: Int64? = nil,
        sha256: String? = nil
    ) async throws {
        try await write(conflict: "backup changed concurrently") { db in
            try await db.execute(
                "UPDATE backups SET status = ?, reason = ?, file = ?, size_bytes = ?, sha256 = ?, finished_at = ? WHERE id = ?",
                [.text(status.rawValue), SQLValue(reason), SQLValue(file), sizeBytes.map { .integer($0) } ?? .null,
                 SQLValue(sha256), SQLValue(Date()), SQLValue(id)])
        }
    }

    /// Records the state of a restore of the backup.
    public func recordRestore(_ id: BackupID, status: BackupStatus, reason: String? = nil) async throws {
        try await write(conflict: "backup changed concurrently") { db in
            try await db.execute(
                "UPDATE backups SET restore_status = ?, restore_reason = ?, restored_at = ? WHERE id = ?",
                [.text(status.rawValue), SQLValue(reason), SQLValue(Date()), SQLValue(id)])
        }
    }

    /// Audits a restore asked for by a person.
    public func auditRestore(_ id: BackupID, project: ProjectID, into service: ServiceID, audit: AuditContext) async throws {
        try await write(conflict: "backup changed concurrently") { db in
            let workspace = try await self.workspaceOf(project: project, db)
            try await self.recordAudit(db, audit, workspace: workspace, action: "backup.restore",
                                       targetType: "service", targetID: service.rawValue)
        }
    }

    public func backup(id: BackupID) async throws -> Backup? {
        try await read { db in try await db.first("SELECT * FROM backups WHERE id = ?", [SQLValue(id)]).map(Self.decodeBackup) }
    }

    /// Where the backup's data is, as a name under DATA/backups; nil until it completed.
    public func backupFile(id: BackupID) async throws -> String? {
        try await read { db in try await db.first("SELECT file FROM backups WHERE id = ?", [SQLValue(id)])?.optionalText("file") }
    }

    /// The environment's backups, newest first; of one service (by name, so a deleted
    /// service's final backups are found under the name it had) when `serviceName` is given.
    public func backups(in environment: EnvironmentID, serviceName: String? = nil) async throws -> [Backup] {
        try await read { db in
            if let serviceName {
                return try await db.query(
                    "SELECT * FROM backups WHERE environment_id = ? AND service_name = ? ORDER BY id DESC",
                    [SQLValue(environment), .text(serviceName)]).map(Self.decodeBackup)
            }
            return try await db.query(
                "SELECT * FROM backups WHERE environment_id = ? ORDER BY id DESC", [SQLValue(environment)]
            ).map(Self.decodeBackup)
        }
    }

    /// Backups `node` was taking or restoring when it stopped: they never finish.
    public func unfinishedBackups(node: String) async throws -> [Backup] {
        try await read { db in
            try await db.query(
                "SELECT * FROM backups WHERE node_id = ? AND (status = ? OR restore_status = ?) ORDER BY id",
                [.text(node), .text(BackupStatus.running.rawValue), .text(BackupStatus.running.rawValue)]
            ).map(Self.decodeBackup)
        }
    }

    /// Every backup's file name, to remove files no row names (their backups were deleted,
    /// with their environment or project, or a write failed half-way).
    public func allBackupFiles() async throws -> Set<String> {
        try await read { db in
            Set(try await db.query("SELECT file FROM backups WHERE file IS NOT NULL").compactMap { try $0.optionalText("file") })
        }
    }

    public func deleteBackup(_ id: BackupID, audit: AuditContext) async throws {
        try await write(conflict: "backup changed concurrently") { db in
            guard let row = try await db.first("DELETE FROM backups WHERE id = ? RETURNING *", [SQLValue(id)])
            else { throw RailyardError.notFound("backup") }
            let backup = try Self.decodeBackup(row)
            let workspace = try await self.workspaceOf(project: backup.projectID, db)
            try await self.recordAudit(db, audit, workspace: workspace, action: "backup.delete",
                                       targetType: "backup", targetID: id.rawValue)
        }
    }

    static func decodeBackup(_ row: SQLRow) throws -> Backup {
        guard let engine = DatabaseEngine(rawValue: try row.text("engine")),
              let status = BackupStatus(rawValue: try row.text("status"))
        else { throw StoreFailure.decoding("engine or status") }
        return Backup(
            id: try row.id("id"), projectID: try row.id("project_id"), environmentID: try row.id("environment_id"),
            serviceID: try row.id("service_id"), serviceName: try row.text("service_name"), engine: engine,
            trigger: try row.text("trigger"), status: status, reason: try row.optionalText("reason"),
            sizeBytes: try row.optionalInteger("size_bytes"), sha256: try row.optionalText("sha256"),
            restoreStatus: try row.optionalText("restore_status").flatMap(BackupStatus.init(rawValue:)),
            restoreReason: try row.optionalText("restore_reason"), restoredAt: try row.optionalDate("restored_at"),
            createdAt: try row.date("created_at"), finishedAt: try row.optionalDate("finished_at"))
    }
}
