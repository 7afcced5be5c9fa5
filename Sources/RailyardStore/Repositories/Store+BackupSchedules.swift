import Foundation
import RailyardCore

extension Store {
    /// Sets the database service's backup schedule in the environment (replacing one it had),
    /// with its first time due.
    public func setBackupSchedule(
        service: Service, environment: EnvironmentID, cron: String, keep: Int, nextAt: Date, audit: AuditContext
    ) async throws -> BackupSchedule {
        try await write(conflict: "the backup schedule changed concurrently; try again") { db in
            let workspace = try await self.workspaceOf(project: service.projectID, db)
            guard try await db.first(
                "SELECT id FROM environments WHERE id = ? AND project_id = ?", [SQLValue(environment), SQLValue(service.projectID)]) != nil
            else { throw RailyardError.notFound("environment") }
            // As stored (milliseconds): what is returned equals what is read back.
            let now = Date(millisecondsSince1970: Date().millisecondsSince1970)
            let existing = try await db.first(
                "SELECT created_at FROM backup_schedules WHERE service_id = ? AND environment_id = ?",
                [SQLValue(service.id), SQLValue(environment)])
            let schedule = BackupSchedule(
                serviceID: service.id, environmentID: environment, projectID: service.projectID, cron: cron, keep: keep,
                nextAt: nextAt, createdAt: try existing?.date("created_at") ?? now, updatedAt: now)
            if existing == nil {
                try await db.execute(
                    """
                    INSERT INTO backup_schedules (service_id, environment_id, project_id, cron, keep, next_at, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                    [SQLValue(service.id), SQLValue(environment), SQLValue(service.projectID), .text(cron), .integer(Int64(keep)),
                     SQLValue(nextAt), SQLValue(schedule.createdAt), SQLValue(now)])
            } else {
                try await db.execute(
                    "UPDATE backup_schedules SET cron = ?, keep = ?, next_at = ?, updated_at = ? WHERE service_id = ? AND environment_id = ?",
                    [.text(cron), .integer(Int64(keep)), SQLValue(nextAt), SQLValue(now), SQLValue(service.id), SQLValue(environment)])
            }
            try await self.recordAudit(db, audit, workspace: workspace, action: "backup_schedule.set",
                                       targetType: "service", targetID: service.id.rawValue)
            return schedule
        }
    }

    public func backupSchedule(service: ServiceID, environment: EnvironmentID) async throws -> BackupSchedule? {
        try await read { db in
            try await db.first(
                "SELECT * FROM backup_schedules WHERE service_id = ? AND environment_id = ?",
                [SQLValue(service), SQLValue(environment)]
            ).map(Self.decodeBackupSchedule)
        }
    }

    /// Every schedule, soonest due first.
    public func backupSchedules() async throws -> [BackupSchedule] {
        try await read { db in
            try await db.query("SELECT * FROM backup_schedules ORDER BY next_at, service_id").map(Self.decodeBackupSchedule)
        }
    }

    /// Moves a schedule's next time (the scheduler, after a backup is due or at start). Only
    /// when the schedule still has the expression it was computed from: one set meanwhile wins.
    public func advanceBackupSchedule(service: ServiceID, environment: EnvironmentID, cron: String, nextAt: Date) async throws {
        try await write(conflict: "the backup schedule changed concurrently") { db in
            try await db.execute(
                "UPDATE backup_schedules SET next_at = ? WHERE service_id = ? AND environment_id = ? AND cron = ?",
                [SQLValue(nextAt), SQLValue(service), SQLValue(environment), .text(cron)])
        }
    }

    /// Removes the schedule; not found when there was none.
    public func deleteBackupSchedule(service: Service, environment: EnvironmentID, audit: AuditContext) async throws {
        try await write(conflict: "the backup schedule changed concurrently; try again") { db in
            guard try await db.first(
                "DELETE FROM backup_schedules WHERE service_id = ? AND environment_id = ? RETURNING service_id",
                [SQLValue(service.id), SQLValue(environment)]) != nil
            else { throw RailyardError.notFound("backup schedule") }
            let workspace = try await self.workspaceOf(project: service.projectID, db)
            try await self.recordAudit(db, audit, workspace: workspace, action: "backup_schedule.delete",
                                       targetType: "service", targetID: service.id.rawValue)
        }
    }

    /// The service's scheduled backups in the environment, newest first (what pruning keeps
    /// or deletes: manual and final ones are never among them).
    public func scheduledBackups(of service: ServiceID, in environment: EnvironmentID) async throws -> [Backup] {
        try await read { db in
            try await db.query(
                "SELECT * FROM backups WHERE service_id = ? AND environment_id = ? AND trigger = ? ORDER BY id DESC",
                [SQLValue(service), SQLValue(environment), .text(Backup.scheduledTrigger)]
            ).map(Self.decodeBackup)
        }
    }

    static func decodeBackupSchedule(_ row: SQLRow) throws -> BackupSchedule {
        BackupSchedule(
            serviceID: try row.id("service_id"), environmentID: try row.id("environment_id"), projectID: try row.id("project_id"),
            cron: try row.text("cron"), keep: Int(try row.integer("keep")), nextAt: try row.date("next_at"),
            createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"))
    }
}
