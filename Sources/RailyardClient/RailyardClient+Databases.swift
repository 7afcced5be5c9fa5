import Foundation
import RailyardCore

/// What `POST /projects/ID/databases` answers.
public struct DatabaseAdded: Decodable, Sendable {
    public var service: Service
    public var deployment: Deployment
    public var volume: Volume
    public var variables: [String]
    public var attachedTo: Service?
    public var references: [String]
    /// Names the attached service had set itself, left as they were.
    public var kept: [String]
}

extension RailyardClient {
    // MARK: Databases

    /// Adds a database service to the project's environment (`engine`: postgres, redis,
    /// mysql); `attachTo` gets references to its variables.
    public func addDatabase(
        engine: String, project: ProjectID, environment: EnvironmentID, name: String?, attachTo: ServiceID?, sizeBytes: Int64?,
        version: String? = nil
    ) async throws -> DatabaseAdded {
        struct Body: Encodable {
            var engine: String
            var environmentId: EnvironmentID
            var name: String?
            var attachTo: ServiceID?
            var sizeBytes: Int64?
            var version: String?
        }
        return try await send(
            .POST, "/api/v1/projects/\(project)/databases",
            body: Body(engine: engine, environmentId: environment, name: name, attachTo: attachTo, sizeBytes: sizeBytes, version: version))
    }

    struct BackupList: Decodable {
        var items: [Backup]
    }

    /// The service's backups in the environment (a deleted service's too, by its name), newest first.
    public func backups(of service: ServiceID, in environment: EnvironmentID) async throws -> [Backup] {
        let list: BackupList = try await send(
            .GET, "/api/v1/services/\(service)/backups", query: ["environmentId": environment.rawValue])
        return list.items
    }

    /// Starts a backup; it is RUNNING until `backup(_:)` says otherwise.
    /// `final`: the last before the service is deleted.
    public func createBackup(of service: ServiceID, in environment: EnvironmentID, final: Bool = false) async throws -> Backup {
        struct Body: Encodable {
            var environmentId: EnvironmentID
            var final: Bool?
        }
        return try await send(.POST, "/api/v1/services/\(service)/backups", body: Body(environmentId: environment, final: final ? true : nil))
    }

    public func backup(_ id: BackupID) async throws -> Backup {
        try await send(.GET, "/api/v1/backups/\(id)")
    }

    /// Starts restoring a backup into its service, or into `service`; `restoreStatus` is
    /// RUNNING until it ends.
    public func restoreBackup(_ id: BackupID, into service: ServiceID?) async throws -> Backup {
        struct Body: Encodable { var serviceId: ServiceID? }
        return try await send(.POST, "/api/v1/backups/\(id)/restore", body: Body(serviceId: service))
    }

    /// Adds a database service named `name` (the backup's engine, in its environment) and
    /// restores the backup into it once it serves; `restoreStatus` is RUNNING until then.
    public func restoreBackup(_ id: BackupID, intoNewService name: String) async throws -> Backup {
        struct Body: Encodable { var newServiceName: String }
        return try await send(.POST, "/api/v1/backups/\(id)/restore", body: Body(newServiceName: name))
    }

    /// The service's backup schedule in the environment; nil when it has none.
    public func backupSchedule(of service: ServiceID, in environment: EnvironmentID) async throws -> BackupSchedule? {
        do {
            return try await send(
                .GET, "/api/v1/services/\(service)/backup-schedule", query: ["environmentId": environment.rawValue], as: BackupSchedule.self)
        } catch let error as ClientError where error.status == 404 && error.message.contains("backup schedule") {
            return nil
        }
    }

    public func setBackupSchedule(of service: ServiceID, in environment: EnvironmentID, cron: String, keep: Int) async throws -> BackupSchedule {
        struct Body: Encodable { var cron: String; var keep: Int }
        return try await send(
            .PUT, "/api/v1/services/\(service)/backup-schedule", query: ["environmentId": environment.rawValue],
            body: Body(cron: cron, keep: keep))
    }

    public func deleteBackupSchedule(of service: ServiceID, in environment: EnvironmentID) async throws {
        _ = try await sendRaw(
            .DELETE, "/api/v1/services/\(service)/backup-schedule", query: ["environmentId": environment.rawValue],
            body: Optional<Empty>.none)
    }

    public func deleteBackup(_ id: BackupID) async throws {
        _ = try await sendRaw(.DELETE, "/api/v1/backups/\(id)", body: Optional<Empty>.none)
    }
}
