import Foundation
import RailyardCore

extension Store {
    public func createDeployment(
        service: ServiceID, environment: EnvironmentID, message: String?, audit: AuditContext
    ) async throws -> Deployment {
        try await createDeployment(service: service, environment: environment, message: message, origin: DeploymentOrigin(), audit: audit)
    }

    /// A new QUEUED deployment. `origin` says where its code comes from.
    public func createDeployment(
        service: ServiceID, environment: EnvironmentID, message: String?, origin: DeploymentOrigin, audit: AuditContext
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
                id: origin.id ?? .generate(), serviceID: service, environmentID: environment, status: .queued,
                message: message, statusReason: nil, source: origin.source, sourceDeploymentID: origin.sourceDeployment,
                commitSHA: origin.commitSHA, commitMessage: origin.commitMessage, createdAt: now, updatedAt: now)
            try await db.execute(
                """
                INSERT INTO deployments (id, service_id, environment_id, status, message, created_at, updated_at,
                    source, source_deployment_id, commit_sha, commit_message, archive)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [SQLValue(deployment.id), SQLValue(service), SQLValue(environment), .text(deployment.status.rawValue),
                 SQLValue(message), SQLValue(now), SQLValue(now), .text(origin.source.rawValue),
                 SQLValue(origin.sourceDeployment?.rawValue), SQLValue(origin.commitSHA), SQLValue(origin.commitMessage),
                 SQLValue(origin.archive)])
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
        guard let source = DeploymentSource(rawValue: try row.text("source")) else { throw StoreFailure.decoding("source") }
        let decoder = JSONDecoder()
        let instances = try row.optionalText("instances_json")
            .map { try decoder.decode([DeploymentInstance].self, from: Data($0.utf8)) } ?? []
        let warnings = try row.optionalText("warnings_json").map { try decoder.decode([String].self, from: Data($0.utf8)) } ?? []
        return Deployment(
            id: try row.id("id"), serviceID: try row.id("service_id"), environmentID: try row.id("environment_id"),
            status: status, message: try row.optionalText("message"), statusReason: try row.optionalText("status_reason"),
            source: source, sourceDeploymentID: try row.optionalID("source_deployment_id"),
            commitSHA: try row.optionalText("commit_sha"), commitMessage: try row.optionalText("commit_message"),
            provider: try row.optionalText("provider"), instances: instances, warnings: warnings,
            createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"))
    }

    static func decodeDeploymentWork(_ row: SQLRow) throws -> DeploymentWork {
        DeploymentWork(
            deployment: try decodeDeployment(row), archive: try row.optionalText("archive"),
            artifact: try row.optionalText("artifact"), planJSON: try row.optionalText("plan_json"),
            node: try row.optionalText("node_id"))
    }

    /// Records that `node` runs the deployment's replicas (its artifact is in that node's data
    /// folder): after a restart only that node starts them again.
    public func assignDeployment(_ id: DeploymentID, toNode node: String) async throws {
        try await write(conflict: "deployment changed concurrently") { db in
            try await db.execute("UPDATE deployments SET node_id = ? WHERE id = ?", [.text(node), SQLValue(id)])
        }
    }

    // MARK: The control plane's view

    /// Deployments in any of `statuses`, oldest first, with what the control plane needs.
    public func deploymentWork(withStatus statuses: [DeploymentStatus]) async throws -> [DeploymentWork] {
        guard !statuses.isEmpty else { return [] }
        let marks = Array(repeating: "?", count: statuses.count).joined(separator: ", ")
        return try await read { db in
            try await db.query(
                "SELECT * FROM deployments WHERE status IN (\(marks)) ORDER BY id", statuses.map { .text($0.rawValue) }
            ).map(Self.decodeDeploymentWork)
        }
    }

    public func deploymentWork(id: DeploymentID) async throws -> DeploymentWork? {
        try await read { db in
            try await db.first("SELECT * FROM deployments WHERE id = ?", [SQLValue(id)]).map(Self.decodeDeploymentWork)
        }
    }

    /// Records who asked for something done to a deployment that changes no row of its own
    /// (a restart, taking it down): `action` such as `deployment.restart`.
    public func auditDeploymentRequest(_ id: DeploymentID, action: String, audit: AuditContext) async throws {
        try await write(conflict: "audit event collision") { db in
            guard let row = try await db.first(
                """
                SELECT p.workspace_id FROM deployments d JOIN services s ON s.id = d.service_id
                JOIN projects p ON p.id = s.project_id WHERE d.id = ?
                """, [SQLValue(id)])
            else { throw RailyardError.notFound("deployment") }
            try await self.recordAudit(db, audit, workspace: try row.id("workspace_id"), action: action,
                                       targetType: "deployment", targetID: id.rawValue)
        }
    }

    /// The source archives a service's deployments name, newest deployment first (several
    /// deployments may share one: a redeploy reuses its source's).
    public func sourceArchives(of service: ServiceID) async throws -> [(deployment: DeploymentID, archive: String, status: DeploymentStatus)] {
        let rows = try await read { db in
            try await db.query(
                "SELECT id, archive, status FROM deployments WHERE service_id = ? AND archive IS NOT NULL ORDER BY id DESC",
                [SQLValue(service)])
        }
        return try rows.map { row in
            guard let status = DeploymentStatus(rawValue: try row.text("status")) else { throw StoreFailure.decoding("status") }
            return (try row.id("id"), try row.text("archive"), status)
        }
    }

    /// Deployments whose archive was deleted no longer name it.
    public func forgetSourceArchives(_ archives: [String]) async throws {
        guard !archives.isEmpty else { return }
        let marks = Array(repeating: "?", count: archives.count).joined(separator: ", ")
        try await write(conflict: "deployment changed concurrently") { db in
            try await db.execute("UPDATE deployments SET archive = NULL WHERE archive IN (\(marks))", archives.map { .text($0) })
        }
    }

    /// Records the source a git deploy fetched: its archive and commit.
    public func recordSource(of id: DeploymentID, archive: String, commitSHA: String, commitMessage: String) async throws {
        try await write(conflict: "deployment changed concurrently") { db in
            try await db.execute(
                "UPDATE deployments SET archive = ?, commit_sha = ?, commit_message = ?, updated_at = ? WHERE id = ?",
                [.text(archive), .text(commitSHA), .text(String(commitMessage.prefix(1000))), SQLValue(Date()), SQLValue(id)])
        }
    }

    /// Records what the build produced.
    public func recordBuild(of id: DeploymentID, provider: String?, planJSON: String?, artifact: String?) async throws {
        try await write(conflict: "deployment changed concurrently") { db in
            try await db.execute(
                "UPDATE deployments SET provider = ?, plan_json = ?, artifact = ?, updated_at = ? WHERE id = ?",
                [SQLValue(provider), SQLValue(planJSON), SQLValue(artifact), SQLValue(Date()), SQLValue(id)])
        }
    }

    /// Records the instances of a deployment and what it runs without.
    public func recordInstances(of id: DeploymentID, _ instances: [DeploymentInstance], warnings: [String]) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let instancesJSON = String(decoding: try encoder.encode(instances), as: UTF8.self)
        let warningsJSON = String(decoding: try encoder.encode(warnings), as: UTF8.self)
        try await write(conflict: "deployment changed concurrently") { db in
            try await db.execute(
                "UPDATE deployments SET instances_json = ?, warnings_json = ? WHERE id = ?",
                [.text(instancesJSON), .text(warningsJSON), SQLValue(id)])
        }
    }

    /// The newest deployment of the service in the environment whose source can be rebuilt
    /// (an upload or a git commit).
    public func latestBuildableDeployment(of service: ServiceID, in environment: EnvironmentID) async throws -> DeploymentWork? {
        try await read { db in
            try await db.first(
                """
                SELECT * FROM deployments WHERE service_id = ? AND environment_id = ? AND archive IS NOT NULL
                ORDER BY id DESC LIMIT 1
                """, [SQLValue(service), SQLValue(environment)]
            ).map(Self.decodeDeploymentWork)
        }
    }

    // MARK: Instance processes

    public func recordInstanceProcess(instance: String, deployment: DeploymentID, pid: Int32, node: String) async throws {
        try await write(conflict: "instance recorded twice") { db in
            try await db.execute(
                "INSERT INTO instance_processes (instance_id, deployment_id, pid, started_at, node_id) VALUES (?, ?, ?, ?, ?)",
                [.text(instance), SQLValue(deployment), .integer(Int64(pid)), SQLValue(Date()), .text(node)])
        }
    }

    public func forgetInstanceProcess(instance: String) async throws {
        try await write(conflict: "instance changed concurrently") { db in
            try await db.execute("DELETE FROM instance_processes WHERE instance_id = ?", [.text(instance)])
        }
    }

    /// The processes `node` recorded (and those recorded before nodes existed): never
    /// another node's, whose pids mean nothing here.
    public func instanceProcesses(node: String) async throws -> [(instance: String, pid: Int32)] {
        let rows = try await read { db in
            try await db.query(
                "SELECT instance_id, pid FROM instance_processes WHERE node_id = ? OR node_id IS NULL", [.text(node)])
        }
        return try rows.map { (try $0.text("instance_id"), Int32(truncatingIfNeeded: try $0.integer("pid"))) }
    }

    /// Who asked for each of `deployments` (their `deployment.create` audit events' actors);
    /// the ones the platform made itself are `system`.
    public func deploymentCreators(_ deployments: [DeploymentID]) async throws -> [DeploymentID: String] {
        guard !deployments.isEmpty else { return [:] }
        let placeholders = Array(repeating: "?", count: deployments.count).joined(separator: ", ")
        let rows = try await read { db in
            try await db.query(
                "SELECT target_id, actor FROM audit_events WHERE target_type = 'deployment' AND action = 'deployment.create' AND target_id IN (\(placeholders))",
                deployments.map { SQLValue($0) })
        }
        var creators: [DeploymentID: String] = [:]
        for row in rows {
            creators[DeploymentID(rawValue: try row.text("target_id"))] = try row.text("actor")
        }
        return creators
    }
}

/// Where a new deployment's code comes from.
public struct DeploymentOrigin: Sendable {
    public var id: DeploymentID?
    public var source: DeploymentSource
    public var sourceDeployment: DeploymentID?
    public var commitSHA: String?
    public var commitMessage: String?
    /// The uploaded or fetched source archive's file name.
    public var archive: String?

    public init(
        id: DeploymentID? = nil, source: DeploymentSource = .upload, sourceDeployment: DeploymentID? = nil,
        commitSHA: String? = nil, commitMessage: String? = nil, archive: String? = nil
    ) {
        self.id = id
        self.source = source
        self.sourceDeployment = sourceDeployment
        self.commitSHA = commitSHA
        self.commitMessage = commitMessage
        self.archive = archive
    }
}

/// A deployment with the fields only the control plane uses.
public struct DeploymentWork: Sendable {
    public var deployment: Deployment
    public var archive: String?
    public var artifact: String?
    public var planJSON: String?
    /// The node that runs (or last ran) its replicas; nil before any did, or before nodes existed.
    public var node: String?
}
