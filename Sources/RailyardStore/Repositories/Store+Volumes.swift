import Foundation
import RailyardCore

extension Store {
    /// The service's volume in the environment. A second one for the same service and
    /// environment is a conflict (one per service per environment, as on Railway).
    public func createVolume(
        service: ServiceID, environment: EnvironmentID, mountPath: String, sizeBytes: Int64, audit: AuditContext
    ) async throws -> Volume {
        try await write(conflict: "the service already has a volume in this environment; resize or remove it") { db in
            guard let row = try await db.first(
                """
                SELECT p.workspace_id, s.name FROM services s JOIN projects p ON p.id = s.project_id
                JOIN environments e ON e.project_id = p.id WHERE s.id = ? AND e.id = ?
                """, [SQLValue(service), SQLValue(environment)])
            else { throw RailyardError.notFound("service or environment") }
            if try await db.first(
                "SELECT id FROM volumes WHERE service_id = ? AND environment_id = ?", [SQLValue(service), SQLValue(environment)]) != nil {
                throw RailyardError.conflict("the service already has a volume in this environment; resize or remove it")
            }
            let volume = Volume(
                id: .generate(), serviceID: service, environmentID: environment,
                name: VolumeRules.name(service: try row.text("name")), mountPath: mountPath, sizeBytes: sizeBytes,
                createdAt: Date())
            try await db.execute(
                """
                INSERT INTO volumes (id, service_id, environment_id, name, mount_path, size_bytes, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
                [SQLValue(volume.id), SQLValue(service), SQLValue(environment), .text(volume.name), .text(mountPath),
                 .integer(sizeBytes), SQLValue(volume.createdAt)])
            try await self.recordAudit(db, audit, workspace: try row.id("workspace_id"), action: "volume.create",
                                       targetType: "volume", targetID: volume.id.rawValue)
            return volume
        }
    }

    public func volume(id: VolumeID) async throws -> Volume? {
        try await read { db in
            try await db.first("SELECT * FROM volumes WHERE id = ?", [SQLValue(id)]).map(Self.decodeVolume)
        }
    }

    /// The service's volume in the environment, if it has one.
    public func volume(service: ServiceID, environment: EnvironmentID) async throws -> Volume? {
        try await read { db in
            try await db.first(
                "SELECT * FROM volumes WHERE service_id = ? AND environment_id = ?", [SQLValue(service), SQLValue(environment)]
            ).map(Self.decodeVolume)
        }
    }

    /// The service's volumes in every environment.
    public func volumes(of service: ServiceID) async throws -> [Volume] {
        try await read { db in
            try await db.query("SELECT * FROM volumes WHERE service_id = ? ORDER BY id", [SQLValue(service)]).map(Self.decodeVolume)
        }
    }

    /// Every volume, for mounting them at start.
    public func allVolumes() async throws -> [Volume] {
        try await read { db in try await db.query("SELECT * FROM volumes ORDER BY id").map(Self.decodeVolume) }
    }

    /// Records a new size (after the filesystem grew to it).
    public func resizeVolume(_ id: VolumeID, sizeBytes: Int64, audit: AuditContext) async throws -> Volume {
        try await write(conflict: "volume changed concurrently") { db in
            guard let row = try await db.first("SELECT * FROM volumes WHERE id = ?", [SQLValue(id)])
            else { throw RailyardError.notFound("volume") }
            var volume = try Self.decodeVolume(row)
            volume.sizeBytes = sizeBytes
            try await db.execute("UPDATE volumes SET size_bytes = ? WHERE id = ?", [.integer(sizeBytes), SQLValue(id)])
            let workspace = try await self.workspaceOf(service: volume.serviceID, db)
            try await self.recordAudit(db, audit, workspace: workspace, action: "volume.resize",
                                       targetType: "volume", targetID: id.rawValue)
            return volume
        }
    }

    public func deleteVolume(_ id: VolumeID, audit: AuditContext) async throws {
        try await write(conflict: "volume changed concurrently") { db in
            guard let row = try await db.first("SELECT * FROM volumes WHERE id = ?", [SQLValue(id)])
            else { throw RailyardError.notFound("volume") }
            let volume = try Self.decodeVolume(row)
            try await db.execute("DELETE FROM volumes WHERE id = ?", [SQLValue(id)])
            let workspace = try await self.workspaceOf(service: volume.serviceID, db)
            try await self.recordAudit(db, audit, workspace: workspace, action: "volume.delete",
                                       targetType: "volume", targetID: id.rawValue)
        }
    }

    static func decodeVolume(_ row: SQLRow) throws -> Volume {
        Volume(
            id: try row.id("id"), serviceID: try row.id("service_id"), environmentID: try row.id("environment_id"),
            name: try row.text("name"), mountPath: try row.text("mount_path"), sizeBytes: try row.integer("size_bytes"),
            createdAt: try row.date("created_at"))
    }
}
