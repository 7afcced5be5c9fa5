import Foundation

/// A backup of a database service: pg_dump's custom format, a Redis RDB snapshot, or SQL from
/// mysqldump, kept under the server's data folder with its SHA-256. It belongs to the
/// environment and outlives its service, so a final backup can be restored into another.
public struct Backup: Codable, Sendable, Equatable {
    public var id: BackupID
    public var projectID: ProjectID
    public var environmentID: EnvironmentID
    public var serviceID: ServiceID
    /// The service's name when the backup was taken.
    public var serviceName: String
    public var engine: DatabaseEngine
    /// `manual`, `scheduled` or `final` (taken before the service was deleted).
    public var trigger: String
    public var status: BackupStatus
    /// Why it failed.
    public var reason: String?
    public var sizeBytes: Int64?
    public var sha256: String?
    /// The last restore of it: `RUNNING`, `COMPLETED` or `FAILED`, with why it failed.
    public var restoreStatus: BackupStatus?
    public var restoreReason: String?
    public var restoredAt: Date?
    public var createdAt: Date
    public var finishedAt: Date?

    public init(
        id: BackupID, projectID: ProjectID, environmentID: EnvironmentID, serviceID: ServiceID, serviceName: String,
        engine: DatabaseEngine, trigger: String, status: BackupStatus, reason: String? = nil, sizeBytes: Int64? = nil,
        sha256: String? = nil, restoreStatus: BackupStatus? = nil, restoreReason: String? = nil, restoredAt: Date? = nil,
        createdAt: Date, finishedAt: Date? = nil
    ) {
        self.id = id
        self.projectID = projectID
        self.environmentID = environmentID
        self.serviceID = serviceID
        self.serviceName = serviceName
        self.engine = engine
        self.trigger = trigger
        self.status = status
        self.reason = reason
        self.sizeBytes = sizeBytes
        self.sha256 = sha256
        self.restoreStatus = restoreStatus
        self.restoreReason = restoreReason
        self.restoredAt = restoredAt
        self.createdAt = createdAt
        self.finishedAt = finishedAt
    }

    /// The trigger of backups the scheduler takes: the only ones it prunes.
    public static let scheduledTrigger = "scheduled"

    enum CodingKeys: String, CodingKey {
        case id, projectID = "projectId", environmentID = "environmentId", serviceID = "serviceId", serviceName, engine,
             trigger, status, reason, sizeBytes, sha256, restoreStatus, restoreReason, restoredAt, createdAt, finishedAt
    }
}

public enum BackupStatus: String, Codable, Sendable, CaseIterable {
    case running = "RUNNING"
    case completed = "COMPLETED"
    case failed = "FAILED"
}
