import Foundation

/// A database service's scheduled backups in one environment: taken when `cron` (UTC) says,
/// with trigger `scheduled`; after each, the oldest scheduled backups beyond `keep` are
/// deleted (manual and final ones never are).
public struct BackupSchedule: Codable, Sendable, Equatable {
    public var serviceID: ServiceID
    public var environmentID: EnvironmentID
    public var projectID: ProjectID
    public var cron: String
    public var keep: Int
    /// When the next backup is due.
    public var nextAt: Date
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        serviceID: ServiceID, environmentID: EnvironmentID, projectID: ProjectID, cron: String, keep: Int, nextAt: Date,
        createdAt: Date, updatedAt: Date
    ) {
        self.serviceID = serviceID
        self.environmentID = environmentID
        self.projectID = projectID
        self.cron = cron
        self.keep = keep
        self.nextAt = nextAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// How many scheduled backups may be kept.
    public static let keepRange = 1...1000

    /// Why `keep` cannot be used, in words; nil when it can.
    public static func keepProblem(_ keep: Int) -> String? {
        keepRange.contains(keep) ? nil : "keep is how many scheduled backups stay, from \(keepRange.lowerBound) to \(keepRange.upperBound), not \(keep)"
    }

    enum CodingKeys: String, CodingKey {
        case serviceID = "serviceId", environmentID = "environmentId", projectID = "projectId", cron, keep, nextAt,
             createdAt, updatedAt
    }
}
