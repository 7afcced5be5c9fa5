import Foundation
import RailyardCore

/// What the files of the data folder belong to: the source archives and artifacts each
/// deployment names, for storage limits and for sweeping files nothing names any more.
extension Store {
    /// One deployment's claim on stored files.
    public struct StoredFiles: Sendable, Equatable {
        public var deployment: DeploymentID
        public var service: ServiceID
        public var status: DeploymentStatus
        /// The source archive's file name in the sources folder, if it still has one.
        public var archive: String?
        /// The artifact folder, `SERVICE/DEPLOYMENT`, relative to the artifacts folder.
        public var artifact: String?
    }

    /// Every service of a workspace, across its projects.
    public func serviceIDs(inWorkspace workspace: WorkspaceID) async throws -> [ServiceID] {
        let rows = try await read { db in
            try await db.query(
                "SELECT s.id FROM services s JOIN projects p ON p.id = s.project_id WHERE p.workspace_id = ? ORDER BY s.id",
                [SQLValue(workspace)])
        }
        return try rows.map { try $0.id("id") }
    }

    /// Every service there is.
    public func allServiceIDs() async throws -> [ServiceID] {
        let rows = try await read { db in try await db.query("SELECT id FROM services ORDER BY id") }
        return try rows.map { try $0.id("id") }
    }

    /// The files deployments name: of the given services, or of every deployment with nil.
    public func storedFiles(of services: [ServiceID]?) async throws -> [StoredFiles] {
        if let services, services.isEmpty { return [] }
        let rows = try await read { db in
            if let services {
                let marks = Array(repeating: "?", count: services.count).joined(separator: ", ")
                return try await db.query(
                    "SELECT id, service_id, status, archive, artifact FROM deployments WHERE service_id IN (\(marks)) ORDER BY id DESC",
                    services.map { SQLValue($0) })
            }
            return try await db.query("SELECT id, service_id, status, archive, artifact FROM deployments ORDER BY id DESC")
        }
        return try rows.map { row in
            guard let status = DeploymentStatus(rawValue: try row.text("status")) else { throw StoreFailure.decoding("status") }
            return StoredFiles(
                deployment: try row.id("id"), service: try row.id("service_id"), status: status,
                archive: try row.optionalText("archive"), artifact: try row.optionalText("artifact"))
        }
    }
}
